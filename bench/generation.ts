import { mkdtemp, rm, writeFile, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bench } from "./lib/report.ts";
import { bin, ROOT, run } from "./lib/processes.ts";
import { alternate, median, ms, ratio } from "./lib/stats.ts";

/** The real spec: ESIKIT_SPEC, else openapi.json in ESIKIT_SPEC_DIR or ../shared/esi-spec beside the checkout. */
export const REAL_SPEC = process.env.ESIKIT_SPEC ?? join(process.env.ESIKIT_SPEC_DIR ?? join(ROOT, "../shared/esi-spec"), "openapi.json");

/**
 * Generation on the real spec, timed as fresh processes from spawn to exit (what a user waits for): the generator
 * as the installed package runs it (`npm run build`, then plain `node dist/scripts/generate.js`, no tsx), `--force`
 * cold against the openapi-typescript CLI alone on the same spec, and the unchanged re-run (the spec's hash matches
 * the manifest: nothing to write). The smoke run uses `tsx scripts/generate.ts` (no build inside the test suite).
 */
export const generationBench: Bench = {
  name: "generation",
  async run({ smoke, log }) {
    const work = await mkdtemp(join(tmpdir(), "esikit-bench-gen-"));
    try {
      const spec = smoke ? await smallSpec(work) : REAL_SPEC;
      const rounds = smoke ? 1 : 3;
      if (!smoke) await run(bin("tsx"), ["scripts/build.ts"]);
      const generator = smoke ? [bin("tsx"), "scripts/generate.ts"] : [process.execPath, join(ROOT, "dist/scripts/generate.js")];
      const generate = (force: boolean) => () =>
        run(generator[0]!, [...generator.slice(1), "--spec", spec, "--out", join(work, "out"), "--cache", join(work, "cache"), ...(force ? ["--force"] : [])]).then((r) => r.ms);
      const cli = () => run(bin("openapi-typescript"), [spec, "-o", join(work, "cli.d.ts")]).then((r) => r.ms);
      const cold = await alternate(rounds, { esikit: generate(true), cli });
      // node alone: the floor of any process, for the unchanged re-run.
      const nodeAlone = smoke ? async () => NaN : () => run(process.execPath, ["-e", "0"]).then((r) => r.ms);
      const unchanged = await alternate(smoke ? 1 : 5, { esikit: generate(false), nodeAlone });
      log(`generation cold ${cold.esikit.map(Math.round).join(" ")} ms | cli ${cold.cli.map(Math.round).join(" ")} ms | unchanged ${unchanged.esikit.map(Math.round).join(" ")} ms | node -e 0 ${unchanged.nodeAlone.map(Math.round).join(" ")} ms`);
      const coldRatio = median(cold.esikit.map((t, i) => t / cold.cli[i]!));
      const unchangedMs = median(unchanged.esikit);
      const label = smoke ? "small spec" : "real spec";
      return [
        { bench: "generation", metric: `cold, ${label}, compiled generator in plain node, vs openapi-typescript CLI`, esikit: ms(median(cold.esikit)), baseline: ms(median(cold.cli)), ratio: ratio(coldRatio), target: "<= 1.2x", met: smoke ? null : coldRatio <= 1.2 },
        { bench: "generation", metric: `unchanged re-run, process start to exit (baseline: node -e 0)`, esikit: ms(unchangedMs), baseline: smoke ? "-" : ms(median(unchanged.nodeAlone)), ratio: smoke ? "-" : ratio(unchangedMs / median(unchanged.nodeAlone)), target: "<= 0.3 s", met: smoke ? null : unchangedMs <= 300 },
      ];
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
};

/** For the smoke run: the real spec cut to a few operations, in a temporary directory (never committed). */
async function smallSpec(work: string): Promise<string> {
  const full = JSON.parse(await readFile(REAL_SPEC, "utf8")) as { paths: Record<string, unknown> };
  full.paths = Object.fromEntries(Object.entries(full.paths).slice(0, 3));
  const file = join(work, "small-spec.json");
  await writeFile(file, JSON.stringify(full));
  return file;
}
