import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { REAL_SPEC } from "./generation.ts";
import { completionLatency } from "./lib/completion.ts";
import { bin, ROOT, run } from "./lib/processes.ts";
import type { Bench, BenchRow } from "./lib/report.ts";
import { alternate, median, ms, ratio } from "./lib/stats.ts";
import { buildTypeApps } from "./lib/type-apps.ts";
import { generation } from "../src/default-generation.ts";

const TSC = join(ROOT, "node_modules/typescript/lib/tsc.js");

interface Diagnostics {
  checkMs: number;
  instantiations: number;
}

/**
 * Types: an app with one call per operation, type-checked by tsc --noEmit --extendedDiagnostics, through esikit
 * (its published declarations, as users get them) and through plain openapi-fetch on the raw openapi-typescript
 * types; then TypeScript's completion latency at `esi.GET("/characters/` against `client.GET("/characters/`.
 */
export const typesBench: Bench = {
  name: "types",
  async run({ smoke, log }) {
    mkdirSync(join(ROOT, ".tmp"), { recursive: true });
    const work = mkdtempSync(join(ROOT, ".tmp", "bench-types-"));
    try {
      // Smoke: three character operations (the completion below lists their paths), and a spec cut to them
      // (openapi-typescript is quicker on it).
      const operations = smoke ? [...generation.allOperations()].filter((o) => o.method === "get" && o.path.startsWith("/characters/")).slice(0, 3) : [...generation.allOperations()];
      const spec = smoke ? smallSpec(work, operations.map((o) => o.path)) : REAL_SPEC;
      // Raw types: what openapi-typescript alone makes of the spec.
      await run(bin("openapi-typescript"), [spec, "-o", join(work, "raw.d.ts")]);
      const esikitEntry = smoke ? join(ROOT, "src/index.ts") : await buildDeclarations(work);
      const esikitDir = join(work, "esikit");
      const plainDir = join(work, "plain");
      const apps = buildTypeApps(spec, operations, { esikit: relative(esikitDir, esikitEntry), plainTypes: "../raw.d.ts" });
      writeApp(esikitDir, apps.esikit);
      writeApp(plainDir, apps.plain);

      // Smoke: tsc on the plain app only. The esikit app's tsc checks all of src/ (seconds of CPU), too slow
      // for `npm test`; its completions below still build and query its program.
      const esikitRuns: Diagnostics[] = [];
      const plainRuns: Diagnostics[] = [];
      const check = (dir: string, samples: Diagnostics[]) => async () => {
        const result = await runTsc(dir);
        samples.push(result);
        return result.checkMs;
      };
      if (smoke) await check(plainDir, plainRuns)();
      else await alternate(3, { esikit: check(esikitDir, esikitRuns), plain: check(plainDir, plainRuns) });
      log(`types check ms esikit ${esikitRuns.map((r) => Math.round(r.checkMs)).join(" ")} | plain ${plainRuns.map((r) => Math.round(r.checkMs)).join(" ")}; instantiations ${esikitRuns[0]?.instantiations} vs ${plainRuns[0]!.instantiations}`);
      const checkMs = (runs: Diagnostics[]) => (runs.length ? median(runs.map((r) => r.checkMs)) : NaN);
      const checkRatio = median(plainRuns.map((r, i) => (esikitRuns[i]?.checkMs ?? NaN) / r.checkMs));
      const instRatio = (esikitRuns[0]?.instantiations ?? NaN) / plainRuns[0]!.instantiations;
      const count = (runs: Diagnostics[]) => runs[0]?.instantiations.toLocaleString("en-US") ?? "skipped (smoke)";
      const time = (runs: Diagnostics[]) => (runs.length ? ms(checkMs(runs)) : "skipped (smoke)");
      const maybe = (value: number, text: string) => (Number.isNaN(value) ? "-" : text);

      // Smoke: completions on the plain app only (the esikit program is the slow one to build; test/client's
      // autocompletion test already asks it for completions).
      const warmRuns = smoke ? 1 : 7;
      const plainCompletion = completionLatency(plainDir, `${apps.plain}client.GET("/characters/|");\n`, warmRuns);
      const esikitCompletion = smoke ? undefined : completionLatency(esikitDir, `${apps.esikit}esi.GET("/characters/|");\n`, warmRuns);
      if (esikitCompletion?.entries === 0 || plainCompletion.entries === 0) {
        throw new Error(`types: no /characters/ paths offered (esikit ${esikitCompletion?.entries}, openapi-fetch ${plainCompletion.entries})`);
      }
      log(`completion esikit cold ${Math.round(esikitCompletion?.coldMs ?? NaN)} warm ${esikitCompletion?.warmMs.map(Math.round).join(" ")} | plain cold ${Math.round(plainCompletion.coldMs)} warm ${plainCompletion.warmMs.map(Math.round).join(" ")}`);
      const warm = esikitCompletion ? median(esikitCompletion.warmMs) : NaN;
      const plainWarm = median(plainCompletion.warmMs);
      const label = `${apps.operations} calls`;
      const rows: BenchRow[] = [
        { bench: "types", metric: `tsc check time, ${label} (vs openapi-fetch + raw types)`, esikit: time(esikitRuns), baseline: time(plainRuns), ratio: maybe(checkRatio, ratio(checkRatio)), target: "<= 1.3x", met: smoke ? null : checkRatio <= 1.3 },
        { bench: "types", metric: `tsc instantiations, ${label}`, esikit: count(esikitRuns), baseline: count(plainRuns), ratio: maybe(instRatio, ratio(instRatio)), target: "<= 1.3x", met: smoke ? null : instRatio <= 1.3 },
        { bench: "types", metric: `completion in GET("/characters/, after an edit (${plainCompletion.entries} paths)`, esikit: esikitCompletion ? ms(warm) : "skipped (smoke)", baseline: ms(plainWarm), ratio: maybe(warm, ratio(warm / plainWarm)), target: "<= 100 ms", met: esikitCompletion ? warm <= 100 : null },
        { bench: "types", metric: "completion, first request (service start + program)", esikit: esikitCompletion ? ms(esikitCompletion.coldMs) : "skipped (smoke)", baseline: ms(plainCompletion.coldMs), ratio: esikitCompletion ? ratio(esikitCompletion.coldMs / plainCompletion.coldMs) : "-", target: "-", met: null },
      ];
      return rows;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};

/** esikit's declarations as `npm run build` publishes them (tsc on tsconfig.build.json), into the work directory. */
async function buildDeclarations(work: string): Promise<string> {
  const out = join(work, "dist");
  await run(process.execPath, [TSC, "-p", join(ROOT, "tsconfig.build.json"), "--emitDeclarationOnly", "--sourceMap", "false", "--outDir", out]);
  // The generation is JavaScript with declarations already: copied whole (scripts/build.ts does the same).
  cpSync(join(ROOT, "generated"), join(out, "generated"), { recursive: true });
  return join(out, "src/index.js");
}

function smallSpec(work: string, paths: string[]): string {
  const full = JSON.parse(readFileSync(REAL_SPEC, "utf8")) as { paths: Record<string, unknown> };
  full.paths = Object.fromEntries(paths.map((p) => [p, full.paths[p]]));
  const file = join(work, "small-spec.json");
  writeFileSync(file, JSON.stringify(full));
  return file;
}

function writeApp(dir: string, source: string): void {
  mkdirSync(dir, { recursive: true });
  const { compilerOptions } = JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...compilerOptions, noEmit: true }, files: ["app.ts"] }, null, 2));
  writeFileSync(join(dir, "app.ts"), source);
}

async function runTsc(dir: string): Promise<Diagnostics> {
  let output: string;
  try {
    output = (await run(process.execPath, [TSC, "-p", join(dir, "tsconfig.json"), "--noEmit", "--extendedDiagnostics"])).stdout;
  } catch (error) {
    throw new Error(`types: the ${relative(ROOT, dir)} app does not type-check: ${(error as Error).message.slice(0, 3000)}`);
  }
  const checkS = /^Check time:\s+([\d.]+)s$/m.exec(output)?.[1];
  const instantiations = /^Instantiations:\s+(\d+)$/m.exec(output)?.[1];
  if (!checkS || !instantiations) throw new Error(`types: no check time or instantiations in tsc's output:\n${output}`);
  return { checkMs: Number(checkS) * 1000, instantiations: Number(instantiations) };
}
