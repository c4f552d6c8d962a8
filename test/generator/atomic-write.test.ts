import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFilesAtomic } from "../../scripts/lib/atomic-write.ts";
import { tempDir } from "./helpers.ts";

describe("writeFilesAtomic", () => {
  it("replaces every file and leaves no temp file", async () => {
    const dir = await tempDir("atomic");
    await writeFile(join(dir, "a.txt"), "old a");
    await writeFilesAtomic([
      { path: join(dir, "a.txt"), content: "new a" },
      { path: join(dir, "sub", "b.txt"), content: new TextEncoder().encode("new b") },
    ]);
    expect((await readdir(dir)).sort()).toEqual(["a.txt", "sub"]);
    expect(await readdir(join(dir, "sub"))).toEqual(["b.txt"]);
    expect(await readFile(join(dir, "a.txt"), "utf8")).toBe("new a");
    expect(await readFile(join(dir, "sub", "b.txt"), "utf8")).toBe("new b");
  });

  it("when one file cannot be written, changes none and removes its temp files", async () => {
    const dir = await tempDir("atomic-fail");
    await writeFile(join(dir, "a.txt"), "old a");
    await writeFile(join(dir, "blocker"), "a file where a folder is needed");
    await mkdir(join(dir, "empty"));
    const failing = writeFilesAtomic([
      { path: join(dir, "a.txt"), content: "new a" },
      { path: join(dir, "blocker", "b.txt"), content: "b" },
    ]);
    await expect(failing).rejects.toThrow(/ENOTDIR|EEXIST/);
    expect((await readdir(dir)).sort()).toEqual(["a.txt", "blocker", "empty"]);
    expect(await readFile(join(dir, "a.txt"), "utf8")).toBe("old a");
  });
});
