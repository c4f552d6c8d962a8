import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareSpecs, formatChangeReport, reportJson } from "../../scripts/lib/change-report.ts";
import type { OpenApiDocument } from "../../scripts/lib/spec-document.ts";

const DIR = fileURLToPath(new URL("../fixtures/report/", import.meta.url));
const specs: OpenApiDocument[] = readdirSync(DIR).flatMap((f) => {
  const { before, after } = JSON.parse(readFileSync(join(DIR, f), "utf8"));
  return [before, after];
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value inside a document, as key lists. */
function paths(value: Json, at: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...at, i], out));
  else if (value && typeof value === "object") for (const k of Object.keys(value)) paths(value[k]!, [...at, k], out);
  return out;
}

function setAt(doc: Json, path: Array<string | number>, value: Json): Json {
  if (path.length === 0) return value;
  const copy = structuredClone(doc) as Record<string | number, Json>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  node[path.at(-1)!] = value;
  return copy;
}

/** The same document with every object's keys in reverse order and every required/enum list reversed. */
function shuffled(value: Json, key = ""): Json {
  if (Array.isArray(value)) {
    const items = value.map((v) => shuffled(v));
    return key === "required" || key === "enum" ? items.reverse() : items;
  }
  if (!value || typeof value !== "object") return value;
  const out: Record<string, Json> = Object.create(null);
  for (const k of Object.keys(value).reverse()) out[k] = shuffled(value[k]!, k);
  return JSON.parse(JSON.stringify(out));
}

const oddValues = fc.oneof(
  fc.constantFrom<Json>(null, true, 0, -1, "", "#/components/schemas/Nowhere", [], {}, { $ref: "#/components/schemas/Nowhere" }, { $ref: "#/nope" }),
  fc.constantFrom<Json>({ type: 7 }, { properties: [] }, { required: "x" }, { enum: {} }, { allOf: [{ $ref: "#/components/schemas/Status" }] }),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

describe("the change report's invariants", () => {
  it("a spec compared with itself has no change, and its key and list order do not matter", () => {
    for (const spec of specs) {
      const same = compareSpecs(spec, structuredClone(spec));
      expect(same.counts).toMatchObject({ breaking: 0, nonBreaking: 0, cosmetic: 0 });
      const reordered = compareSpecs(spec, shuffled(spec as unknown as Json) as unknown as OpenApiDocument);
      expect(reordered.counts).toMatchObject({ breaking: 0, nonBreaking: 0 });
    }
  });

  it("never throws, whatever odd value sits anywhere in either spec, and its JSON and text are made", () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat(), oddValues, fc.boolean(), (s, p, o, odd, side) => {
        const base = specs[s % specs.length]! as unknown as Json;
        const other = specs[o % specs.length]! as unknown as Json;
        const places = paths(base).filter((path) => path.length > 0);
        const broken = setAt(base, places[p % places.length]!, odd) as unknown as OpenApiDocument;
        const [a, b] = side ? [broken, other as unknown as OpenApiDocument] : [other as unknown as OpenApiDocument, broken];
        const report = compareSpecs(a, b);
        expect(JSON.parse(reportJson(report)).version).toBe(1);
        expect(typeof formatChangeReport(report, { verbose: true })).toBe("string");
      }),
      { numRuns: Number(process.env.REPORT_RUNS ?? 400) },
    );
  });

  it("a breaking change one way is seen the other way too (removals and additions mirror)", () => {
    for (const spec of specs.slice(0, 6)) {
      for (const other of specs.slice(0, 6)) {
        const there = compareSpecs(spec, other);
        const back = compareSpecs(other, spec);
        expect(back.operations.added.length).toBe(there.operations.removed.length);
        expect(back.operations.removed.length).toBe(there.operations.added.length);
      }
    }
  });
});
