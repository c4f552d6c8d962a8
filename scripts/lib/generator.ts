import { readdir, readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "./atomic-write.ts";
import type { ChangeReport } from "./change-report.ts";
import { loadErrata, type ErrataResult } from "./errata.ts";
import { checkGenerationDir, MANIFEST_FILE, recoverGenerationDir, writeGenerationDir } from "./generation-dir.ts";
import { hashBytes, parseSpec, specDateOf, type OpenApiDocument, type SpecFormat } from "./spec-document.ts";
import { cacheFileName, findSpec, type SourceOptions, type SpecBytes } from "./spec-source.ts";

const LIB_DIR = fileURLToPath(new URL(".", import.meta.url));
export const DEFAULT_ERRATA_DIR = fileURLToPath(new URL("../errata/", import.meta.url));

/**
 * `<out>/meta.json`, the generation's manifest: written last, it lists every other file with its sha256, so a reader
 * tells a whole generation from a damaged one. (The runtime's GenerationMeta is in operations.js.)
 */
export interface GenerationMeta {
  inputHash: string;
  specHash: string;
  specDate: string;
  format: SpecFormat;
  origin: string;
  operationCount: number;
  errata: ErrataResult;
  /** file name -> sha256 of its bytes, for every file of the generation but this one. */
  files: Record<string, string>;
}

export interface GenerateOptions extends Omit<SourceOptions, "cacheDir"> {
  outDir: string;
  cacheDir: string;
  errataDir?: string;
  /** Only say whether outDir is stale; write nothing (an interrupted write is still finished or undone). */
  check?: boolean;
  /** Regenerate even when the inputs are unchanged. */
  force?: boolean;
  /** Told each step as it ends ("spec", "types", "staged", "written"...), with ms since the start (ESIKIT_TRACE=1). */
  onStep?(step: string, ms: number): void;
}

export type GenerateResult =
  | { status: "unchanged"; meta: GenerationMeta; ms: number }
  | { status: "stale"; meta: GenerationMeta | undefined; inputHash: string; damage?: string; ms: number }
  | { status: "fresh"; meta: GenerationMeta; ms: number }
  | { status: "generated"; meta: GenerationMeta; previous: GenerationMeta | undefined; report: ChangeReport; ms: number };

export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const step = (name: string) => options.onStep?.(name, elapsed());
  const recovered = await recoverGenerationDir(options.outDir);
  if (recovered !== "none") step(`recovered an interrupted write: ${recovered}`);
  const bytes: SpecBytes = await findSpec(options);
  const specHash = hashBytes(bytes.raw);
  const errata = await loadErrata(options.errataDir ?? DEFAULT_ERRATA_DIR);
  const inputHash = hashBytes(`${specHash}\n${hashBytes(errata.raw)}\n${await generatorFingerprint()}`);
  step("spec");
  // Whole and from the same inputs: checked against the manifest's hashes, never by a file's presence.
  const current = await checkGenerationDir(options.outDir);
  const previous = current.ok ? (current.manifest as unknown as GenerationMeta) : await readMeta(options.outDir);
  const upToDate = current.ok && previous?.inputHash === inputHash;
  step("checked");

  // Nothing to do: the spec was read and checked when this generation was made from the very same bytes.
  if (upToDate && options.check) return { status: "fresh", meta: previous!, ms: elapsed() };
  if (upToDate && !options.force) {
    await keepSpec(bytes, previous!.specDate, specHash, options.cacheDir);
    return { status: "unchanged", meta: previous!, ms: elapsed() };
  }
  const spec = parseSpec(bytes.raw, bytes.origin);
  if (options.check) {
    return { status: "stale", meta: previous, inputHash, ...(current.ok || !previous ? {} : { damage: current.reason }), ms: elapsed() };
  }
  // Loaded only now: an unchanged re-run never loads the emitters (nor openapi-typescript) or the change report.
  const { buildOutputs } = await import("./build-outputs.ts");
  const { files, meta, doc } = await buildOutputs(spec, errata.errata, inputHash, step);
  // Before anything is written: a report that cannot be made must not leave a new generation behind it.
  const { reportAgainstPrevious } = await import("./change-report.ts");
  const report = await reportAgainstPrevious(options.outDir, options.cacheDir, previous, { doc, specSha256: spec.hash, origin: spec.origin });
  await writeGenerationDir(options.outDir, files, { onStaged: () => step("staged") });
  step("written");
  // Kept only once it generated: a broken spec in the cache would become the "newest" one offline runs pick.
  await keepSpec(bytes, specDateOf(spec.original as unknown as OpenApiDocument), spec.hash, options.cacheDir);
  return { status: "generated", meta, previous, report, ms: elapsed() };
}

/** Keeps the spec used, named by date and content hash (ESI re-ships a date with changed content). */
async function keepSpec(bytes: SpecBytes, date: string, hash: string, cacheDir: string): Promise<void> {
  if (bytes.kind === "cache") return;
  const cachePath = join(cacheDir, cacheFileName(date, hash));
  if (!existsSync(cachePath)) await writeFileAtomic(cachePath, bytes.raw);
}

/** The files of one generation, the manifest last. */
export const OUTPUT_FILES = ["esi.d.ts", "operations.js", "operations.d.ts", "index.js", "index.d.ts", "openapi.json", MANIFEST_FILE] as const;

/** The manifest as it is, whole or not (for what the last generation was made from). */
export async function readMeta(outDir: string): Promise<GenerationMeta | undefined> {
  try {
    return JSON.parse(await readFile(join(outDir, MANIFEST_FILE), "utf8")) as GenerationMeta;
  } catch {
    return undefined;
  }
}

let fingerprintMemo: Promise<string> | undefined;
/**
 * A change to the generator's own code must regenerate, so its sources (the .ts files in a checkout, the compiled
 * .js files in the installed package) and openapi-typescript's version are part of the input hash.
 */
function generatorFingerprint(): Promise<string> {
  fingerprintMemo ??= (async () => {
    const otsVersion = JSON.parse(await readFile(fileURLToPath(import.meta.resolve("openapi-typescript/package.json")), "utf8")).version;
    const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
    return hashBytes(`${await hashSources(LIB_DIR, extension)}\nopenapi-typescript ${otsVersion}`);
  })();
  return fingerprintMemo;
}

/** Hashes every source file of a folder, names included: read from the folder, so a new module cannot be forgotten. */
export async function hashSources(dir: string, extension: ".ts" | ".js" = ".ts"): Promise<string> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(extension) && !n.endsWith(".d.ts")).sort();
  const sources = await Promise.all(names.map(async (n) => `${n}\n${await readFile(join(dir, n), "utf8")}`));
  return hashBytes(sources.join("\n"));
}
