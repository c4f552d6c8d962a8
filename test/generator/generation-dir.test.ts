import { spawnSync } from "node:child_process";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkGenerationDir, fileHashes, recoverGenerationDir, writeGenerationDir, type FileToWrite } from "../../scripts/lib/generation-dir.ts";
import { SpecError } from "../../scripts/lib/spec-error.ts";
import { tempDir } from "./helpers.ts";

/** A small generation: two files and the manifest listing their hashes. */
function generationOf(label: string): FileToWrite[] {
  const files = [
    { name: "a.js", content: `export const label = ${JSON.stringify(label)};\n` },
    { name: "b.d.ts", content: `export declare const label: ${JSON.stringify(label)};\n` },
  ];
  return [...files, { name: "meta.json", content: JSON.stringify({ label, files: fileHashes(files) }) }];
}

async function contentOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) out[name] = await readFile(join(dir, name), "utf8");
  return out;
}
const expected = (files: FileToWrite[]) => Object.fromEntries(files.map((f) => [f.name, String(f.content)]).sort());

/** A pid that no process has now: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

describe("writeGenerationDir", () => {
  it("replaces the folder whole and leaves nothing beside it", async () => {
    const parent = await tempDir("gendir");
    const out = join(parent, "esi");
    await writeGenerationDir(out, generationOf("old"));
    await writeGenerationDir(out, generationOf("new"));
    expect(await contentOf(out)).toEqual(expected(generationOf("new")));
    expect(await readdir(parent)).toEqual(["esi"]);
    expect(await checkGenerationDir(out)).toMatchObject({ ok: true, manifest: { label: "new" } });
  });

  it("refuses to replace a folder esikit did not write, and leaves it as it was", async () => {
    const parent = await tempDir("gendir-foreign");
    const out = join(parent, "esi");
    await mkdir(out);
    await writeFile(join(out, "mine.ts"), "the app's own file");
    await expect(writeGenerationDir(out, generationOf("new"))).rejects.toThrow(
      new SpecError(`${out} exists and is not an esikit generation (it has no meta.json): choose another --out or remove it`),
    );
    expect(await readdir(parent)).toEqual(["esi"]);
    expect(await readdir(out)).toEqual(["mine.ts"]);
  });
});

describe("recoverGenerationDir, after a process was killed while writing", () => {
  async function interrupted(state: "between-renames" | "before-first-rename" | "new-half-written" | "old-moved-new-half-written") {
    const parent = await tempDir("gendir-crash");
    const out = join(parent, "esi");
    await writeGenerationDir(out, generationOf("old"));
    const tag = `${deadPid()}-0badc0de`;
    const next = join(parent, `.esi.next-${tag}`);
    const prev = join(parent, `.esi.prev-${tag}`);
    // The new folder, as writeGenerationDir stages it, whole or cut short (no manifest yet).
    await mkdir(next);
    const files = generationOf("new");
    const written = state === "new-half-written" || state === "old-moved-new-half-written" ? files.slice(0, 1) : files;
    for (const f of written) await writeFile(join(next, f.name), f.content);
    if (state === "between-renames" || state === "old-moved-new-half-written") await rename(out, prev);
    return { parent, out };
  }

  it("finishes the swap when the old folder was moved aside and the new one is whole", async () => {
    const { parent, out } = await interrupted("between-renames");
    expect(await recoverGenerationDir(out)).toBe("finished-swap");
    expect(await contentOf(out)).toEqual(expected(generationOf("new")));
    expect(await readdir(parent)).toEqual(["esi"]);
  });

  it("puts the old folder back when the new one is not whole", async () => {
    const { parent, out } = await interrupted("old-moved-new-half-written");
    expect(await recoverGenerationDir(out)).toBe("restored-previous");
    expect(await contentOf(out)).toEqual(expected(generationOf("old")));
    expect(await readdir(parent)).toEqual(["esi"]);
  });

  it("removes a staged folder that never got swapped in, whole or not, and keeps the old generation", async () => {
    for (const state of ["before-first-rename", "new-half-written"] as const) {
      const { parent, out } = await interrupted(state);
      expect(await recoverGenerationDir(out)).toBe("removed-leftovers");
      expect(await contentOf(out)).toEqual(expected(generationOf("old")));
      expect(await readdir(parent)).toEqual(["esi"]);
    }
  });

  it("leaves alone the staging folder of a process that is still running", async () => {
    const parent = await tempDir("gendir-live");
    const out = join(parent, "esi");
    await writeGenerationDir(out, generationOf("old"));
    const live = join(parent, `.esi.next-${process.pid}-feedf00d`);
    await mkdir(live);
    expect(await recoverGenerationDir(out)).toBe("none");
    expect((await readdir(parent)).sort()).toEqual([".esi.next-" + `${process.pid}-feedf00d`, "esi"]);
  });
});

describe("checkGenerationDir", () => {
  it("tells a whole generation from one with a changed, missing or extra file", async () => {
    const parent = await tempDir("gendir-check");
    const out = join(parent, "esi");
    await writeGenerationDir(out, generationOf("one"));
    expect((await checkGenerationDir(out)).ok).toBe(true);
    await writeFile(join(out, "extra.js"), "");
    expect(await checkGenerationDir(out)).toEqual({ ok: false, reason: "extra.js is not part of the generation" });
    await writeGenerationDir(out, generationOf("two"));
    await writeFile(join(out, "a.js"), "changed");
    expect(await checkGenerationDir(out)).toEqual({ ok: false, reason: "a.js does not match its hash in meta.json" });
    await writeGenerationDir(out, generationOf("three"));
    await rename(join(out, "b.d.ts"), join(parent, "moved"));
    expect(await checkGenerationDir(out)).toEqual({ ok: false, reason: "b.d.ts is missing" });
    expect(await checkGenerationDir(join(parent, "nowhere"))).toEqual({ ok: false, reason: "meta.json is missing" });
  });
});
