import type { ParameterRow, ParameterSchema } from "../generation.ts";
import { LONE_SURROGATE, pathSegmentProblem } from "./encode-path-parameter.ts";

/** What is wrong with a value: `at` is "" for the value itself, or "[i]" (and deeper) for an item of a list. */
export interface Failure {
  readonly at: string;
  /** "must be one of "buy", "sell", "all"", "cannot be "." or """..." */
  readonly problem: string;
  readonly value: unknown;
}

/** Checks one value against a compiled schema: undefined when valid, else what is wrong. */
export type ValueCheck = (value: unknown) => Failure | undefined;

/** Where a value goes on the wire: what it must also be to get there intact. */
export interface WireContext {
  readonly in: ParameterRow["in"];
  /** An item of a query array sent comma-separated (explode false): it may not contain a comma. */
  readonly commaSeparated?: boolean;
  /** Inside a list (path and header rules apply to the whole value, not to items). */
  readonly item?: boolean;
}

/** Any surrogate: a cheap first look before the exact (slower) test for a lone one. */
const SURROGATE = /[\uD800-\uDFFF]/;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
// As ajv-formats reads these formats; other formats are not checked (ESI's parameters use only these and double).
const UUID = /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** What Headers accepts as a value, without the whitespace it would trim away. */
const HEADER_VALUE = /^(?:[\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?$/;

type JsonType = "integer" | "number" | "string" | "boolean" | "array" | "object" | "null";

/**
 * Compiles a parameter's schema into one check, once: the subset of JSON Schema a parameter uses (type, enum,
 * bounds, lengths, pattern, int32/int64/uuid/date formats, list size, unique items, items), plus what the wire
 * needs: integers JavaScript holds exactly (no NaN, Infinity, 1e21 or 2^53 + 1), finite numbers, well-formed
 * text, path values that stay in their segment, header values Headers accepts, no comma in an item of a
 * comma-separated list. Never accepts what the schema refuses; refuses a little more (what cannot be sent).
 */
export function compileSchema(schema: ParameterSchema | undefined, wire: WireContext): ValueCheck {
  const s: ParameterSchema = schema ?? {};
  const declared = s.type === undefined ? undefined : (typeof s.type === "string" ? [s.type] : [...s.type]) as JsonType[];
  const allows = (type: JsonType) => declared === undefined || declared.includes(type);
  // Decided once: the check below runs on every call.
  const allowsNumber = allows("number") || allows("integer");
  const allowsString = allows("string");
  const allowsBoolean = allows("boolean");
  const allowsArray = allows("array");
  const allowsObject = allows("object");
  const allowsNull = declared !== undefined && declared.includes("null");
  // Whole numbers only: the type says so, or the format does (as ajv-formats reads int32 and int64).
  const integral = (declared !== undefined && declared.includes("integer") && !declared.includes("number")) || s.format === "int64" || s.format === "int32";
  const mustBe = `must be ${describeSchema(s)}`;

  const enumCheck = compileEnum(s.enum);
  const numberRange = compileRange(s);
  const stringCheck = compileString(s);
  const arrayCheck = s.items !== undefined || s.minItems !== undefined || s.maxItems !== undefined || s.uniqueItems ? compileArray(s, wire) : undefined;
  const wireCheck = wire.item ? undefined : wire.in === "path" ? pathWire : wire.in === "header" ? headerWire : undefined;
  // Only an item of the list is cut at commas; a single query value keeps its comma (encoded as %2C).
  const commaSeparated = wire.item === true && wire.commaSeparated === true;

  const fail = (value: unknown, problem = mustBe): Failure => ({ at: "", problem, value });

  const check: ValueCheck = (value) => {
    let failure: Failure | undefined;
    switch (typeof value) {
      case "number":
        if (!allowsNumber) return fail(value);
        if (integral && Number.isSafeInteger(value)) {
          // The common case (an id): nothing more to ask of it than its range.
        } else {
          if (value !== value || value === Infinity || value === -Infinity) return fail(value);
          if (integral && !Number.isInteger(value)) return fail(value);
          // 1e21 or 2^53 + 1: whole, but not exactly what would be sent (String(1e21) is "1e+21").
          if (integral) return fail(value, `${mustBe}, one JavaScript holds exactly (at most ${Number.MAX_SAFE_INTEGER} either way)`);
        }
        if (numberRange && !numberRange(value)) return fail(value);
        if (enumCheck && !enumCheck(value)) return fail(value);
        // A number always makes a valid path segment and header value.
        return undefined;
      case "string":
        if (!allowsString) return fail(value);
        if (SURROGATE.test(value) && LONE_SURROGATE.test(value)) return fail(value, `${mustBe}, as well-formed text (it has a lone surrogate)`);
        if (stringCheck && !stringCheck(value)) return fail(value);
        if (commaSeparated && value.includes(",")) return fail(value, `${mustBe}, without a comma (the list is sent comma-separated)`);
        break;
      case "boolean":
        if (!allowsBoolean) return fail(value);
        if (enumCheck && !enumCheck(value)) return fail(value);
        return undefined;
      case "object":
        if (value === null) {
          if (!allowsNull) return fail(value);
          break;
        }
        if (Array.isArray(value)) {
          if (!allowsArray) return fail(value);
          if (arrayCheck && (failure = arrayCheck(value))) return failure;
        } else {
          if (!allowsObject || !isPlainObject(value)) return fail(value);
        }
        break;
      default:
        // undefined inside a list, bigint, symbol, function: nothing JSON or a URL can carry.
        return fail(value);
    }
    if (enumCheck && !enumCheck(value)) return fail(value);
    if (wireCheck && (failure = wireCheck(value))) return failure;
    return undefined;
  };

  // An enum of plain values: the values that pass every check are known now, so a call costs one Set lookup.
  if (s.enum && s.enum.every((v) => v === null || typeof v !== "object")) {
    const accepted = new Set(s.enum.filter((v) => check(v) === undefined));
    return (value) => (accepted.has(value) ? undefined : check(value));
  }
  return check;
}

function pathWire(value: unknown): Failure | undefined {
  const problem = pathSegmentProblem(String(value));
  return problem ? { at: "", problem, value } : undefined;
}

function headerWire(value: unknown): Failure | undefined {
  if (typeof value === "object" && value !== null) return { at: "", problem: "must be text, a number or true/false (a header carries one value)", value };
  return HEADER_VALUE.test(String(value))
    ? undefined
    : { at: "", problem: "must be a header value: Latin-1 text without line breaks or control characters, nor spaces at either end", value };
}

function compileEnum(values: ReadonlyArray<unknown> | undefined): ((value: unknown) => boolean) | undefined {
  if (!values) return undefined;
  if (values.every((v) => v === null || typeof v !== "object")) {
    const set = new Set(values);
    return (value) => set.has(value);
  }
  return (value) => values.some((v) => deepEqual(v, value));
}

function compileRange(s: ParameterSchema): ((value: number) => boolean) | undefined {
  let min = typeof s.minimum === "number" ? s.minimum : -Infinity;
  let max = typeof s.maximum === "number" ? s.maximum : Infinity;
  if (s.format === "int32") {
    min = Math.max(min, INT32_MIN);
    max = Math.min(max, INT32_MAX);
  }
  const exclusiveMin = typeof s.exclusiveMinimum === "number" ? s.exclusiveMinimum : undefined;
  const exclusiveMax = typeof s.exclusiveMaximum === "number" ? s.exclusiveMaximum : undefined;
  if (min === -Infinity && max === Infinity && exclusiveMin === undefined && exclusiveMax === undefined) return undefined;
  return (value) => value >= min && value <= max && (exclusiveMin === undefined || value > exclusiveMin) && (exclusiveMax === undefined || value < exclusiveMax);
}

function compileString(s: ParameterSchema): ((value: string) => boolean) | undefined {
  const minLength = s.minLength ?? 0;
  const maxLength = s.maxLength ?? Infinity;
  const pattern = s.pattern === undefined ? undefined : new RegExp(s.pattern, "u");
  const format = s.format === "uuid" ? isUuid : s.format === "date" ? isDate : undefined;
  if (minLength === 0 && maxLength === Infinity && !pattern && !format) return undefined;
  return (value) => {
    // JSON Schema counts code points; UTF-16 units are never fewer, so count only when the units are not decisive.
    if (value.length < minLength) return false;
    if (value.length > maxLength || (minLength > 0 && value.length < 2 * minLength)) {
      const points = codePoints(value);
      if (points < minLength || points > maxLength) return false;
    }
    if (pattern && !pattern.test(value)) return false;
    if (format && !format(value)) return false;
    return true;
  };
}

function compileArray(s: ParameterSchema, wire: WireContext): (value: unknown[]) => Failure | undefined {
  const minItems = s.minItems ?? 0;
  const maxItems = s.maxItems ?? Infinity;
  const itemCheck = s.items ? compileSchema(s.items, { in: wire.in, item: true, commaSeparated: wire.commaSeparated }) : undefined;
  const listProblem = `must be ${describeList(s)}`;
  return (value) => {
    if (value.length < minItems || value.length > maxItems) return { at: "", problem: listProblem, value };
    if (s.uniqueItems && !allUnique(value)) return { at: "", problem: `${listProblem}, without repeats`, value };
    if (itemCheck) {
      for (let i = 0; i < value.length; i++) {
        const failure = itemCheck(value[i]);
        if (failure) return { at: `[${i}]${failure.at}`, problem: failure.problem, value: failure.value };
      }
    }
    return undefined;
  };
}

/** "an integer from 1 to 2147483647", "one of "buy", "sell", "all"", "a list of 1 to 20 items". */
export function describeSchema(s: ParameterSchema): string {
  if (s.enum) {
    const shown = s.enum.slice(0, 20).map((v) => JSON.stringify(v) ?? String(v));
    return `one of ${shown.join(", ")}${s.enum.length > 20 ? `, … (${s.enum.length} values)` : ""}`;
  }
  const types = s.type === undefined ? [] : typeof s.type === "string" ? [s.type] : s.type;
  const named = types.filter((t) => t !== "null").map((t) => describeType(t, s));
  if (types.includes("null")) named.push("null");
  return named.length ? named.join(" or ") : "a value JSON can hold";
}

function describeType(type: string, s: ParameterSchema): string {
  switch (type) {
    case "integer":
    case "number": {
      const noun = type === "integer" || s.format === "int32" || s.format === "int64" ? "an integer" : "a number";
      let min = s.minimum;
      let max = s.maximum;
      if (s.format === "int32") {
        min = Math.max(min ?? -Infinity, INT32_MIN);
        max = Math.min(max ?? Infinity, INT32_MAX);
      }
      const parts: string[] = [];
      if (min !== undefined && max !== undefined) parts.push(`from ${min} to ${max}`);
      else if (min !== undefined) parts.push(`of ${min} or more`);
      else if (max !== undefined) parts.push(`of ${max} or less`);
      if (s.exclusiveMinimum !== undefined) parts.push(`greater than ${s.exclusiveMinimum}`);
      if (s.exclusiveMaximum !== undefined) parts.push(`less than ${s.exclusiveMaximum}`);
      return parts.length ? `${noun} ${parts.join(" and ")}` : noun;
    }
    case "string": {
      if (s.format === "uuid") return "a UUID (such as 3868eaed-8278-4cb7-9709-7d7de9c20dc7)";
      if (s.format === "date") return "a date (YYYY-MM-DD)";
      const parts: string[] = [];
      const { minLength: min, maxLength: max } = s;
      if (min !== undefined && max !== undefined) parts.push(`of ${min} to ${max} characters`);
      else if (min !== undefined) parts.push(`of ${min} or more characters`);
      else if (max !== undefined) parts.push(`of at most ${max} characters`);
      if (s.pattern !== undefined) parts.push(`matching /${s.pattern}/`);
      return parts.length ? `a string ${parts.join(", ")}` : "a string";
    }
    case "boolean":
      return "true or false";
    case "array":
      return describeList(s);
    case "object":
      return "an object";
    default:
      return type;
  }
}

function describeList(s: ParameterSchema): string {
  const { minItems: min, maxItems: max } = s;
  const count = min !== undefined && max !== undefined ? `${min} to ${max} ` : min !== undefined ? `${min} or more ` : max !== undefined ? `at most ${max} ` : "";
  const of = s.items ? `, each ${describeSchema(s.items)}` : "";
  return `a list of ${count}items${of}`;
}

function isUuid(value: string): boolean {
  return UUID.test(value);
}

function isDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function allUnique(items: unknown[]): boolean {
  if (items.every((v) => v === null || typeof v !== "object")) return new Set(items).size === items.length;
  for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) if (deepEqual(items[i], items[j])) return false;
  return true;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((v, i) => deepEqual(v, (b as unknown[])[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
