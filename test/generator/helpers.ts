import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll } from "vitest";
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

/** Type-checks files with the project's strictness and returns the diagnostics as text ("" when clean). */
export function typeErrors(files: string[]): string {
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
    lib: ["lib.es2022.d.ts"],
    skipDefaultLibCheck: true,
  });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => "\n",
  });
}
