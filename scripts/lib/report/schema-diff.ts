/**
 * Compares two normalised schemas for an app that sends them (request) or reads them (response), and says each
 * difference once, with its rule. A `$ref` to the same component on both sides is not looked into: that
 * component's own changes are reported once, at the component.
 */
import type { Change } from "./model.ts";
import { canonical, componentKeyOf, dict, isObject, textOf, type Json, type JsonObject } from "./normalise.ts";
import { makeChange } from "./rules.ts";
import { componentNode, type SpecModel } from "./spec-model.ts";

export type Direction = "request" | "response";

export interface DiffContext {
  old: SpecModel;
  now: SpecModel;
  /** Old component key -> new component key, for components that were renamed. */
  renames: Map<string, string>;
}

export interface Site {
  direction: Direction;
  /** "response 200", "request body", "query parameter `page`", "schema Error"... */
  where: string;
  /** How the value itself is named in a what-to-do line ("the body" unless said, e.g. "`page`"). */
  root?: string;
}

/** The old node with its references renamed to what they became, so renamed components compare equal. */
export function renamed(node: Json, renames: Map<string, string>): Json {
  if (renames.size === 0) return node;
  if (Array.isArray(node)) return node.map((n) => renamed(n, renames));
  if (!isObject(node)) return node;
  const out = dict();
  for (const key of Object.keys(node)) {
    const value = node[key]!;
    if (key === "$ref" && typeof value === "string") {
      const target = renames.get(componentKeyOf(value) ?? "");
      out.$ref = target ? `#/components/${target}` : value;
    } else out[key] = renamed(value, renames);
  }
  return out;
}

export function sameNode(a: Json, b: Json, ctx: DiffContext): boolean {
  return canonical(renamed(a, ctx.renames)) === canonical(b);
}

const list = (values: Json[]) => values.map((v) => JSON.stringify(v)).join(", ");
const typeText = (types: string[] | undefined) => (types && types.length ? types.join(" | ") : "any");

function asSchema(node: Json | undefined): JsonObject {
  return isObject(node) ? node : dict();
}

/** allOf merged into one object schema (properties and required united), its references resolved. */
function flattenAllOf(node: JsonObject, model: SpecModel, depth = 0): JsonObject {
  if (!Array.isArray(node.allOf) || depth > 8) return node;
  const merged = dict();
  for (const key of Object.keys(node)) if (key !== "allOf") merged[key] = node[key]!;
  const properties = dict();
  const required = new Set<string>(Array.isArray(node.required) ? node.required.map(textOf) : []);
  const own = isObject(node.properties) ? node.properties : dict();
  for (const member of node.allOf) {
    const resolved = isObject(member) && typeof member.$ref === "string" ? componentNode(model, member.$ref) : member;
    const flat = flattenAllOf(asSchema(resolved), model, depth + 1);
    if (isObject(flat.properties)) for (const name of Object.keys(flat.properties)) properties[name] = flat.properties[name]!;
    if (Array.isArray(flat.required)) for (const r of flat.required) required.add(textOf(r));
    for (const key of Object.keys(flat)) if (!(key in merged) && key !== "properties" && key !== "required") merged[key] = flat[key]!;
  }
  for (const name of Object.keys(own)) properties[name] = own[name]!;
  if (Object.keys(properties).length) merged.properties = properties;
  if (required.size) merged.required = [...required].sort();
  return merged;
}

const CONSTRAINTS_LOWER = ["minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"];
const CONSTRAINTS_UPPER = ["maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"];
const HANDLED = new Set([
  "type", "enum", "format", "default", "deprecated", "properties", "required", "items", "additionalProperties",
  "oneOf", "anyOf", "allOf", "pattern", "uniqueItems", "multipleOf", ...CONSTRAINTS_LOWER, ...CONSTRAINTS_UPPER,
]);

/**
 * Appends to `out` every difference between `a` (old) and `b` (new) at `field`. `seen` stops reference cycles.
 */
export function diffSchema(a: Json, b: Json, ctx: DiffContext, site: Site, field: string, out: Change[], seen = new Set<string>()): void {
  if (sameNode(a, b, ctx)) return;
  const aRef = isObject(a) && typeof a.$ref === "string" ? a.$ref : undefined;
  const bRef = isObject(b) && typeof b.$ref === "string" ? b.$ref : undefined;
  if (aRef || bRef) {
    // `seen` holds the reference pairs being compared further up: meeting one again is a cycle, not news.
    const pair = `${aRef ?? canonical(a)}|${bRef ?? canonical(b)}`;
    if (seen.has(pair)) return;
    seen.add(pair);
    const aNode = aRef ? componentNode(ctx.old, aRef) : a;
    const bNode = bRef ? componentNode(ctx.now, bRef) : b;
    diffSchema(aNode ?? dict(), bNode ?? dict(), ctx, site, field, out, seen);
    seen.delete(pair);
    return;
  }
  const before = flattenAllOf(asSchema(a), ctx.old);
  const after = flattenAllOf(asSchema(b), ctx.now);
  if (sameNode(before, after, ctx)) return;
  const req = site.direction === "request";
  const show = (f: string) => (f === "" ? (site.root ?? "the body") : `\`${f}\``);
  const emit = (rule: string, text: string, args: { detail?: string; before?: string; subject?: string } = {}) =>
    out.push(makeChange(rule, site.where, field === "" ? text : `${show(field)}: ${text}`, { subject: args.subject ?? show(field), ...args }, field));

  if (!diffTypes(before, after, emit, req)) return;
  diffEnum(before, after, emit, req);
  if (before.format !== after.format) emit("format-changed", `format ${textOf(before.format ?? "none")} -> ${textOf(after.format ?? "none")}`);
  if (canonical(before.default) !== canonical(after.default)) {
    emit("default-changed", `default ${JSON.stringify(before.default ?? null)} -> ${JSON.stringify(after.default ?? null)}`);
  }
  if (before.deprecated !== true && after.deprecated === true) emit("field-deprecated", "deprecated");
  diffConstraints(before, after, emit, req);
  diffProperties(before, after, ctx, site, field, out, seen, emit, req);
  diffNested(before.items, after.items, "items", `${field}[]`, ctx, site, out, seen, emit);
  diffNested(before.additionalProperties, after.additionalProperties, "additionalProperties", `${field}{}`, ctx, site, out, seen, emit);
  for (const key of ["oneOf", "anyOf"]) diffVariants(before[key], after[key], key, ctx, site, field, out, seen, emit, req);
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (HANDLED.has(key) || canonical(before[key]) === canonical(after[key])) continue;
    emit("schema-changed", `${key} ${JSON.stringify(before[key] ?? null)} -> ${JSON.stringify(after[key] ?? null)}`);
  }
}

type Emit = (rule: string, text: string, args?: { detail?: string; before?: string; subject?: string }) => void;

/** False when the type changed so much that looking inside makes no sense (object -> string). */
function diffTypes(a: JsonObject, b: JsonObject, emit: Emit, req: boolean): boolean {
  const ta = Array.isArray(a.type) ? a.type.map(textOf) : undefined;
  const tb = Array.isArray(b.type) ? b.type.map(textOf) : undefined;
  if (canonical(ta) === canonical(tb)) return true;
  if (!ta || !tb) {
    // No `type` accepts anything: a type given narrows, a type dropped widens.
    const narrowed = !ta;
    if (narrowed) emit(req ? "request-type-changed" : "response-type-narrowed", `type ${typeText(ta)} -> ${typeText(tb)}`, { detail: typeText(tb) });
    else emit(req ? "request-type-widened" : "response-type-widened", `type ${typeText(ta)} -> ${typeText(tb)}`, { detail: "any type" });
    return true;
  }
  const coreA = ta.filter((t) => t !== "null");
  const coreB = tb.filter((t) => t !== "null");
  let comparable = true;
  if (canonical(coreA) !== canonical(coreB)) {
    // TypeScript sees integer and number alike (number): no code changes.
    const ts = (types: string[]) => canonical([...new Set(types.map((t) => (t === "integer" ? "number" : t)))].sort());
    const added = coreB.filter((t) => !coreA.includes(t));
    const removed = coreA.filter((t) => !coreB.includes(t));
    const text = `type ${typeText(coreA)} -> ${typeText(coreB)}`;
    if (ts(coreA) === ts(coreB)) emit("number-kind-changed", `${text} (the same type in TypeScript)`);
    else if (added.length && removed.length) {
      emit(req ? "request-type-changed" : "response-type-changed", text, { detail: typeText(coreB) });
      const structural = (types: string[]) => types.filter((t) => t === "object" || t === "array").join();
      comparable = structural(coreA) === structural(coreB);
    } else if (added.length) emit(req ? "request-type-widened" : "response-type-widened", text, { detail: typeText(added) });
    else emit(req ? "request-type-changed" : "response-type-narrowed", text, { detail: typeText(coreB) });
  }
  const nullA = ta.includes("null");
  const nullB = tb.includes("null");
  if (!nullA && nullB) emit(req ? "request-null-added" : "response-null-added", "may now be null");
  if (nullA && !nullB) emit(req ? "request-null-removed" : "response-null-removed", "no longer null");
  return comparable;
}

function diffEnum(a: JsonObject, b: JsonObject, emit: Emit, req: boolean): void {
  const ea = Array.isArray(a.enum) ? a.enum : undefined;
  const eb = Array.isArray(b.enum) ? b.enum : undefined;
  if (canonical(ea) === canonical(eb)) return;
  if (ea && eb) {
    const has = (values: Json[], v: Json) => values.some((x) => canonical(x) === canonical(v));
    const added = eb.filter((v) => !has(ea, v));
    const removed = ea.filter((v) => !has(eb, v));
    if (added.length) emit(req ? "request-enum-value-added" : "response-enum-value-added", `enum value${added.length > 1 ? "s" : ""} ${list(added)} added`, { detail: list(added) });
    if (removed.length) emit(req ? "request-enum-value-removed" : "response-enum-value-removed", `enum value${removed.length > 1 ? "s" : ""} ${list(removed)} removed`, { detail: list(removed) });
  } else if (eb) emit(req ? "request-enum-added" : "response-enum-added", `now one of ${list(eb)}`, { detail: `one of ${list(eb)}` });
  else emit(req ? "request-enum-removed" : "response-enum-removed", `no longer limited to ${list(ea!)}`);
}

function diffConstraints(a: JsonObject, b: JsonObject, emit: Emit, req: boolean): void {
  const keys = [...CONSTRAINTS_LOWER, ...CONSTRAINTS_UPPER, "pattern", "uniqueItems", "multipleOf"];
  for (const key of keys) {
    const was = a[key];
    const now = b[key];
    if (canonical(was) === canonical(now)) continue;
    const text = `${key} ${was === undefined ? "none" : JSON.stringify(was)} -> ${now === undefined ? "none" : JSON.stringify(now)}`;
    if (!req) {
      emit("response-constraint-changed", text);
      continue;
    }
    let tighter: boolean;
    if (now === undefined || now === false) tighter = false;
    else if (was === undefined || was === false) tighter = true;
    else if (typeof was === "number" && typeof now === "number" && CONSTRAINTS_LOWER.includes(key)) tighter = now > was;
    else if (typeof was === "number" && typeof now === "number" && CONSTRAINTS_UPPER.includes(key)) tighter = now < was;
    else tighter = true; // a new pattern or multipleOf: values valid before may not be now
    const detail = `${key} ${JSON.stringify(now)}`;
    emit(tighter ? "request-constraint-tightened" : "request-constraint-loosened", text, { detail });
  }
}

function diffProperties(
  a: JsonObject,
  b: JsonObject,
  ctx: DiffContext,
  site: Site,
  field: string,
  out: Change[],
  seen: Set<string>,
  emit: Emit,
  req: boolean,
): void {
  const pa = isObject(a.properties) ? a.properties : dict();
  const pb = isObject(b.properties) ? b.properties : dict();
  const ra = new Set(Array.isArray(a.required) ? a.required.map(textOf) : []);
  const rb = new Set(Array.isArray(b.required) ? b.required.map(textOf) : []);
  const sub = (name: string) => (field === "" ? name : `${field}.${name}`);
  const removed = Object.keys(pa).filter((k) => !Object.hasOwn(pb, k));
  const added = Object.keys(pb).filter((k) => !Object.hasOwn(pa, k));
  // A removed and an added field of the same schema (and the same required-ness) in one object: most likely a
  // rename. Said as one breaking change with a question mark, only when the pairing is unambiguous.
  const matches = (r: string, x: string) => sameNode(pa[r]!, pb[x]!, ctx) && ra.has(r) === rb.has(x);
  const renamedTo = new Map<string, string>();
  for (const r of removed) {
    const candidates = added.filter((x) => matches(r, x));
    if (candidates.length === 1 && removed.filter((other) => matches(other, candidates[0]!)).length === 1) renamedTo.set(r, candidates[0]!);
  }
  const renamedNew = new Set(renamedTo.values());
  for (const r of removed) {
    const to = renamedTo.get(r);
    const at = `\`${sub(r)}\``;
    if (to) {
      out.push(makeChange(req ? "request-field-renamed" : "response-field-renamed", site.where, `field ${at} renamed to \`${sub(to)}\`?`, { subject: at, detail: `\`${sub(to)}\`` }, sub(r)));
    } else {
      out.push(makeChange(req ? "request-field-removed" : "response-field-removed", site.where, `field ${at} removed`, { subject: at }, sub(r)));
    }
  }
  for (const x of added) {
    if (renamedNew.has(x)) continue;
    const at = `\`${sub(x)}\``;
    const required = rb.has(x);
    const rule = req ? (required ? "request-field-added-required" : "request-field-added") : "response-field-added";
    out.push(makeChange(rule, site.where, `field ${at} added${required ? " (required)" : " (optional)"}`, { subject: at }, sub(x)));
  }
  for (const name of Object.keys(pb)) {
    if (!Object.hasOwn(pa, name)) continue;
    const at = `\`${sub(name)}\``;
    if (ra.has(name) && !rb.has(name)) {
      out.push(makeChange(req ? "request-field-now-optional" : "response-field-now-optional", site.where, `field ${at} no longer required`, { subject: at }, sub(name)));
    } else if (!ra.has(name) && rb.has(name)) {
      out.push(makeChange(req ? "request-field-now-required" : "response-field-now-required", site.where, `field ${at} now required`, { subject: at }, sub(name)));
    }
    diffSchema(pa[name]!, pb[name]!, ctx, site, sub(name), out, seen);
  }
  void emit;
}

function diffNested(
  a: Json | undefined,
  b: Json | undefined,
  key: string,
  field: string,
  ctx: DiffContext,
  site: Site,
  out: Change[],
  seen: Set<string>,
  emit: Emit,
): void {
  if (canonical(a) === canonical(b)) return;
  if (isObject(a) && isObject(b)) return diffSchema(a, b, ctx, site, field, out, seen);
  // Only one side has a schema here, or one is true/false: say so as it is.
  emit("schema-changed", `${key} ${a === undefined ? "none" : canonical(a)} -> ${b === undefined ? "none" : canonical(b)}`);
}

/** The names of a variant's fields, to pair the variants of two oneOf lists. */
function variantLabel(node: Json, model: SpecModel): string {
  const resolved = isObject(node) && typeof node.$ref === "string" ? componentNode(model, node.$ref) : node;
  const schema = asSchema(resolved);
  if (isObject(node) && typeof node.$ref === "string") return node.$ref.replace(/^#\/components\/schemas\//, "");
  if (isObject(schema.properties)) return `{${Object.keys(schema.properties).sort().join(", ")}}`;
  return Array.isArray(schema.type) ? schema.type.join(" | ") : canonical(schema);
}

function diffVariants(
  a: Json | undefined,
  b: Json | undefined,
  key: string,
  ctx: DiffContext,
  site: Site,
  field: string,
  out: Change[],
  seen: Set<string>,
  emit: Emit,
  req: boolean,
): void {
  if (canonical(a) === canonical(b)) return;
  const va = Array.isArray(a) ? [...a] : [];
  const vb = Array.isArray(b) ? [...b] : [];
  const pairs: Array<[Json, Json]> = [];
  // Equal variants first, then variants with the same fields, then what is left in order when counts agree.
  for (const match of [(x: Json, y: Json) => sameNode(x, y, ctx), (x: Json, y: Json) => variantLabel(x, ctx.old) === variantLabel(y, ctx.now)]) {
    for (let i = 0; i < va.length; i++) {
      const j = vb.findIndex((y) => match(va[i]!, y));
      if (j < 0) continue;
      pairs.push([va[i]!, vb[j]!]);
      va.splice(i--, 1);
      vb.splice(j, 1);
    }
  }
  if (va.length === vb.length) while (va.length) pairs.push([va.shift()!, vb.shift()!]);
  for (const [x, y] of pairs) diffSchema(x, y, ctx, site, `${field}<${key} ${variantLabel(y, ctx.now)}>`, out, seen);
  for (const y of vb) {
    const label = variantLabel(y, ctx.now);
    emit(req ? "request-variant-added" : "response-variant-added", `${key} variant ${label} added`, { detail: label });
  }
  for (const x of va) {
    const label = variantLabel(x, ctx.old);
    emit(req ? "request-variant-removed" : "response-variant-removed", `${key} variant ${label} removed`, { detail: label });
  }
}
