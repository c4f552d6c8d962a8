/**
 * npm run bench [-- --only throughput,paging] [--smoke] [--markdown]
 *
 * Runs each bench, every figure against a baseline measured in the same run (medians of several runs, contenders
 * alternated: the machine is shared and noisy), and prints one table.
 */
import { parseArgs } from "node:util";
import { generationBench } from "./generation.ts";
import { startupBench } from "./startup.ts";
import { throughputBench } from "./throughput.ts";
import { cacheHitsBench } from "./cache-hits.ts";
import { pagingBench } from "./paging.ts";
import { typesBench } from "./types.ts";
import { memoryBench } from "./memory.ts";
import { describeMachine } from "./lib/machine.ts";
import { formatMarkdown, formatTable, type Bench, type BenchRow } from "./lib/report.ts";

export const benches: Bench[] = [generationBench, startupBench, throughputBench, cacheHitsBench, pagingBench, typesBench, memoryBench];

export async function runBenches(options: { only?: string[]; smoke?: boolean; log?: (message: string) => void }): Promise<BenchRow[]> {
  const log = options.log ?? ((message: string) => console.error(message));
  const unknown = (options.only ?? []).filter((name) => !benches.some((b) => b.name === name));
  if (unknown.length) throw new Error(`no bench named ${unknown.join(", ")} (benches: ${benches.map((b) => b.name).join(", ")})`);
  const rows: BenchRow[] = [];
  for (const bench of benches) {
    if (options.only?.length && !options.only.includes(bench.name)) continue;
    log(`# ${bench.name}`);
    rows.push(...(await bench.run({ smoke: options.smoke ?? false, log })));
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { only: { type: "string" }, smoke: { type: "boolean", default: false }, markdown: { type: "boolean", default: false } },
  });
  const machine = describeMachine();
  const rows = await runBenches({ only: values.only?.split(",").filter(Boolean), smoke: values.smoke });
  console.log(`\nesikit benchmarks: ${machine}${values.smoke ? " (smoke sizes: not figures)" : ""}\n`);
  console.log(values.markdown ? formatMarkdown(rows) : formatTable(rows));
  const judged = rows.filter((r) => r.met !== null);
  console.log(`\ntargets met: ${judged.filter((r) => r.met).length} of ${judged.length}`);
}
