import type { ParameterSchema } from "../../src/generation.ts";
import { SpecError } from "./spec-error.ts";
import type { OpenApiDocument } from "./spec-document.ts";

type Json = Record<string, unknown>;

const NUMBER_KEYWORDS = ["minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems"] as const;
const TYPES = new Set(["integer", "number", "string", "boolean", "array", "object", "null"]);

/**
 * A parameter's schema as the runtime checks it before sending: every $ref followed, allOf merged, only the
 * validation keywords of ParameterSchema kept, and OpenAPI 3.0's forms brought to 3.1's (JSON Schema 2020-12):
 * `nullable: true` becomes a "null" in `type`, and a boolean `exclusiveMinimum`/`exclusiveMaximum` moves the bound
 * into the keyword. Descriptions, examples and x- keys are dropped: the table carries what is enforced, not prose.
 */
export function normaliseParameterSchema(doc: OpenApiDocument, raw: unknown, where: string): ParameterSchema | undefined {
  if (raw === undefined) return undefined;
  return normalise(doc, raw, where, []);
}

function normalise(doc: OpenApiDocument, raw: unknown, where: string, seen: string[]): ParameterSchema {
  const schema = flatten(doc, raw, where, seen);
  const out: { -readonly [K in keyof ParameterSchema]: ParameterSchema[K] } = {};
  const type = readType(schema.type, where);
  const nullable = schema.nullable === true;
  if (type !== undefined) out.type = unwrap(nullable && !type.includes("null") ? [...type, "null"] : type);
  if (Array.isArray(schema.enum)) out.enum = nullable && !schema.enum.includes(null) ? [...schema.enum, null] : [...schema.enum];
  for (const key of NUMBER_KEYWORDS) {
    const value = schema[key];
    if (typeof value === "number" && Number.isFinite(value)) out[key] = value;
  }
  // 3.0: `exclusiveMinimum: true` qualifies `minimum`; 3.1: `exclusiveMinimum: 5` is the bound itself.
  for (const [exclusive, bound] of [["exclusiveMinimum", "minimum"], ["exclusiveMaximum", "maximum"]] as const) {
    const value = schema[exclusive];
    if (typeof value === "number" && Number.isFinite(value)) out[exclusive] = value;
    else if (value === true && typeof out[bound] === "number") {
      out[exclusive] = out[bound];
      delete out[bound];
    }
  }
  if (typeof schema.pattern === "string") out.pattern = schema.pattern;
  if (typeof schema.format === "string") out.format = schema.format;
  if (typeof schema.uniqueItems === "boolean") out.uniqueItems = schema.uniqueItems;
  if (schema.items !== undefined && !Array.isArray(schema.items)) out.items = normalise(doc, schema.items, `${where} items`, seen);
  if (schema.default !== undefined) out.default = schema.default;
  return out;
}

/** Follows $ref and merges allOf members into one keyword set (ESI wraps a $ref in allOf to add a description). */
function flatten(doc: OpenApiDocument, raw: unknown, where: string, seen: string[]): Json {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new SpecError(`${where}: a parameter schema must be an object, got ${JSON.stringify(raw)}`);
  }
  let schema = raw as Json;
  const merged: Json = {};
  if (typeof schema.$ref === "string") {
    const ref = schema.$ref;
    if (seen.includes(ref)) throw new SpecError(`${where}: reference cycle at ${ref}`);
    // In 3.1 siblings of $ref apply too; the referenced keywords come first, the siblings refine them.
    Object.assign(merged, flatten(doc, lookup(doc, ref, where), where, [...seen, ref]));
    const { $ref: _ref, ...siblings } = schema;
    schema = siblings;
  }
  for (const member of Array.isArray(schema.allOf) ? schema.allOf : []) Object.assign(merged, flatten(doc, member, where, seen));
  const { allOf: _allOf, ...own } = schema;
  return Object.assign(merged, own);
}

function lookup(doc: OpenApiDocument, ref: string, where: string): unknown {
  if (!ref.startsWith("#/")) throw new SpecError(`${where}: only local references are supported, found ${ref}`);
  let target: unknown = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    target = target && typeof target === "object" && Object.hasOwn(target, key) ? (target as Json)[key] : undefined;
  }
  if (target === undefined) throw new SpecError(`${where}: unresolved reference ${ref}`);
  return target;
}

function readType(value: unknown, where: string): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  for (const t of list) {
    if (typeof t !== "string" || !TYPES.has(t)) throw new SpecError(`${where}: unknown schema type ${JSON.stringify(t)}`);
  }
  return list as string[];
}

function unwrap(types: string[]): ParameterSchema["type"] {
  return types.length === 1 && types[0] !== "null" ? (types[0] as ParameterSchema["type"]) : types;
}
