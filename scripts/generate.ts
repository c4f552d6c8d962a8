#!/usr/bin/env -S npx tsx
/**
 * npm run generate [-- --spec FILE] [--offline] [--check] [--force] [--out DIR] [--cache DIR]
 *
 * Finds the newest ESI spec (--spec / ESIKIT_SPEC, else live ESI, else swagger-cache/, else the workspace copy
 * ../shared/esi-spec/openapi.json), keeps it in swagger-cache/, and writes generated/. Exit codes: 0 done or
 * unchanged; 1 the spec could not be found or read; 2 bad arguments; 3 --check found generated/ stale.
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { formatChangeReport } from "./lib/change-report.ts";
import { generate, type GenerateResult } from "./lib/generator.ts";
import { SpecError } from "./lib/spec-error.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const WORKSPACE_SPEC = fileURLToPath(new URL("../../shared/esi-spec/openapi.json", import.meta.url));

const USAGE = `Usage: npm run generate -- [options]
  --spec FILE    generate from this spec file (also ESIKIT_SPEC); OpenAPI 3.1, 3.0 or Swagger 2.0
  --offline      do not ask live ESI (also ESIKIT_OFFLINE=1)
  --check        exit 3 when generated/ is stale against the spec it would use; write nothing
  --force        regenerate even when nothing changed
  --out DIR      where to write (default generated/)
  --cache DIR    where specs are kept (default swagger-cache/)
  --esi URL      ESI base URL (default https://esi.evetech.net; also ESIKIT_ESI_URL)
  -h, --help     show this text
Exit codes: 0 generated or already up to date; 1 no usable spec (not found, unreadable or malformed);
            2 bad arguments; 3 --check found generated/ stale or missing.`;

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
  try {
    const result = await generate({
      specFile: values.spec ?? process.env.ESIKIT_SPEC,
      offline: values.offline || process.env.ESIKIT_OFFLINE === "1",
      esiBaseUrl: values.esi ?? process.env.ESIKIT_ESI_URL,
      outDir: values.out ?? `${ROOT}generated`,
      cacheDir: values.cache ?? `${ROOT}swagger-cache`,
      fallbackFiles: [WORKSPACE_SPEC],
      check: values.check,
      force: values.force,
    });
    console.log(summarise(result));
    return result.status === "stale" ? 3 : 0;
  } catch (error) {
    if (error instanceof SpecError) {
      console.error(`esikit generate: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function summarise(result: GenerateResult): string {
  const m = result.meta;
  switch (result.status) {
    case "unchanged":
      return `generated/ is up to date: spec ${m!.specDate} (${m!.operationCount} operations, sha256 ${m!.specHash.slice(0, 12)}); nothing to do (${result.ms} ms).`;
    case "fresh":
      return `generated/ is up to date with spec ${m!.specDate} (${result.ms} ms).`;
    case "stale":
      return m
        ? `generated/ is stale: it was made from spec ${m.specDate} (sha256 ${m.specHash.slice(0, 12)}); run \`npm run generate\`.`
        : "generated/ is missing or incomplete; run `npm run generate`.";
    case "generated": {
      const lines = [
        `Generated from spec ${result.meta.specDate} (${result.meta.format}, sha256 ${result.meta.specHash.slice(0, 12)}): ${result.meta.operationCount} operations in ${result.ms} ms.`,
        `  source: ${result.meta.origin}`,
      ];
      if (result.meta.errata.applied.length) lines.push(`  errata applied: ${result.meta.errata.applied.join(", ")}`);
      for (const s of result.meta.errata.skipped) lines.push(`  erratum ${s.id} skipped: ${s.reason}`);
      // A forced run on the same spec has nothing to compare.
      if (result.report && result.previous && result.previous.specHash !== result.meta.specHash) {
        lines.push(`Changes since spec ${result.previous.specDate}:`, formatChangeReport(result.report));
      }
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
