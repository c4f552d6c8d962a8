import { describe, expect, it } from "vitest";
import { benches } from "../../bench/run.ts";
import { HAVE_REAL_SPECS, NO_SPECS_REASON } from "../support/spec-files.ts";

/**
 * Every bench script, run with tiny sizes so it cannot rot: it must finish and fill every cell of its rows.
 * The figures are not checked (speed goals belong in `npm run bench`, never in timed tests).
 */
const NEEDS_REAL_SPEC = new Set(["generation", "types"]);

describe("bench smoke", () => {
  for (const bench of benches) {
    const skip = NEEDS_REAL_SPEC.has(bench.name) && !HAVE_REAL_SPECS;
    it.skipIf(skip)(`${bench.name} runs end to end${skip ? ` (skipped: ${NO_SPECS_REASON})` : ""}`, { timeout: 180_000 }, async () => {
      const rows = await bench.run({ smoke: true, log: () => {} });
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row.bench).toBe(bench.name);
        for (const cell of [row.metric, row.esikit, row.baseline, row.ratio, row.target]) {
          expect(cell).not.toBe("");
          expect(cell).not.toMatch(/NaN|Infinity|undefined/);
        }
      }
    });
  }
});
