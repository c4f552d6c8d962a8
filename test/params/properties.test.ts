import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EsiUsageError } from "../../src/errors.ts";
import type { ParameterRow, ParameterSchema } from "../../src/generation.ts";
import { checkParameter } from "../../src/params/check-parameters.ts";
import { encodePathParameter, LONE_SURROGATE } from "../../src/params/encode-path-parameter.ts";
import { operation, parameter } from "./operations.ts";

type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;
// OpenAPI 3.1 parameter schemas are JSON Schema 2020-12: the reference is Ajv's reading of the same schema.
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: false }));
const validators = new Map<string, ValidateFunction>();
function ajvValid(schema: ParameterSchema, value: unknown): boolean {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) validators.set(key, (validate = ajv.compile(schema as object)));
  return validate(value) === true;
}

// Schemas of the shapes ESI's parameters take, with every keyword esikit checks.
const bound = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double({ min: -1000, max: 1000, noNaN: true }));
const integerSchema: fc.Arbitrary<ParameterSchema> = fc.record(
  { type: fc.constant("integer" as const), format: fc.constantFrom("int32", "int64"), minimum: bound, maximum: bound, exclusiveMinimum: bound, exclusiveMaximum: bound },
  { requiredKeys: ["type"] },
);
const numberSchema: fc.Arbitrary<ParameterSchema> = fc.record(
  { type: fc.constant("number" as const), format: fc.constantFrom("double", "float", "int64"), minimum: bound, maximum: bound, exclusiveMinimum: bound },
  { requiredKeys: ["type"] },
);
const stringSchema: fc.Arbitrary<ParameterSchema> = fc.record(
  {
    type: fc.constant("string" as const),
    minLength: fc.nat(6),
    maxLength: fc.nat(12),
    pattern: fc.constantFrom("^[a-z]+$", "\\d", "^\\p{L}*$", "x"),
    format: fc.constantFrom("uuid", "date"),
  },
  { requiredKeys: ["type"] },
);
const enumSchema: fc.Arbitrary<ParameterSchema> = fc.oneof(
  fc.record({ type: fc.constant("string" as const), enum: fc.uniqueArray(fc.constantFrom("buy", "sell", "all", "", ".", "a,b", "en"), { minLength: 1 }) }),
  fc.record({ type: fc.constant("integer" as const), enum: fc.uniqueArray(fc.integer({ min: -3, max: 3 }), { minLength: 1 }) }),
);
const scalarSchema = fc.oneof(integerSchema, numberSchema, stringSchema, enumSchema, fc.constant<ParameterSchema>({ type: "boolean" }), fc.constant<ParameterSchema>({ type: ["integer", "null"] }));
const arraySchema: fc.Arbitrary<ParameterSchema> = fc.record(
  { type: fc.constant("array" as const), items: scalarSchema, minItems: fc.nat(3), maxItems: fc.nat(5), uniqueItems: fc.boolean() },
  { requiredKeys: ["type", "items"] },
);
const schemaArb = fc.oneof(scalarSchema, arraySchema);

// Values: plausible ones and the ones that break clients.
const nasty = fc.constantFrom<unknown>(Number.NaN, Infinity, -Infinity, 1e21, 2 ** 53, -(2 ** 53), -0, 0.5, "", ".", "..", "a,b", "abc", "123", "\uD800", null, undefined, true, [], {}, 10n);
const scalarValue = fc.oneof(
  fc.integer(),
  fc.integer({ min: -5, max: 1005 }),
  fc.double(),
  fc.string({ unit: "binary", maxLength: 14 }),
  fc.constantFrom("buy", "sell", "all", "en", "2024-02-29", "2026-02-30", "3868eaed-8278-4cb7-9709-7d7de9c20dc7", "abcdef", "42"),
  fc.boolean(),
  nasty,
);
const valueArb = fc.oneof(scalarValue, fc.array(scalarValue, { maxLength: 6 }));

const wires: Array<Pick<ParameterRow, "in" | "explode">> = [{ in: "query" }, { in: "query", explode: true }, { in: "path" }, { in: "header" }];

/** What any wire can carry as it is: JSON numbers JavaScript holds exactly, well-formed text, nothing else. */
function sendable(value: unknown, wire: Pick<ParameterRow, "in" | "explode">, schema: ParameterSchema, item = false): boolean {
  switch (typeof value) {
    case "number": {
      const integral = schema.type === "integer" || (Array.isArray(schema.type) && schema.type.includes("integer")) || schema.format === "int32" || schema.format === "int64";
      return Number.isFinite(value) && (!integral || !Number.isInteger(value) || Number.isSafeInteger(value));
    }
    case "string":
      if (LONE_SURROGATE.test(value)) return false;
      if (item && wire.in === "query" && wire.explode !== true && value.includes(",")) return false;
      if (!item && wire.in === "path" && (value === "" || value === "." || value === "..")) return false;
      if (!item && wire.in === "header" && !/^(?:[\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?$/.test(value)) return false;
      return true;
    case "boolean":
      return true;
    case "object":
      if (value === null) return Array.isArray(schema.type) && schema.type.includes("null");
      if (!Array.isArray(value)) return false;
      if (!item && wire.in === "header") return false;
      // A path array is one segment, its items joined with commas: [""] and [".."] leave none.
      if (!item && wire.in === "path" && ["", ".", ".."].includes(value.map(String).join(","))) return false;
      return value.every((v) => sendable(v, wire, schema.items ?? {}, true));
    default:
      return false;
  }
}

describe("checkParameters against Ajv, for any schema and any value", () => {
  it("accepts only what Ajv (compiled from the same schema) accepts; refuses with EsiUsageError; accepts all Ajv does that the wire can carry", () => {
    fc.assert(
      fc.property(schemaArb, valueArb, fc.constantFrom(...wires), (schema, value, wire) => {
        const op = operation("Op", [parameter("p", schema, wire)]);
        let accepted: boolean;
        let message = "";
        try {
          checkParameter(op, "p", value);
          accepted = true;
        } catch (error) {
          expect(error).toBeInstanceOf(EsiUsageError);
          message = (error as Error).message;
          expect(message).toMatch(/^Op: p(\[\d+\])* .+ \(got .*\)$/s);
          accepted = false;
        }
        const valid = ajvValid(schema, value);
        if (accepted) expect(valid, `accepted a value Ajv refuses`).toBe(true);
        else if (valid && sendable(value, wire, schema)) expect.fail(`refused a valid, sendable value: ${message}`);
      }),
      { numRuns: 2500 },
    );
  });

  it("refuses NaN, Infinity, 1e21 and integers past 2^53 for every integer schema, whatever else it says", () => {
    fc.assert(
      fc.property(integerSchema, fc.constantFrom(Number.NaN, Infinity, -Infinity, 1e21, 2 ** 53, -(2 ** 60), "abc", "1"), (schema, value) => {
        const op = operation("Op", [parameter("p", schema)]);
        expect(() => checkParameter(op, "p", value)).toThrow(EsiUsageError);
      }),
    );
  });
});

describe("encodePathParameter", () => {
  const base = "https://esi.evetech.net";
  const tricky = fc.constantFrom("..", ".", "/", "?", "#", "%", "%2e", "%2E%2E", ".%2E", "\\", "a/../b", "../..", " ", "\t", "\n", "…", "😀", "?a=1#x", "%zz", "'()*!~");
  const anyString = fc.oneof(fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }), fc.stringMatching(/^[./%?#\\a-z2eE]{0,6}$/), tricky);

  it("keeps any value in its segment: the URL parses back to the same segments, the segment decodes to the value", () => {
    fc.assert(
      fc.property(anyString, (value) => {
        let segment: string;
        try {
          segment = encodePathParameter(value);
        } catch (error) {
          // Only what no encoding can carry is refused.
          expect(error).toBeInstanceOf(EsiUsageError);
          expect(value === "" || value === "." || value === ".." || LONE_SURROGATE.test(value)).toBe(true);
          return;
        }
        for (const url of [new URL(`${base}/universe/types/${segment}/`), new URL(new Request(`${base}/killmails/x/${segment}/`).url)]) {
          const parts = url.pathname.split("/");
          expect(parts).toHaveLength(5);
          expect(decodeURIComponent(parts[3]!)).toBe(value);
          expect(url.search).toBe("");
          expect(url.hash).toBe("");
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("refuses the values that would leave their segment, naming them", () => {
    expect(() => encodePathParameter("..")).toThrow(EsiUsageError);
    expect(() => encodePathParameter("..")).toThrow('a path parameter cannot be "." or ".." (URLs drop such segments, encoded or not) (got "..")');
    expect(() => encodePathParameter(".")).toThrow(EsiUsageError);
    expect(() => encodePathParameter("")).toThrow(/cannot be empty/);
    expect(() => encodePathParameter("\uDC00")).toThrow(/lone surrogate/);
    expect(encodePathParameter(90000001)).toBe("90000001");
    expect(encodePathParameter("../x")).toBe("..%2Fx");
    expect(encodePathParameter("a b/c?d#e%f")).toBe("a%20b%2Fc%3Fd%23e%25f");
  });
});
