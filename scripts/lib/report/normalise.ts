/**
 * Normalisation: what of a spec an app's code can feel, in one canonical form, so two specs compare by meaning.
 * Set aside (recorded in a "cosmetic" sink for --verbose): descriptions, summaries, titles, examples, tags, the
 * order of `required` and `enum`, key order, and x- keys esikit does not read. `$ref`s stay references, so a change
 * inside a shared component is seen once, at the component, not in every operation that uses it.
 *
 * Everything keyed by spec data (property names, operationIds, component names) lives in null-prototype objects or
 * Maps: a property or operation called `__proto__` or `constructor` is data like any other.
 */

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

/** A null-prototype object: `o["__proto__"] = v` makes an own key, never a prototype. */
export function dict<T = Json>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Any spec value as text, never throwing (String() throws on an object whose toString is not a function). */
export function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) return String(value);
  return canonical(value);
}

const canonicalMemo = new WeakMap<object, string>();

/**
 * Stable JSON: keys sorted at every level. Equal canonical strings mean equal meaning (after normalisation).
 * Memoised per object: normalised nodes are never changed after they are made, and comparing walks them often.
 */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  const known = canonicalMemo.get(value);
  if (known !== undefined) return known;
  const text = Array.isArray(value)
    ? `[${value.map(canonical).join(",")}]`
    : `{${Object.keys(value)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonical((value as JsonObject)[k])}`)
        .join(",")}}`;
  canonicalMemo.set(value, text);
  return text;
}

/** Where stripped values go: JSON pointer of the raw location -> the value set aside. */
export type CosmeticSink = Map<string, unknown>;

/** x- keys esikit reads (on operations); every other x- key is cosmetic. */
export const READ_EXTENSIONS = new Set([
  "x-rate-limit",
  "x-cache-age",
  "x-client-cache-ttl",
  "x-cached-seconds",
  "x-required-roles",
  "x-pagination",
  "x-compatibility-date",
]);

/** Schema keywords that never change what an app may send or receive. */
const SCHEMA_COSMETIC = new Set(["description", "title", "example", "examples", "$comment", "externalDocs", "xml"]);
/** Keywords whose value is a schema. */
const SCHEMA_VALUED = new Set(["items", "additionalProperties", "not", "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems", "if", "then", "else"]);
/** Keywords whose value is a list of schemas (order does not matter for any of them). */
const SCHEMA_LISTS = new Set(["allOf", "oneOf", "anyOf", "prefixItems"]);
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);

const pointerPart = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");
export const joinPointer = (base: string, key: string | number) => `${base}/${pointerPart(String(key))}`;

function setAsideOrder(list: Json[], pointer: string, sink: CosmeticSink | undefined): Json[] {
  const keyed = list.map((value) => ({ value, key: canonical(value) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const unique = keyed.filter((v, i) => i === 0 || v.key !== keyed[i - 1]!.key);
  // Recorded always: the report calls it an order change only when both sides hold the same values.
  sink?.set(`${pointer} (order)`, list);
  return unique.map((v) => v.value);
}

/**
 * A schema in canonical form: `type` always a sorted list (3.0's `nullable: true` becomes "null" in it), `const`
 * as a one-value `enum`, `required` and `enum` sorted, composition lists sorted, cosmetic keywords set aside.
 */
export function normaliseSchema(raw: unknown, pointer = "", sink?: CosmeticSink): Json {
  if (!isObject(raw)) return (raw ?? null) as Json;
  if (typeof raw.$ref === "string") {
    // Siblings of a $ref (3.1 allows a description beside it) are cosmetic in ESI's specs.
    for (const key of Object.keys(raw)) if (key !== "$ref") sink?.set(joinPointer(pointer, key), raw[key]);
    return { $ref: raw.$ref };
  }
  const out = dict();
  const types = new Set<string>();
  for (const key of Object.keys(raw)) {
    const value = raw[key]!;
    const at = joinPointer(pointer, key);
    if (SCHEMA_COSMETIC.has(key) || key.startsWith("x-")) {
      sink?.set(at, value);
    } else if (key === "type") {
      for (const t of Array.isArray(value) ? value : [value]) if (typeof t === "string") types.add(t);
    } else if (key === "nullable") {
      if (value === true) types.add("null");
    } else if (key === "const") {
      out.enum = [value];
    } else if (key === "enum" && Array.isArray(value)) {
      out.enum = setAsideOrder(value, at, sink);
    } else if (key === "required" && Array.isArray(value)) {
      out.required = setAsideOrder(value, at, sink);
    } else if (SCHEMA_VALUED.has(key)) {
      out[key] = typeof value === "boolean" ? value : normaliseSchema(value, at, sink);
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      const members = value.map((m, i) => normaliseSchema(m, joinPointer(at, i), sink));
      out[key] = key === "prefixItems" ? members : setAsideOrder(members, at, undefined);
    } else if (SCHEMA_MAPS.has(key) && isObject(value)) {
      const map = dict();
      for (const name of Object.keys(value)) map[name] = normaliseSchema(value[name], joinPointer(at, name), sink);
      out[key] = map;
    } else {
      out[key] = value;
    }
  }
  // 3.0 with `nullable` but no `type` says nothing about the type: leave it open.
  if (types.size > 0 && !(types.size === 1 && types.has("null") && raw.type === undefined)) out.type = [...types].sort();
  if (out.enum && Array.isArray(out.enum) && out.enum.some((v) => v === null) && Array.isArray(out.type) && !out.type.includes("null")) {
    // An enum listing null makes the value nullable whatever `type` says; say it in one place.
    out.type = [...out.type, "null"].sort();
  }
  return out;
}

/** OpenAPI's defaults for style and explode, so `explode: true` written out equals it left implicit. */
function wireForm(param: JsonObject): { style: string; explode: boolean } {
  const where = typeof param.in === "string" ? param.in : "query";
  const style = typeof param.style === "string" ? param.style : where === "query" || where === "cookie" ? "form" : "simple";
  const explode = typeof param.explode === "boolean" ? param.explode : style === "form";
  return { style, explode };
}

const PARAMETER_COSMETIC = new Set(["description", "example", "examples"]);

export function normaliseParameter(raw: unknown, pointer = "", sink?: CosmeticSink): Json {
  if (!isObject(raw)) return (raw ?? null) as Json;
  if (typeof raw.$ref === "string") return { $ref: raw.$ref };
  const out = dict();
  for (const key of Object.keys(raw)) {
    const value = raw[key]!;
    const at = joinPointer(pointer, key);
    if (PARAMETER_COSMETIC.has(key) || key.startsWith("x-")) sink?.set(at, value);
    else if (key === "schema") out.schema = normaliseSchema(value, at, sink);
    else if (key === "content" && isObject(value)) out.content = normaliseContent(value, at, sink);
    else if (key === "required") out.required = value === true;
    else if (key === "style" || key === "explode") continue;
    else out[key] = value;
  }
  out.required = out.required === true || raw.in === "path";
  // HTTP header names are case-insensitive.
  if (raw.in === "header" && typeof raw.name === "string") out.name = raw.name.toLowerCase();
  const wire = wireForm(raw);
  out.style = wire.style;
  out.explode = wire.explode;
  return out;
}

function normaliseContent(content: JsonObject, pointer: string, sink?: CosmeticSink): JsonObject {
  const out = dict();
  for (const mediaType of Object.keys(content)) {
    const entry = content[mediaType];
    const at = joinPointer(pointer, mediaType);
    const normal = dict();
    if (isObject(entry)) {
      for (const key of Object.keys(entry)) {
        if (key === "schema") normal.schema = normaliseSchema(entry.schema, joinPointer(at, "schema"), sink);
        else sink?.set(joinPointer(at, key), entry[key]!);
      }
    }
    out[mediaType.toLowerCase()] = normal;
  }
  return out;
}

export function normaliseResponse(raw: unknown, pointer = "", sink?: CosmeticSink): Json {
  if (!isObject(raw)) return (raw ?? null) as Json;
  if (typeof raw.$ref === "string") return { $ref: raw.$ref };
  const out = dict();
  for (const key of Object.keys(raw)) {
    const value = raw[key]!;
    const at = joinPointer(pointer, key);
    if (key === "content" && isObject(value)) out.content = normaliseContent(value, at, sink);
    else if (key === "headers" && isObject(value)) {
      const headers = dict();
      for (const name of Object.keys(value)) headers[name.toLowerCase()] = normaliseHeader(value[name], joinPointer(at, name), sink);
      out.headers = headers;
    } else sink?.set(at, value); // description, links, x- keys
  }
  return out;
}

export function normaliseHeader(raw: unknown, pointer = "", sink?: CosmeticSink): Json {
  if (!isObject(raw)) return (raw ?? null) as Json;
  if (typeof raw.$ref === "string") return { $ref: raw.$ref };
  const out = dict();
  for (const key of Object.keys(raw)) {
    const at = joinPointer(pointer, key);
    if (key === "schema") out.schema = normaliseSchema(raw.schema, at, sink);
    else if (key === "required") out.required = raw.required === true;
    else sink?.set(at, raw[key]);
  }
  return out;
}

export function normaliseRequestBody(raw: unknown, pointer = "", sink?: CosmeticSink): Json {
  if (!isObject(raw)) return (raw ?? null) as Json;
  if (typeof raw.$ref === "string") return { $ref: raw.$ref };
  const out = dict();
  out.required = raw.required === true;
  for (const key of Object.keys(raw)) {
    const at = joinPointer(pointer, key);
    if (key === "content" && isObject(raw.content)) out.content = normaliseContent(raw.content, at, sink);
    else if (key !== "required") sink?.set(at, raw[key]);
  }
  return out;
}

/** The component kinds the report follows, and how each is normalised. */
export const COMPONENT_KINDS = {
  schemas: normaliseSchema,
  parameters: normaliseParameter,
  responses: normaliseResponse,
  requestBodies: normaliseRequestBody,
  headers: normaliseHeader,
} as const;
export type ComponentKind = keyof typeof COMPONENT_KINDS;

/** "#/components/schemas/Error" -> "schemas/Error"; other references are not components. */
export function componentKeyOf(ref: string): string | undefined {
  const match = /^#\/components\/([^/]+)\/(.+)$/.exec(ref);
  if (!match || !(match[1]! in COMPONENT_KINDS)) return undefined;
  return `${match[1]}/${match[2]!.replace(/~1/g, "/").replace(/~0/g, "~")}`;
}

/** Every `$ref` in a normalised node, as component keys. */
export function refsIn(node: Json, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const v of node) refsIn(v, out);
  else if (isObject(node)) {
    if (typeof node.$ref === "string") {
      const key = componentKeyOf(node.$ref);
      if (key) out.add(key);
    }
    for (const key of Object.keys(node)) if (key !== "$ref") refsIn(node[key]!, out);
  }
  return out;
}
