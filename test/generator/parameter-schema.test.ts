import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { normaliseParameterSchema } from "../../scripts/lib/parameter-schema.ts";
import { buildOperationTable } from "../../scripts/lib/operation-table.ts";
import type { OpenApiDocument } from "../../scripts/lib/spec-document.ts";
import { SpecError } from "../../scripts/lib/spec-error.ts";
import { HAVE_REAL_SPECS, specFile } from "../support/spec-files.ts";

const doc = (schemas: Record<string, unknown> = {}): OpenApiDocument => ({
  openapi: "3.1.0",
  info: { version: "x" },
  paths: {},
  components: { schemas },
});

describe("normaliseParameterSchema", () => {
  it("follows $ref (siblings refine it) and merges allOf, keeping only validation keywords", () => {
    const spec = doc({
      CharacterID: { type: "integer", format: "int64", minimum: 1, description: "An id", examples: [90000001], "x-common-model": true },
      Positive: { allOf: [{ $ref: "#/components/schemas/CharacterID" }], maximum: 2147483647 },
    });
    expect(normaliseParameterSchema(spec, { $ref: "#/components/schemas/CharacterID", description: "Whose" }, "p")).toEqual({
      type: "integer",
      format: "int64",
      minimum: 1,
    });
    expect(normaliseParameterSchema(spec, { $ref: "#/components/schemas/Positive" }, "p")).toEqual({ type: "integer", format: "int64", minimum: 1, maximum: 2147483647 });
    expect(normaliseParameterSchema(spec, { type: "array", items: { $ref: "#/components/schemas/CharacterID" }, maxItems: 20, uniqueItems: true }, "p")).toEqual({
      type: "array",
      items: { type: "integer", format: "int64", minimum: 1 },
      maxItems: 20,
      uniqueItems: true,
    });
  });

  it("brings OpenAPI 3.0's nullable and boolean exclusive bounds to the 3.1 form", () => {
    const spec = doc();
    expect(normaliseParameterSchema(spec, { type: "integer", nullable: true, minimum: 0, exclusiveMinimum: true, maximum: 10, exclusiveMaximum: false }, "p")).toEqual({
      type: ["integer", "null"],
      exclusiveMinimum: 0,
      maximum: 10,
    });
    expect(normaliseParameterSchema(spec, { type: "string", enum: ["a", "b"], nullable: true }, "p")).toEqual({ type: ["string", "null"], enum: ["a", "b", null] });
    // Already 3.1: left as it is.
    expect(normaliseParameterSchema(spec, { type: ["string", "null"], exclusiveMaximum: 5, pattern: "^[a-z]+$", minLength: 1, maxLength: 3 }, "p")).toEqual({
      type: ["string", "null"],
      exclusiveMaximum: 5,
      pattern: "^[a-z]+$",
      minLength: 1,
      maxLength: 3,
    });
  });

  it("names the parameter when a schema cannot be read", () => {
    expect(() => normaliseParameterSchema(doc(), { $ref: "#/components/schemas/Nope" }, "GET /x parameter id")).toThrow(
      new SpecError("GET /x parameter id: unresolved reference #/components/schemas/Nope"),
    );
    expect(() => normaliseParameterSchema(doc(), { type: "int" }, "GET /x parameter id")).toThrow(/GET \/x parameter id: unknown schema type "int"/);
    const cyclic = doc({ A: { $ref: "#/components/schemas/B" }, B: { $ref: "#/components/schemas/A" } });
    expect(() => normaliseParameterSchema(cyclic, { $ref: "#/components/schemas/A" }, "p")).toThrow(/reference cycle/);
  });
});

describe.skipIf(!HAVE_REAL_SPECS)("the same parameter in ESI's 3.0.3 and 3.1 renderings", () => {
  it("gets the same schema in the table from both", () => {
    const read = (name: string) => new Map(buildOperationTable(JSON.parse(readFileSync(specFile(name), "utf8"))).map((r) => [r.operationId, r]));
    const v31 = read("openapi-2026-07-21.json");
    const v30 = read("openapi-3.0.3-2026-07-17.json");
    let compared = 0;
    for (const [id, row] of v30) {
      const other = v31.get(id);
      if (!other) continue;
      for (const p of row.parameters) {
        if (p.in === "header") continue; // the compatibility date's enum differs between the two dates
        const twin = other.parameters.find((q) => q.name === p.name && q.in === p.in);
        if (!twin) continue;
        expect(p.schema, `${id} ${p.name}`).toEqual(twin.schema);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(250);
  });
});
