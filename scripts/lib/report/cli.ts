/**
 * The change report's part of `esikit generate`: its options (--report, --fail-on, --verbose, --app), where the
 * spec came from, and the exit codes after a run. Kept here so the generator's command line stays one screen. The
 * report's modules (and the app check's) load only when a run needs them: an unchanged re-run loads none.
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../atomic-write.ts";
import type { GenerateResult } from "../generator.ts";
import type { OpenApiDocument } from "../spec-document.ts";
import { newerSpecs, type SpecProvenance } from "../spec-source.ts";
import type { ChangeReport } from "./model.ts";

/** Every exit code of `esikit generate` (documented in docs/change-report.md and the usage text). */
export const EXIT = {
  ok: 0,
  noSpec: 1,
  badArgs: 2,
  stale: 3,
  breaking: 4,
  unreachable: 5,
  appBroken: 6,
} as const;

export const REPORT_OPTIONS = {
  report: { type: "string" },
  "fail-on": { type: "string" },
  verbose: { type: "boolean", default: false },
  app: { type: "string" },
} as const;

export const REPORT_USAGE = `  --report FILE  write the change report as JSON (a versioned shape: docs/change-report.md)
  --fail-on breaking   exit 4 when the change report has a breaking change (the generation is written)
  --verbose      also list what the comparison sets aside (descriptions, examples, order, unread x- keys)
  --app DIR      then type-check the app in DIR (its tsconfig.json) and list its broken call sites by operation`;

export const EXIT_USAGE = `Exit codes: 0 generated or already up to date; 1 no usable spec (not found, unreadable or malformed);
            2 bad arguments; 3 --check found the output stale, damaged or missing; 4 --fail-on breaking and the
            report has a breaking change; 5 --check could not reach live ESI (the output matches the newest local
            spec, but whether ESI has a newer one is unknown); 6 --app found errors in the app.`;

export interface ReportArgs {
  report?: string;
  "fail-on"?: string;
  verbose?: boolean;
  app?: string;
  check?: boolean;
}

/** A message for arguments that cannot go together, or undefined. */
export function checkReportArgs(values: ReportArgs): string | undefined {
  const failOn = values["fail-on"];
  if (failOn !== undefined && failOn !== "breaking") return `--fail-on takes "breaking" (got ${JSON.stringify(failOn)})`;
  if (values.check) {
    const with_ = ["report", "fail-on", "app"].filter((k) => values[k as keyof ReportArgs] !== undefined);
    if (with_.length) return `--check writes nothing and makes no report: drop ${with_.map((k) => `--${k}`).join(", ")}, or run without --check`;
  }
  return undefined;
}

/**
 * Where the spec came from and why, and a warning when a newer one is known elsewhere: lines for stderr. A file
 * named with --spec needs no why; only the warning, if any. `date` is the spec's own (read when it was parsed).
 */
export function describeSource(p: SpecProvenance, date: string | undefined = p.date): string[] {
  const label = { file: "the file", live: "live ESI", cache: "the cache", fallback: "the local copy" }[p.source];
  const lines = p.source === "file" ? [] : [`esikit generate: spec ${date ?? "(undated)"} from ${label} ${p.origin}: ${p.why}.`];
  for (const n of newerSpecs(p, date)) lines.push(`esikit generate: warning: spec ${date} from ${p.origin}, but a newer one is known: ${n.date} in ${n.origin}.`);
  return lines;
}

export interface AfterRun {
  result: GenerateResult;
  values: ReportArgs;
  source: SpecProvenance | undefined;
  outDir: string;
  /** The generator's one-line summary of the run, printed first (unless an outage makes "up to date" untrue). */
  summary?: string;
  print(line: string): void;
  warn(line: string): void;
}

/**
 * What follows a run: where the spec came from (stderr), the summary, the report printed and written, the app
 * checked, and the exit code. Codes, by precedence:
 * 3 (stale) and 5 (source unreachable) for --check; 6 (app broken) over 4 (breaking) for a generation.
 */
export async function afterRun({ result, values, source, outDir, summary, print, warn }: AfterRun): Promise<number> {
  if (source) for (const line of describeSource(source, source.date ?? result.meta?.specDate)) warn(line);
  if (result.status === "fresh" && source?.liveUnreachable) {
    // Not "up to date": only the local specs could be compared.
    print(`Could not reach the source: live ESI ${source.liveUnreachable}. The output matches the newest local spec (${source.date ?? "undated"}, ${source.origin}); whether ESI has a newer one is unknown.`);
    return EXIT.unreachable;
  }
  if (summary !== undefined) print(summary);
  if (result.status === "stale") return EXIT.stale;
  if (result.status === "fresh") return EXIT.ok;
  if (result.status === "unchanged" && !values.report && !values.app) return EXIT.ok;
  const { emptyReport, isEmptyReport, reportJson } = await import("../change-report.ts");
  const { formatText } = await import("./format-text.ts");
  const meta = result.meta;
  const side = { version: meta.specDate, specSha256: meta.specHash, source: meta.origin };
  const report: ChangeReport = result.status === "generated" ? result.report : emptyReport(side, side);
  // A forced run on the same spec says nothing, unless what it generates from changed (an erratum added or fixed).
  if (result.status === "generated" && report.from && (result.previous?.specHash !== meta.specHash || !isEmptyReport(report))) {
    print(`Changes since spec ${report.from.version}:`);
    print(formatText(report, { verbose: values.verbose === true }));
  } else if (result.status === "generated" && !report.from && report.note && result.previous) {
    print(`No change report: ${report.note}.`);
  }
  if (values.report) {
    const file = resolve(values.report);
    await writeFileAtomic(file, reportJson(report, { verbose: values.verbose === true }));
    print(`Change report (JSON, version ${report.version}) written to ${file}.`);
  }
  let code: number = EXIT.ok;
  if (values["fail-on"] === "breaking" && report.breaking) {
    warn(`esikit generate: ${report.counts.breaking} breaking change${report.counts.breaking === 1 ? "" : "s"} (--fail-on breaking): exit ${EXIT.breaking}.`);
    code = EXIT.breaking;
  }
  if (values.app) {
    const { AppCheckError, checkApp, formatAppCheck } = await import("./app-check.ts");
    try {
      const doc = JSON.parse(await readFile(join(outDir, "openapi.json"), "utf8")) as OpenApiDocument;
      const check = checkApp({ appDir: values.app, specs: [doc], report, ignoreDirs: [outDir] });
      print(formatAppCheck(check, values.app));
      if (!check.ok) code = EXIT.appBroken;
    } catch (error) {
      if (!(error instanceof AppCheckError)) throw error;
      warn(`esikit generate: ${error.message}`);
      return EXIT.badArgs;
    }
  }
  return code;
}
