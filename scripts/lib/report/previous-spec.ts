/**
 * The spec the previous generation was made from, to compare the new one with. Read, in order:
 * 1. `<out>/openapi.json`: the spec exactly as that generation used it (converted, errata applied), checked
 *    against its hash in the manifest;
 * 2. the raw spec kept in the cache under that generation's date and hash, converted again (errata not applied:
 *    the report may then show an erratum's effect as a change);
 * else there is nothing to compare with, and the reason says why.
 * Comparing whole specs (not a digest kept in meta.json) lets a newer esikit judge an older generation by its
 * newer rules, and keeps the manifest small.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { toOpenApi3 } from "../convert.ts";
import { hashBytes, parseSpec, type OpenApiDocument } from "../spec-document.ts";
import { cacheFileName } from "../spec-source.ts";
import { textOf } from "./normalise.ts";

/** What of the previous generation's manifest this reads (older manifests may lack `files`). */
export interface PreviousGeneration {
  specHash: string;
  specDate: string;
  files?: Record<string, string>;
}

export type PreviousSpec =
  | { found: true; doc: OpenApiDocument; source: string; note?: string }
  | { found: false; reason: string };

export const KEPT_SPEC_FILE = "openapi.json";

export async function loadPreviousSpec(outDir: string, previous: PreviousGeneration | undefined, cacheDir: string): Promise<PreviousSpec> {
  if (!previous || typeof previous.specHash !== "string") return { found: false, reason: "there is no previous generation" };
  const kept = join(outDir, KEPT_SPEC_FILE);
  const problems: string[] = [];
  try {
    const bytes = await readFile(kept);
    const expected = previous.files?.[KEPT_SPEC_FILE];
    if (expected && hashBytes(bytes) !== expected) problems.push(`${kept} does not match its hash in the manifest`);
    else return { found: true, doc: JSON.parse(bytes.toString("utf8")) as OpenApiDocument, source: kept };
  } catch (error) {
    problems.push(`${kept}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const cached = join(cacheDir, cacheFileName(textOf(previous.specDate), previous.specHash));
  try {
    const bytes = await readFile(cached);
    if (hashBytes(bytes) !== previous.specHash) throw new Error("its content does not match its name");
    const doc = await toOpenApi3(parseSpec(bytes, cached));
    return { found: true, doc, source: cached, note: "the previous generation's own copy is missing; its errata were not applied to this one" };
  } catch (error) {
    problems.push(`${cached}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return { found: false, reason: `the previous spec (${textOf(previous.specDate)}) is not kept: ${problems.join("; ")}` };
}
