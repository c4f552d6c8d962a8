import { describe, expect, it } from "vitest";
import { compareSpecs, formatChangeReport, reportJson, type ChangeReport } from "../../scripts/lib/change-report.ts";
import { canonical, normaliseSchema } from "../../scripts/lib/report/normalise.ts";
import type { OpenApiDocument } from "../../scripts/lib/spec-document.ts";

/** Names that are members of Object.prototype: as keys of a plain object they vanish, crash or mangle. */
const ODD = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"];

/** A spec whose operationIds, component names and field names are all those odd names. */
function oddSpec(version: string, fieldType: string, withValueOf = true): OpenApiDocument {
  const paths: Record<string, unknown> = {};
  ODD.forEach((id, i) => {
    if (id === "valueOf" && !withValueOf) return;
    paths[`/things/${i}`] = {
      get: {
        operationId: id,
        responses: { "200": { description: "ok", content: { "application/json": { schema: { $ref: `#/components/schemas/${id}` } } } } },
      },
    };
  });
  // Null prototype: `schemas["__proto__"] = ...` must make a key here too, as JSON.parse does in a real spec.
  const schemas = Object.create(null) as Record<string, unknown>;
  for (const id of ODD) {
    if (id === "valueOf" && !withValueOf) continue;
    // JSON.parse makes "__proto__" an own key; an object literal would not, so the field map is built the same way.
    schemas[id] = JSON.parse(`{"type":"object","properties":{"__proto__":{"type":"${fieldType}"},"constructor":{"type":"string"}},"required":["__proto__"]}`);
  }
  return JSON.parse(JSON.stringify({ openapi: "3.1.0", info: { title: "odd", version }, paths, components: { schemas } })) as OpenApiDocument;
}

describe("the change report on operationIds and names that are Object.prototype's", () => {
  it("matches, diffs and names every one, and never throws", () => {
    const report = compareSpecs(oddSpec("2026-01-01", "string"), oddSpec("2026-02-01", "integer", false));
    expect(report.operations.removed.map((r) => r.operation.name)).toEqual(["GET /things/4 (valueOf)"]);
    expect(report.operations.removed[0]!.removedComponents).toEqual(["schemas/valueOf"]);
    expect(report.components.map((c) => c.component)).toEqual(["schemas/__proto__", "schemas/constructor", "schemas/hasOwnProperty", "schemas/toString"]);
    for (const c of report.components) {
      expect(c.changes).toMatchObject([{ rule: "response-type-changed", field: "__proto__", text: "`__proto__`: type string -> integer" }]);
      expect(c.usedBy).toBe(1);
    }
    expect(report.components[1]!.operations).toEqual(["GET /things/0 (constructor)"]);
    // The text and the JSON carry the names as data.
    expect(formatChangeReport(report)).toContain("  schema __proto__, used by 1 operation:");
    const json = JSON.parse(reportJson(report)) as ChangeReport;
    expect(json.components[0]!.component).toBe("schemas/__proto__");
  });

  it("reports an operation renamed to __proto__ and one moved under the name constructor", () => {
    const before = oddSpec("2026-01-01", "string");
    const after = structuredClone(before) as OpenApiDocument & { paths: Record<string, { get: { operationId: string } }> };
    after.paths["/things/2"]!.get.operationId = "__proto__";
    after.paths["/things/1"]!.get.operationId = "toString";
    const moved = after.paths["/things/0"]!;
    delete after.paths["/things/0"];
    after.paths["/things/zero"] = moved;
    const report = compareSpecs(before, after);
    expect(report.operations.renamed.map((r) => `${r.from.operationId} -> ${r.to.operationId}`)).toEqual(["__proto__ -> toString", "toString -> __proto__"]);
    expect(report.operations.moved.map((m) => `${m.from.name} -> ${m.to.path}`)).toEqual(["GET /things/0 (constructor) -> /things/zero"]);
  });
});

describe("normalisation", () => {
  it("reads 3.0's nullable as 3.1's null type, const as a one-value enum, and sorts required and enum", () => {
    const v30 = normaliseSchema({ type: "string", nullable: true, enum: ["b", "a"], description: "x" });
    const v31 = normaliseSchema({ enum: ["a", "b"], type: ["null", "string"] });
    expect(canonical(v30)).toBe(canonical(v31));
    expect(canonical(normaliseSchema({ const: "x" }))).toBe(canonical(normaliseSchema({ enum: ["x"] })));
    expect(canonical(normaliseSchema({ required: ["b", "a"], properties: {} }))).toBe(canonical(normaliseSchema({ properties: {}, required: ["a", "b"] })));
  });

  it("keeps a property called description (a field), while dropping the keyword description", () => {
    const schema = normaliseSchema({ type: "object", description: "a corporation", properties: { description: { type: "string", description: "its text" } } });
    expect(canonical(schema)).toBe('{"properties":{"description":{"type":["string"]}},"type":["object"]}');
  });

  it("does not turn a field named __proto__ into a prototype", () => {
    const schema = normaliseSchema(JSON.parse('{"properties":{"__proto__":{"type":"string"}}}')) as { properties: object };
    expect(Object.keys(schema.properties)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(schema.properties)).toBe(null);
  });
});
