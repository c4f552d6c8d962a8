import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { toOpenApi3 } from "../../scripts/lib/convert.ts";
import { applyErrata, loadErrata, type Erratum } from "../../scripts/lib/errata.ts";
import { buildOperationTable, resolveRef, type OperationRow } from "../../scripts/lib/operation-table.ts";
import { parseSpec, type OpenApiDocument } from "../../scripts/lib/spec-document.ts";
import { HAVE_REAL_SPECS, NO_SPECS_REASON, specFile } from "../support/spec-files.ts";

/**
 * The shipped erratum array-query-comma (scripts/errata/array-query-comma.json) on ESI's real specs: ESI reads an
 * array in the query as one comma-separated value, the OpenAPI 3 specs say nothing (OpenAPI's default would be
 * repeated keys). These tests run only while a spec still lacks style/explode on those parameters: once CCP states
 * it, they skip themselves (and the erratum skips itself, tested on a copy below).
 */
const ERRATA_DIR = fileURLToPath(new URL("../../scripts/errata/", import.meta.url));
const SPECS = ["openapi.json", "openapi-2026-07-21.json", "openapi-3.0.3-2026-07-17.json"] as const;

type Json = Record<string, unknown>;

/** Every array parameter in the query, read from the spec itself: operationId, name, and what it says of style/explode. */
function arrayQueryParameters(doc: OpenApiDocument): Array<{ operationId: string; name: string; param: Json }> {
  const found = [];
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item) as Json[]) {
      if (!op || typeof op.operationId !== "string") continue;
      for (const raw of (op.parameters as unknown[] | undefined) ?? []) {
        const param = resolveRef<Json>(doc, raw);
        const schema = resolveRef<Json>(doc, param.schema);
        if (param.in === "query" && schema?.type === "array") found.push({ operationId: op.operationId, name: String(param.name), param });
      }
    }
  }
  return found;
}

const readDoc = (name: string): OpenApiDocument => JSON.parse(readFileSync(specFile(name), "utf8"));
const explodeOf = (rows: OperationRow[], operationId: string, name: string) =>
  rows.find((r) => r.operationId === operationId)?.parameters.find((p) => p.name === name && p.in === "query")?.explode;

let errata: Erratum[];
beforeAll(async () => {
  ({ errata } = await loadErrata(ERRATA_DIR));
});

if (!HAVE_REAL_SPECS) console.warn(`skipping the array erratum tests: ${NO_SPECS_REASON}`);

for (const name of SPECS) {
  const doc = HAVE_REAL_SPECS ? readDoc(name) : undefined;
  const params = doc ? arrayQueryParameters(doc) : [];
  const silent = params.length > 0 && params.every((p) => p.param.explode === undefined && p.param.style === undefined);
  if (HAVE_REAL_SPECS && !silent) console.warn(`${name} states style/explode on its array query parameters now: the array erratum tests skip it`);

  describe.skipIf(!HAVE_REAL_SPECS || !silent)(`array-query-comma on ${name}`, () => {
    const format = name.includes("3.0.3") ? "openapi-3.0" : "openapi-3.1";

    it("without it, the table would send repeated keys: OpenAPI's default for a query array", () => {
      const rows = buildOperationTable(readDoc(name));
      for (const p of params) expect(explodeOf(rows, p.operationId, p.name), `${p.operationId} ${p.name}`).toBe(true);
    });

    it("applies, and sets explode: false on every array query parameter of the spec and on nothing else", () => {
      const patched = readDoc(name);
      expect(applyErrata(patched, errata, format)).toEqual({ applied: ["array-query-comma"], skipped: [] });
      const rows = buildOperationTable(patched);
      // Every one the spec has, found by reading it: a new array parameter CCP adds fails here until the erratum covers it.
      expect(params.map((p) => `${p.operationId} ${p.name}`).sort()).toEqual([
        "DeleteCharactersCharacterIdContacts contact_ids",
        "GetCharactersCharacterIdMail labels",
        "GetCharactersCharacterIdSearch categories",
        "PostCharactersCharacterIdContacts label_ids",
        "PutCharactersCharacterIdContacts label_ids",
      ]);
      for (const p of params) expect(explodeOf(rows, p.operationId, p.name), `${p.operationId} ${p.name}`).toBe(false);
      // Nothing else changed: remove what the erratum added and the spec is as it came.
      for (const p of arrayQueryParameters(patched)) delete p.param.explode;
      expect(patched).toEqual(readDoc(name));
    });

    it("skips itself once the spec states explode for one of them, leaving the spec's own word", () => {
      const fixed = readDoc(name);
      const first = arrayQueryParameters(fixed)[0]!;
      first.param.explode = true;
      const result = applyErrata(fixed, errata, format);
      expect(result.applied).toEqual([]);
      expect(result.skipped).toEqual([{ id: "array-query-comma", reason: expect.stringMatching(/^no longer needed \(the spec now has \/paths\/.*\/explode\)$/) }]);
      expect(explodeOf(buildOperationTable(fixed), first.operationId, first.name)).toBe(true);
    });
  });
}

describe.skipIf(!HAVE_REAL_SPECS)("the legacy Swagger 2.0 spec", () => {
  it("needs no erratum: no collectionFormat means csv, which converts to explode: false", async () => {
    const spec = parseSpec(readFileSync(specFile("swagger.json")), specFile("swagger.json"));
    const doc = await toOpenApi3(spec);
    expect(applyErrata(doc, errata, spec.format)).toEqual({
      applied: [],
      skipped: [{ id: "array-query-comma", reason: "written for openapi-3.1, openapi-3.0" }],
    });
    const rows = buildOperationTable(doc);
    const arrays = rows.flatMap((r) => r.parameters.filter((p) => p.in === "query" && p.schema?.type === "array").map((p) => [r.operationId, p.name, p.explode]));
    expect(arrays.length).toBe(7);
    for (const [id, param, explode] of arrays) expect(explode, `${id} ${param}`).toBe(false);
  }, 60_000);
});
