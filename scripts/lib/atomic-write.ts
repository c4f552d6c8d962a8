import { mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";

export interface FileToWrite {
  path: string;
  content: string | Uint8Array;
}

/**
 * Writes a set of files so that a reader sees each one old or new, never half-written, and a failure
 * before the renames leaves every target as it was: all temp files are written and synced first, and
 * only then renamed into place, in the order given. (A generation folder is written whole by generation-dir.ts;
 * this is for single files such as the specs kept in the cache.)
 */
export async function writeFilesAtomic(files: readonly FileToWrite[]): Promise<void> {
  const staged: Array<{ temp: string; path: string }> = [];
  try {
    for (const file of files) {
      await mkdir(dirname(file.path), { recursive: true });
      const temp = join(dirname(file.path), `.${basename(file.path)}.${randomBytes(6).toString("hex")}.tmp`);
      staged.push({ temp, path: file.path });
      const handle = await open(temp, "w", 0o644);
      try {
        await handle.writeFile(file.content);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  } catch (error) {
    await Promise.all(staged.map((s) => rm(s.temp, { force: true })));
    throw error;
  }
  for (const { temp, path } of staged) await rename(temp, path);
  // The renames are durable only once their folders are synced.
  for (const dir of new Set(staged.map((s) => dirname(s.path)))) await fsyncDir(dir);
}

/** fsync of a folder, so renames into it survive a crash. Windows cannot open a folder for it; nothing to do there. */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === "win32") return;
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  return writeFilesAtomic([{ path, content }]);
}
