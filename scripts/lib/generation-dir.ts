import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fsyncDir } from "./atomic-write.ts";
import { SpecError } from "./spec-error.ts";
import { hashBytes } from "./spec-document.ts";

/**
 * A generation is one folder, written as a unit: a reader sees the whole old one or the whole new one, never a mix.
 *
 * The new folder is written beside the output as `.<name>.next-<pid>-<random>`, every file and the folder itself
 * fsynced; then the old folder is renamed aside (`.<name>.prev-<pid>-<random>`), the new one renamed into place and
 * the parent fsynced, and the old one removed. A process killed between those two renames leaves no output folder
 * but both siblings: `recoverGenerationDir` (run first by every generate and --check) finishes the swap when the new
 * folder is complete, else puts the old one back, and removes leftovers of dead processes.
 *
 * The manifest (MANIFEST_FILE, written last into the new folder) lists every file with its sha256, so any reader can
 * tell a whole generation from a damaged one (`checkGenerationDir`).
 */
export const MANIFEST_FILE = "meta.json";

export interface FileToWrite {
  name: string;
  content: string | Uint8Array;
}

/** The part of the manifest this module reads: file name -> sha256 (hex) of its bytes. */
export interface ManifestFiles {
  files: Record<string, string>;
}

export interface WriteSteps {
  /** Called once the new folder is complete on disk, before the swap (the generator's tests kill around it). */
  onStaged?(): void;
}

export function fileHashes(files: readonly FileToWrite[]): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const f of files) hashes[f.name] = hashBytes(f.content);
  return hashes;
}

/** Replaces outDir with a folder holding exactly `files` (the manifest last), as described above. */
export async function writeGenerationDir(outDir: string, files: readonly FileToWrite[], steps: WriteSteps = {}): Promise<void> {
  const { parent, name } = split(outDir);
  await recoverGenerationDir(outDir);
  if (existsSync(outDir) && !existsSync(join(outDir, MANIFEST_FILE)) && (await readdir(outDir)).length > 0) {
    // Never swap away a folder esikit did not write: it would remove the app's own files.
    throw new SpecError(`${outDir} exists and is not an esikit generation (it has no ${MANIFEST_FILE}): choose another --out or remove it`);
  }
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const next = join(parent, `.${name}.next-${tag}`);
  const prev = join(parent, `.${name}.prev-${tag}`);
  await mkdir(next);
  try {
    for (const file of files) {
      const handle = await open(join(next, file.name), "wx", 0o644);
      try {
        await handle.writeFile(file.content);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await fsyncDir(next);
  } catch (error) {
    await rm(next, { recursive: true, force: true });
    throw error;
  }
  steps.onStaged?.();
  let moved = false;
  if (existsSync(outDir)) {
    await rename(outDir, prev);
    moved = true;
  }
  await rename(next, outDir);
  await fsyncDir(parent);
  if (moved) await rm(prev, { recursive: true, force: true });
}

export type Recovery = "none" | "finished-swap" | "restored-previous" | "removed-leftovers";

/** Brings outDir back to one whole generation after a process was killed while writing it (see above). */
export async function recoverGenerationDir(outDir: string): Promise<Recovery> {
  const { parent, name } = split(outDir);
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return "none";
  }
  const siblings = entries
    .map((entry) => ({ entry, match: new RegExp(`^\\.${escape(name)}\\.(next|prev)-(\\d+)-([0-9a-f]+)$`).exec(entry) }))
    .filter((s) => s.match !== null && !processAlive(Number(s.match[2])))
    .map((s) => ({ path: join(parent, s.entry), kind: s.match![1] as "next" | "prev", tag: `${s.match![2]}-${s.match![3]}` }));
  if (siblings.length === 0) return "none";

  let result: Recovery = "removed-leftovers";
  if (!existsSync(outDir)) {
    // Killed between the two renames: the new folder was complete before the old one moved aside.
    const prev = siblings.find((s) => s.kind === "prev");
    const candidates = siblings.filter((s) => s.kind === "next" && (!prev || s.tag === prev.tag));
    const complete = [];
    for (const c of candidates) if ((await checkGenerationDir(c.path)).ok) complete.push(c);
    const chosen = complete[0] ?? prev;
    if (chosen) {
      await rename(chosen.path, outDir);
      await fsyncDir(parent);
      result = chosen.kind === "next" ? "finished-swap" : "restored-previous";
    }
  }
  for (const s of siblings) if (existsSync(s.path)) await rm(s.path, { recursive: true, force: true });
  return result;
}

export type DirCheck = { ok: true; manifest: ManifestFiles & Record<string, unknown> } | { ok: false; reason: string };

/** Is dir one whole generation: a manifest, every file it lists with its hash, and no file it does not list? */
export async function checkGenerationDir(dir: string): Promise<DirCheck> {
  let manifest: ManifestFiles & Record<string, unknown>;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === "ENOENT" ? `${MANIFEST_FILE} is missing` : `${MANIFEST_FILE} cannot be read (${code ?? "not JSON"})` };
  }
  if (!manifest || typeof manifest.files !== "object" || manifest.files === null) {
    return { ok: false, reason: `${MANIFEST_FILE} lists no files (written by an older esikit)` };
  }
  let present: string[];
  try {
    present = await readdir(dir);
  } catch {
    return { ok: false, reason: "the folder cannot be read" };
  }
  for (const [file, hash] of Object.entries(manifest.files)) {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(dir, file));
    } catch {
      return { ok: false, reason: `${file} is missing` };
    }
    if (hashBytes(bytes) !== hash) return { ok: false, reason: `${file} does not match its hash in ${MANIFEST_FILE}` };
  }
  const extra = present.filter((f) => f !== MANIFEST_FILE && !Object.hasOwn(manifest.files, f));
  if (extra.length) return { ok: false, reason: `${extra.join(", ")} ${extra.length === 1 ? "is" : "are"} not part of the generation` };
  return { ok: true, manifest };
}

function split(outDir: string): { parent: string; name: string } {
  return { parent: dirname(outDir), name: basename(outDir) };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A sibling of a live process is its work in progress, not a leftover. */
function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
