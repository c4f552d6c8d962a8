import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkGenerationDir } from "../../scripts/lib/generation-dir.ts";
import { generate } from "../../scripts/lib/generator.ts";
import { hashBytes } from "../../scripts/lib/spec-document.ts";
import { fixture, ROOT, tempDir } from "./helpers.ts";

/**
 * Issue 13: a generation is written as one unit. The generator runs as its own process (as `npm run generate`
 * does) and is SIGKILLed at random moments, 20 times, alternating between two specs. After every kill the output
 * folder must be one whole generation, old or new (every file as its manifest lists it, nothing else), or, in the
 * instant between the two renames of the swap, absent with both folders beside it; the next run (here --check)
 * then finishes or undoes the swap. Kills are aimed three ways: anywhere in the run, while the files are written
 * (after the types are made), and around the swap (after the new folder is staged).
 */
const KILLS = 20;

interface Child {
  done: Promise<{ signal: NodeJS.Signals | null; code: number | null }>;
  kill(): void;
  /** Resolves when the child reports this step on stderr (ESIKIT_TRACE=1), or never. */
  reached(step: string): Promise<void>;
}

function runGenerator(spec: string, out: string, cache: string): Child {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "scripts/generate.ts", "--offline", "--force", "--spec", spec, "--out", out, "--cache", cache],
    { cwd: ROOT, env: { ...process.env, ESIKIT_TRACE: "1" }, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  const waiting: Array<{ step: string; resolve: () => void }> = [];
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    for (const w of waiting) if (stderr.includes(`esikit generate: ${w.step} (`)) w.resolve();
  });
  const done = new Promise<{ signal: NodeJS.Signals | null; code: number | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return {
    done,
    kill: () => child.kill("SIGKILL"),
    reached: (step) => new Promise((resolve) => waiting.push({ step, resolve })),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a generator killed while it writes", () => {
  it(`leaves one whole generation, old or new, after each of ${KILLS} SIGKILLs`, async () => {
    const parent = await tempDir("kill");
    const out = join(parent, "esi");
    const cache = join(parent, "swagger-cache");
    const specA = fixture("openapi-3.1.json");
    const specB = join(await tempDir("kill-spec"), "next.json");
    const next = JSON.parse(await readFile(specA, "utf8"));
    next.info.version = "2026-02-01";
    next.paths["/alliances"] = { get: { operationId: "GetAlliances", summary: "Alliances", responses: { "200": { description: "ok" } } } };
    await writeFile(specB, JSON.stringify(next));
    const specs = [specA, specB];

    // The two generations a kill may leave: made by the same command, uninterrupted; timed for the random kills.
    const reference: Array<Record<string, string>> = [];
    let fullRunMs = 0;
    for (const spec of [specB, specA]) {
      const started = performance.now();
      const run = runGenerator(spec, out, cache);
      expect(await run.done).toEqual({ code: 0, signal: null });
      fullRunMs = performance.now() - started;
      const check = await checkGenerationDir(out);
      if (!check.ok) throw new Error(`an uninterrupted run left no whole generation: ${check.reason}`);
      reference.unshift(check.manifest.files);
    }
    const specHashes = await Promise.all(specs.map(async (s) => hashBytes(await readFile(s))));

    /** Whole, and one of the two generations: the manifest's files, each with its hash, and nothing else. */
    const expectWhole = async (when: string) => {
      const check = await checkGenerationDir(out);
      if (!check.ok) throw new Error(`${when}: ${out} is not a whole generation: ${check.reason}`);
      const which = reference.findIndex((files) => JSON.stringify(files) === JSON.stringify(check.manifest.files));
      expect(which, `${when}: the files are neither the old generation nor the new one`).toBeGreaterThanOrEqual(0);
      expect(check.manifest.specHash, when).toBe(specHashes[which]);
    };

    const landed = { anywhere: 0, writing: 0, swapping: 0, betweenRenames: 0, finishedFirst: 0 };
    let kills = 0;
    for (let attempt = 0; kills < KILLS && attempt < KILLS * 3; attempt++) {
      const aim = (["anywhere", "writing", "swapping"] as const)[attempt % 3]!;
      const run = runGenerator(specs[attempt % 2]!, out, cache);
      if (aim === "anywhere") await Promise.race([sleep(Math.random() * fullRunMs), run.done]);
      if (aim === "writing") await Promise.race([run.reached("types").then(() => sleep(Math.random() * 30)), run.done]);
      if (aim === "swapping") await Promise.race([run.reached("staged").then(() => sleep(Math.random() * 3)), run.done]);
      run.kill();
      const { signal } = await run.done;
      if (signal !== "SIGKILL") {
        landed.finishedFirst++;
        await expectWhole(`attempt ${attempt} (finished before the kill)`);
        continue;
      }
      kills++;
      landed[aim]++;
      if (existsSync(out)) {
        await expectWhole(`kill ${kills} (${aim})`);
      } else {
        // Only between the two renames: the old folder was moved aside, the new one is staged beside it.
        landed.betweenRenames++;
        const siblings = (await readdir(parent)).filter((n) => n.startsWith(".esi."));
        expect(siblings.some((n) => n.startsWith(".esi.prev-")), `kill ${kills}: ${out} is gone and no old folder is beside it`).toBe(true);
      }
      // The next run (--check here: it writes nothing else) finishes or undoes an interrupted swap first.
      const checked = await generate({ specFile: specs[attempt % 2]!, offline: true, check: true, outDir: out, cacheDir: cache });
      expect(["fresh", "stale"]).toContain(checked.status);
      await expectWhole(`after the check following kill ${kills}`);
      expect((await readdir(parent)).filter((n) => n.startsWith(".esi.")), `kill ${kills}: leftovers beside ${out}`).toEqual([]);
    }
    console.log(`kill-during-generate: ${JSON.stringify(landed)}`);
    expect(kills).toBe(KILLS);
    expect(landed.writing + landed.swapping).toBeGreaterThanOrEqual(3);
  }, 600_000);
});
