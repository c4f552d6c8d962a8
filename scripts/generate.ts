/**
 * esikit generate [--spec FILE] [--out DIR] [--offline] [--check] [--force] [--cache DIR] [--esi URL]
 * (in esikit's checkout: npm run generate -- [options])
 *
 * Finds the newest ESI spec (--spec / ESIKIT_SPEC, else live ESI, else the specs kept in the cache folder, else, in
 * esikit's checkout, the workspace copy ../shared/esi-spec/openapi.json) and writes a generation to the output
 * folder: `esi/` in the current folder when run from the installed package, `generated/` in esikit's checkout.
 * Exit codes: 0 done or unchanged; 1 the spec could not be found or read; 2 bad arguments; 3 --check found the
 * output stale; 4 --fail-on breaking and a breaking change; 5 --check could not reach live ESI; 6 --app found
 * errors in the app (all in docs/change-report.md, with the change report's JSON shape).
 */
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { generate, type GenerateResult } from "./lib/generator.ts";
import { afterRun, checkReportArgs, EXIT_USAGE, REPORT_OPTIONS, REPORT_USAGE } from "./lib/report/cli.ts";
import type { SpecProvenance } from "./lib/spec-source.ts";
import { SpecError } from "./lib/spec-error.ts";

/** Run from esikit's source checkout (tsx on scripts/*.ts) rather than from the installed package's dist/. */
const IN_CHECKOUT = import.meta.url.endsWith(".ts");
const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const WORKSPACE_SPEC = fileURLToPath(new URL("../../shared/esi-spec/openapi.json", import.meta.url));
/** The checkout regenerates the package's own generation; an app gets its own in esi/. */
const DEFAULT_OUT = IN_CHECKOUT ? join(ROOT, "generated") : "esi";

const USAGE = `Usage: esikit generate [options]${IN_CHECKOUT ? "    (in esikit's checkout: npm run generate -- [options])" : ""}
  --spec FILE    generate from this spec file (also ESIKIT_SPEC); OpenAPI 3.1, 3.0 or Swagger 2.0
  --out DIR      where to write the generation (default ${IN_CHECKOUT ? "generated/ in the checkout" : "esi/"})
  --offline      do not ask live ESI (also ESIKIT_OFFLINE=1)
  --check        exit 3 when the output is stale against the spec it would use; write nothing
  --force        regenerate even when nothing changed
  --cache DIR    where fetched specs are kept (default swagger-cache/ beside the output folder)
  --esi URL      ESI base URL (default https://esi.evetech.net; also ESIKIT_ESI_URL)
${REPORT_USAGE}
  -h, --help     show this text
Without --spec: live ESI's newest compatibility date, else the newest spec in the cache folder${IN_CHECKOUT ? ", else ../shared/esi-spec/openapi.json" : ""}.
The output folder is replaced whole (index.js, index.d.ts, operations.js, operations.d.ts, esi.d.ts, openapi.json,
meta.json): keep no files of your own in it.
${EXIT_USAGE}`;

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        spec: { type: "string" },
        offline: { type: "boolean", default: false },
        check: { type: "boolean", default: false },
        force: { type: "boolean", default: false },
        out: { type: "string" },
        cache: { type: "string" },
        esi: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
        ...REPORT_OPTIONS,
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const argError = checkReportArgs(values);
  if (argError) {
    console.error(`${argError}\n\n${USAGE}`);
    return 2;
  }
  try {
    const outDir = resolve(values.out ?? DEFAULT_OUT);
    const trace = process.env.ESIKIT_TRACE === "1";
    let source: SpecProvenance | undefined;
    const result = await generate({
      specFile: values.spec ?? process.env.ESIKIT_SPEC,
      offline: values.offline || process.env.ESIKIT_OFFLINE === "1",
      esiBaseUrl: values.esi ?? process.env.ESIKIT_ESI_URL,
      outDir,
      cacheDir: resolve(values.cache ?? join(dirname(outDir), "swagger-cache")),
      fallbackFiles: IN_CHECKOUT ? [WORKSPACE_SPEC] : [],
      check: values.check,
      force: values.force,
      onSource: (found: SpecProvenance) => (source = found),
      ...(trace ? { onStep: (step: string, ms: number) => console.error(`esikit generate: ${step} (${ms} ms)`) } : {}),
    });
    const summary = summarise(result, displayName(outDir));
    return await afterRun({ result, values, source, outDir, summary, print: (line) => console.log(line), warn: (line) => console.error(line) });
  } catch (error) {
    if (error instanceof SpecError) {
      console.error(`esikit generate: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** The output folder as the user named it: relative to where they are, with a trailing slash. */
function displayName(outDir: string): string {
  const rel = relative(process.cwd(), outDir);
  return `${rel === "" ? "." : rel.startsWith("..") ? outDir : rel}/`;
}

function summarise(result: GenerateResult, out: string): string {
  const m = result.meta;
  const regenerate = IN_CHECKOUT ? "npm run generate" : "npx esikit generate";
  switch (result.status) {
    case "unchanged":
      return `${out} is up to date: spec ${m!.specDate} (${m!.operationCount} operations, sha256 ${m!.specHash.slice(0, 12)}); nothing to do (${result.ms} ms).`;
    case "fresh":
      return `${out} is up to date with spec ${m!.specDate} (${result.ms} ms).`;
    case "stale":
      if (result.damage) return `${out} is damaged (${result.damage}); run \`${regenerate}\`.`;
      return m
        ? `${out} is stale: it was made from spec ${m.specDate} (sha256 ${m.specHash.slice(0, 12)}); run \`${regenerate}\`.`
        : `${out} is missing or incomplete; run \`${regenerate}\`.`;
    case "generated": {
      const lines = [
        `Generated ${out} from spec ${result.meta.specDate} (${result.meta.format}, sha256 ${result.meta.specHash.slice(0, 12)}): ${result.meta.operationCount} operations in ${result.ms} ms.`,
        `  source: ${result.meta.origin}`,
        `  errata applied: ${result.meta.errata.applied.length ? result.meta.errata.applied.join(", ") : "none"}`,
      ];
      for (const s of result.meta.errata.skipped) lines.push(`  erratum ${s.id} skipped: ${s.reason}`);
      // The change report follows (scripts/lib/report/cli.ts).
      return lines.join("\n");
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
