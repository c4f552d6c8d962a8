import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll } from "vitest";
import type { GenerationMeta } from "../../src/generation.ts";
import { toOpenApi3 } from "../../scripts/lib/convert.ts";
import { buildOperationTable, type OperationRow } from "../../scripts/lib/operation-table.ts";
import { parseSpec } from "../../scripts/lib/spec-document.ts";

export const FIXTURES = fileURLToPath(new URL("../fixtures/specs/", import.meta.url));
export const fixture = (name: string): string => join(FIXTURES, name);

/** A fresh temp folder, removed when the test file ends: tests never write generated/ or swagger-cache/. */
const made: string[] = [];
afterAll(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));
export async function tempDir(label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `esikit-${label}-`));
  made.push(dir);
  return dir;
}

/** Out and cache folders for one generation, and an errata folder with nothing in it. */
export async function tempDirs(): Promise<{ outDir: string; cacheDir: string; errataDir: string }> {
  return { outDir: await tempDir("out"), cacheDir: await tempDir("cache"), errataDir: await tempDir("errata") };
}

/** Operation table of a spec file, through the same steps as the generator (parse, convert, read). */
export async function tableOf(file: string): Promise<Map<string, OperationRow>> {
  const spec = parseSpec(await readFile(file), file);
  const rows = buildOperationTable(await toOpenApi3(spec));
  return new Map(rows.map((r) => [r.operationId, r]));
}

/** Every file of a folder (temp files included) with its bytes and mtime, to prove a folder was left as it was. */
export async function snapshot(dir: string): Promise<Record<string, { bytes: string; mtimeMs: number }>> {
  const out: Record<string, { bytes: string; mtimeMs: number }> = {};
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    out[name] = { bytes: (await readFile(path)).toString("base64"), mtimeMs: (await stat(path)).mtimeMs };
  }
  return out;
}

/** A generation's operations.js, imported afresh (a regeneration into the same folder must not hit the module cache). */
let imports = 0;
export async function importTable(outDir: string): Promise<{ meta: GenerationMeta; operations: Record<string, OperationRowOut> }> {
  return import(`${pathToFileURL(join(outDir, "operations.js")).href}?fresh=${++imports}`);
}
export type OperationRowOut = Omit<OperationRow, "operationId">;

/** The checkout's root, for type checks that map "esikit/runtime" to the source. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Type-checks files with the project's strictness and returns the diagnostics as text ("" when clean). `only`
 * keeps the diagnostics of files under these folders (others' source may be mid-change; what is checked here is
 * the generated files and the test's own file).
 */
export function typeErrors(files: string[], extra: { paths?: Record<string, string[]>; only?: string[] } = {}): string {
  const program = ts.createProgram(files, {
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    types: [],
    // The standard library alone (no DOM), trusted as shipped: the generated files are what is checked.
    lib: ["lib.es2022.d.ts", ...(extra.paths ? ["lib.dom.d.ts"] : [])],
    skipDefaultLibCheck: true,
    ...(extra.paths ? { paths: extra.paths } : {}),
  });
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => !extra.only || (d.file !== undefined && extra.only.some((dir) => d.file!.fileName.startsWith(dir))));
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => "\n",
  });
}
