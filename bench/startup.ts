import { rmSync } from "node:fs";
import { join } from "node:path";
import { compileDist } from "./lib/compile-dist.ts";
import type { Bench } from "./lib/report.ts";
import { bin, ROOT, run, runScript } from "./lib/processes.ts";
import { alternate, median, ms, ratio } from "./lib/stats.ts";

interface StartupSample {
  importAndCreateMs: number;
  sinceProcessStartMs: number;
}

/**
 * Start-up: a fresh node importing esikit as published (`npm run build`: src/ compiled, its entry points bundled) and
 * calling createEsiClient, against a fresh node importing openapi-fetch and calling createClient.
 */
export const startupBench: Bench = {
  name: "startup",
  async run({ smoke, log }) {
    // The package as published (`npm run build`: entry points bundled); the smoke run transpiles file by file instead.
    if (!smoke) await run(bin("tsx"), ["scripts/build.ts"]);
    const dist = smoke ? compileDist() : join(ROOT, "dist");
    try {
      const child = new URL("./lib/startup-child.mjs", import.meta.url);
      const samples: Record<"esikit" | "plain", StartupSample[]> = { esikit: [], plain: [] };
      const once = (name: "esikit" | "plain") => async () => {
        const args = name === "esikit" ? ["esikit", join(dist, "src/index.js")] : ["openapi-fetch"];
        const sample = await runScript<StartupSample>(child, args);
        samples[name].push(sample);
        return sample.importAndCreateMs;
      };
      await alternate(smoke ? 1 : 9, { esikit: once("esikit"), plain: once("plain") });
      const pick = (name: "esikit" | "plain", key: keyof StartupSample) => median(samples[name].map((s) => s[key]));
      log(`startup import+create esikit ${samples.esikit.map((s) => Math.round(s.importAndCreateMs)).join(" ")} ms | openapi-fetch ${samples.plain.map((s) => Math.round(s.importAndCreateMs)).join(" ")} ms`);
      const extra = pick("esikit", "importAndCreateMs") - pick("plain", "importAndCreateMs");
      const total = pick("esikit", "sinceProcessStartMs");
      return [
        { bench: "startup", metric: "import + create client, fresh node (compiled esikit)", esikit: ms(pick("esikit", "importAndCreateMs")), baseline: ms(pick("plain", "importAndCreateMs")), ratio: `+${ms(extra)}`, target: "<= +50 ms", met: extra <= 50 },
        { bench: "startup", metric: "process start to client ready", esikit: ms(total), baseline: ms(pick("plain", "sinceProcessStartMs")), ratio: ratio(total / pick("plain", "sinceProcessStartMs")), target: "-", met: null },
      ];
    } finally {
      if (smoke) rmSync(dist, { recursive: true, force: true });
    }
  },
};
