/**
 * The change report between the previous generation's spec and the new one: what an app must know, breaking or
 * not, each operation named `GET /path (OperationId)`. The engine is in report/ (normalise, match, diff, rules,
 * format); this module is what the generator and the CLI use. The JSON shape is documented in docs/change-report.md.
 */
import type { OpenApiDocument } from "./spec-document.ts";
import { compareSpecs } from "./report/compare.ts";
import { REPORT_VERSION, type ChangeReport, type SpecSide } from "./report/model.ts";
import { loadPreviousSpec, type PreviousGeneration } from "./report/previous-spec.ts";
import { readSpecModel } from "./report/spec-model.ts";

export type { ChangeReport } from "./report/model.ts";
export { compareSpecs } from "./report/compare.ts";
export { formatText as formatChangeReport } from "./report/format-text.ts";

export interface NewSpec {
  doc: OpenApiDocument;
  specSha256: string;
  origin: string;
}

/**
 * Compares the new spec (as the generator will use it) with the previous generation's, read from the output folder
 * or the cache (see report/previous-spec.ts). Never writes anything; run before the new generation is written.
 */
export async function reportAgainstPrevious(
  outDir: string,
  cacheDir: string,
  previous: PreviousGeneration | undefined,
  next: NewSpec,
): Promise<ChangeReport> {
  const to = { specSha256: next.specSha256, source: next.origin };
  const before = await loadPreviousSpec(outDir, previous, cacheDir);
  if (!before.found) return emptyReport(null, { version: readSpecModel(next.doc).version, ...to }, before.reason);
  const report = compareSpecs(before.doc, next.doc, { from: { specSha256: previous!.specHash, source: before.source }, to });
  if (before.note) report.note = before.note;
  return report;
}

/** A report that says nothing changed (or, with `from` null, that there was nothing to compare with, and why). */
export function emptyReport(from: SpecSide | null, to: SpecSide, note?: string): ChangeReport {
  return {
    version: REPORT_VERSION,
    from,
    to,
    ...(note ? { note } : {}),
    compatibilityDate: null,
    breaking: false,
    counts: { breaking: 0, nonBreaking: 0, cosmetic: 0, operations: { added: 0, removed: 0, renamed: 0, moved: 0, changed: 0 } },
    operations: { added: [], removed: [], renamed: [], moved: [], changed: [] },
    components: [],
    spec: [],
  };
}

/** The report as `--report FILE` writes it: version 1; what normalisation set aside only with --verbose. */
export function reportJson(report: ChangeReport, options: { verbose?: boolean } = {}): string {
  const { cosmetic, ...rest } = report;
  return `${JSON.stringify(options.verbose ? { ...rest, cosmetic: cosmetic ?? [] } : rest, null, 2)}\n`;
}

export function isEmptyReport(report: ChangeReport): boolean {
  const c = report.counts;
  return c.breaking === 0 && c.nonBreaking === 0 && report.compatibilityDate === null;
}
