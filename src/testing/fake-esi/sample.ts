/**
 * A deterministic sample of a JSON Schema (the subset OpenAPI 3.0/3.1 specs use): $ref, type arrays with null,
 * enum/const, formats, bounds, arrays, objects with required properties, oneOf/anyOf/allOf.
 * Written here rather than taken from a library because the fake needs samples that differ by a seed (so the
 * records of page 3 are not those of page 2, and ids stay unique) while staying the same for the same seed.
 */
export type JsonSchema = { [key: string]: unknown };

const MAX_DEPTH = 12;
const EPOCH = Date.UTC(2026, 0, 1);

export interface SampleOptions {
  /** The document that `$ref`s point into (the whole spec). */
  root: unknown;
  /** Items in an array that has no minItems. Default 2. */
  arrayLength?: number;
}

export function sampleFromSchema(schema: unknown, seed: number, options: SampleOptions): unknown {
  return sample(schema, seed, options, 0, undefined);
}

/** Follows a local `#/...` JSON pointer. */
export function resolveRef(root: unknown, ref: string): JsonSchema {
  if (!ref.startsWith("#")) throw new Error(`only local $refs are supported, got ${ref}`);
  let node: unknown = root;
  for (const raw of ref.slice(1).split("/").filter(Boolean)) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    node = (node as Record<string, unknown> | undefined)?.[key];
  }
  if (!node || typeof node !== "object") throw new Error(`$ref ${ref} points at nothing`);
  return node as JsonSchema;
}

/** Merges $ref targets and allOf branches into one schema (sibling keywords win, as in OpenAPI 3.1). */
export function deref(schema: unknown, root: unknown): JsonSchema {
  let current = (schema ?? {}) as JsonSchema;
  for (let hops = 0; typeof current.$ref === "string" && hops < 32; hops++) {
    const { $ref, ...siblings } = current;
    current = { ...resolveRef(root, $ref as string), ...siblings };
  }
  if (Array.isArray(current.allOf)) {
    const { allOf, ...rest } = current;
    let merged: JsonSchema = {};
    for (const part of allOf as unknown[]) {
      const p = deref(part, root);
      merged = {
        ...merged,
        ...p,
        properties: { ...(merged.properties as object), ...(p.properties as object) },
        required: [...((merged.required as string[]) ?? []), ...((p.required as string[]) ?? [])],
      };
    }
    current = { ...merged, ...rest };
  }
  return current;
}

function sample(schemaIn: unknown, seed: number, options: SampleOptions, depth: number, name: string | undefined): unknown {
  const schema = deref(schemaIn, options.root);
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) {
    const choices = schema.enum.filter((v) => v !== null);
    const pool = choices.length ? choices : schema.enum;
    return pool[Math.abs(seed) % pool.length];
  }
  const branches = (schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
  if (Array.isArray(branches) && branches.length) {
    const { oneOf: _o, anyOf: _a, ...rest } = schema;
    return sample({ ...rest, ...deref(branches[0], options.root) }, seed, options, depth, name);
  }
  const type = pickType(schema);
  switch (type) {
    case "null":
      return null;
    case "boolean":
      return seed % 2 === 0;
    case "integer":
      return sampleInteger(schema, seed);
    case "number":
      return sampleNumber(schema, seed);
    case "string":
      return sampleString(schema, seed, name);
    case "array":
      return sampleArray(schema, seed, options, depth);
    case "object":
      return sampleObject(schema, seed, options, depth);
    default:
      return {};
  }
}

function pickType(schema: JsonSchema): string {
  const t = schema.type;
  if (typeof t === "string") return t;
  if (Array.isArray(t)) return (t.find((x) => x !== "null") as string | undefined) ?? "null";
  if (schema.properties || schema.additionalProperties) return "object";
  if (schema.items) return "array";
  return "object";
}

function bounds(schema: JsonSchema): { min: number; max: number } {
  let min = typeof schema.minimum === "number" ? schema.minimum : -Infinity;
  let max = typeof schema.maximum === "number" ? schema.maximum : Infinity;
  if (typeof schema.exclusiveMinimum === "number") min = Math.max(min, schema.exclusiveMinimum + Number.EPSILON);
  if (typeof schema.exclusiveMaximum === "number") max = Math.min(max, schema.exclusiveMaximum - Number.EPSILON);
  return { min, max };
}

function sampleInteger(schema: JsonSchema, seed: number): number {
  const { min, max } = bounds(schema);
  const lo = Number.isFinite(min) ? Math.ceil(min) : undefined;
  const hi = Number.isFinite(max) ? Math.floor(max) : undefined;
  if (lo !== undefined && hi !== undefined) return lo + (Math.abs(seed) % (hi - lo + 1));
  // Ids in ESI are large and unique: derive one from the seed so records differ.
  const value = 1_000_000 + Math.abs(seed);
  if (lo !== undefined) return Math.max(lo, lo + Math.abs(seed));
  if (hi !== undefined) return Math.min(hi, value);
  return value;
}

function sampleNumber(schema: JsonSchema, seed: number): number {
  const { min, max } = bounds(schema);
  if (Number.isFinite(min) && Number.isFinite(max)) return min + ((Math.abs(seed) % 100) / 100) * (max - min);
  const value = Math.abs(seed) + 0.5;
  if (Number.isFinite(min)) return min + value;
  if (Number.isFinite(max)) return Math.min(max, value);
  return value;
}

function sampleString(schema: JsonSchema, seed: number, name: string | undefined): string {
  let text: string;
  switch (schema.format) {
    case "date-time":
      text = new Date(EPOCH + Math.abs(seed) * 60_000).toISOString().replace(/\.000Z$/, "Z");
      break;
    case "date":
      text = new Date(EPOCH + Math.abs(seed) * 86_400_000).toISOString().slice(0, 10);
      break;
    case "uuid": {
      const hex = (Math.abs(seed) >>> 0).toString(16).padStart(12, "0").slice(-12);
      text = `00000000-0000-4000-8000-${hex}`;
      break;
    }
    default:
      text = `${name ?? "text"}-${Math.abs(seed)}`;
  }
  const minLength = typeof schema.minLength === "number" ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === "number" ? schema.maxLength : Infinity;
  if (text.length < minLength) text = text.padEnd(minLength, "x");
  if (text.length > maxLength) text = text.slice(0, maxLength);
  return text;
}

function sampleArray(schema: JsonSchema, seed: number, options: SampleOptions, depth: number): unknown[] {
  const minItems = typeof schema.minItems === "number" ? schema.minItems : 0;
  const maxItems = typeof schema.maxItems === "number" ? schema.maxItems : Infinity;
  let length = depth >= MAX_DEPTH ? minItems : Math.max(minItems, Math.min(maxItems, options.arrayLength ?? 2));
  const items = schema.items;
  if (schema.uniqueItems) {
    // An enum cannot give more distinct values than it has.
    const itemSchema = deref(items, options.root);
    if (Array.isArray(itemSchema.enum)) length = Math.min(length, itemSchema.enum.length);
  }
  const out: unknown[] = [];
  for (let i = 0; i < length; i++) out.push(sample(items, seed * 31 + i, options, depth + 1, undefined));
  return out;
}

function sampleObject(schema: JsonSchema, seed: number, options: SampleOptions, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  let i = 0;
  for (const [key, propertySchema] of Object.entries(properties)) {
    i++;
    // Deep in a recursive schema, only what is required, so the sample ends.
    if (depth >= MAX_DEPTH && !required.has(key)) continue;
    out[key] = sample(propertySchema, seed + i * 7919, options, depth + 1, key);
  }
  for (const key of required) {
    if (!(key in out)) out[key] = sample({}, seed, options, depth + 1, key);
  }
  const extra = schema.additionalProperties;
  if (extra && typeof extra === "object" && Object.keys(properties).length === 0 && depth < MAX_DEPTH) {
    out[`key${Math.abs(seed) % 1000}`] = sample(extra, seed + 1, options, depth + 1, undefined);
  }
  return out;
}
