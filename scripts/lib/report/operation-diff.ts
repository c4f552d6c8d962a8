/**
 * What changed in one operation alone: its parameters, request body, responses, who may call it and how esikit
 * treats it (paging, rate-limit group, cache). Parts that are the same shared component on both sides are skipped:
 * the component's changes are said once, at the component. Parameter, response and request-body components are
 * compared here too (the same functions), with the component as the place.
 */
import { CLIENT_FILLED_HEADERS } from "../operation-table.ts";
import type { Change } from "./model.ts";
import { canonical, isObject, textOf, type Json, type JsonObject } from "./normalise.ts";
import { makeChange } from "./rules.ts";
import { diffSchema, sameNode, type DiffContext } from "./schema-diff.ts";
import { componentNode, type ModelOperation, type SpecModel } from "./spec-model.ts";

const clientFilled = new Set(CLIENT_FILLED_HEADERS.map((h) => h.toLowerCase()));

function resolved(node: Json | null | undefined, model: SpecModel): JsonObject | undefined {
  if (isObject(node) && typeof node.$ref === "string") {
    const target = componentNode(model, node.$ref);
    return isObject(target) ? target : undefined;
  }
  return isObject(node) ? node : undefined;
}

/** "query parameter `page`" from "query:page". */
export function parameterLabel(key: string): string {
  const colon = key.indexOf(":");
  return `${key.slice(0, colon)} parameter \`${key.slice(colon + 1)}\``;
}

export function diffOperation(a: ModelOperation, b: ModelOperation, ctx: DiffContext): Change[] {
  const out: Change[] = [];
  diffParameters(a.parameters, b.parameters, ctx, out);
  diffRequestBody(a.requestBody, b.requestBody, ctx, "request body", out);
  diffResponses(a.responses, b.responses, ctx, out);
  diffSecurity(a, b, out);
  diffBehaviour(a, b, out);
  if (!a.deprecated && b.deprecated) out.push(makeChange("operation-deprecated", "operation", "deprecated"));
  return out;
}

function diffParameters(a: Map<string, Json>, b: Map<string, Json>, ctx: DiffContext, out: Change[]): void {
  const removed = [...a.keys()].filter((k) => !b.has(k));
  const added = [...b.keys()].filter((k) => !a.has(k));
  const whereOf = (k: string) => k.slice(0, k.indexOf(":"));
  // A parameter removed and one added in the same place with the same schema: a rename (path parameters above all).
  const schemaOf = (node: Json | undefined, model: SpecModel) => canonical(resolved(node, model)?.schema ?? null);
  const renamedTo = new Map<string, string>();
  for (const r of removed) {
    const candidates = added.filter((x) => whereOf(x) === whereOf(r) && schemaOf(a.get(r), ctx.old) === schemaOf(b.get(x), ctx.now));
    const back = (x: string) => removed.filter((o) => whereOf(o) === whereOf(x) && schemaOf(a.get(o), ctx.old) === schemaOf(b.get(x), ctx.now));
    if (candidates.length === 1 && back(candidates[0]!).length === 1) renamedTo.set(r, candidates[0]!);
  }
  for (const r of removed.sort()) {
    const to = renamedTo.get(r);
    const label = parameterLabel(r);
    if (to) out.push(makeChange("parameter-renamed", label, `renamed to \`${to.slice(to.indexOf(":") + 1)}\``, { subject: `\`${r.slice(r.indexOf(":") + 1)}\``, detail: `\`${to.slice(to.indexOf(":") + 1)}\`` }));
    else out.push(makeChange("parameter-removed", label, "removed", { subject: `\`${r.slice(r.indexOf(":") + 1)}\`` }));
  }
  const renamedNew = new Set(renamedTo.values());
  for (const x of added.sort()) {
    if (renamedNew.has(x)) continue;
    const param = resolved(b.get(x), ctx.now);
    const required = param?.required === true && !isClientFilledKey(x);
    out.push(makeChange(required ? "parameter-added-required" : "parameter-added", parameterLabel(x), required ? "added (required)" : "added (optional)", { subject: `\`${x.slice(x.indexOf(":") + 1)}\`` }));
  }
  for (const key of [...b.keys()].sort()) {
    if (!a.has(key)) continue;
    diffParameter(a.get(key)!, b.get(key)!, ctx, parameterLabel(key), isClientFilledKey(key), out);
  }
}

function isClientFilledKey(key: string): boolean {
  return key.startsWith("header:") && clientFilled.has(key.slice("header:".length));
}

/** One parameter (inline or a component) against its other version. */
export function diffParameter(a: Json, b: Json, ctx: DiffContext, where: string, filledByClient: boolean, out: Change[]): void {
  if (sameNode(a, b, ctx)) return;
  const pa = resolved(a, ctx.old);
  const pb = resolved(b, ctx.now);
  if (!pa || !pb) return;
  const name = `\`${textOf(pb.name ?? "")}\``;
  if (pa.required !== true && pb.required === true && !filledByClient) out.push(makeChange("parameter-now-required", where, "now required", { subject: name }));
  else if (pa.required !== pb.required && pb.required !== true) out.push(makeChange("parameter-now-optional", where, "now optional"));
  if (pa.style !== pb.style || pa.explode !== pb.explode) {
    out.push(makeChange("parameter-wire-changed", where, `sent as style ${textOf(pb.style)}, explode ${textOf(pb.explode)} (was ${textOf(pa.style)}, explode ${textOf(pa.explode)})`));
  }
  if (pa.deprecated !== true && pb.deprecated === true) out.push(makeChange("field-deprecated", where, "deprecated"));
  diffSchema(pa.schema ?? null, pb.schema ?? null, ctx, { direction: "request", where, root: name }, "", out);
}

/** A request body (inline or a component) against its other version; null means none. */
export function diffRequestBody(a: Json | null, b: Json | null, ctx: DiffContext, where: string, out: Change[]): void {
  if (a === null && b === null) return;
  if (a !== null && b !== null && sameNode(a, b, ctx)) return;
  const ba = a === null ? undefined : resolved(a, ctx.old);
  const bb = b === null ? undefined : resolved(b, ctx.now);
  if (!ba && !bb) return;
  if (!ba) {
    out.push(makeChange(bb!.required === true ? "request-body-added-required" : "request-body-added", where, bb!.required === true ? "added (required)" : "added (optional)"));
    return;
  }
  if (!bb) {
    out.push(makeChange("request-body-removed", where, "removed"));
    return;
  }
  if (ba.required !== true && bb.required === true) out.push(makeChange("request-body-now-required", where, "now required"));
  if (ba.required === true && bb.required !== true) out.push(makeChange("request-body-now-optional", where, "now optional"));
  diffContent(ba.content, bb.content, ctx, where, "request", out);
}

function diffContent(a: Json | undefined, b: Json | undefined, ctx: DiffContext, where: string, direction: "request" | "response", out: Change[]): void {
  const ca = isObject(a) ? a : {};
  const cb = isObject(b) ? b : {};
  const removed = Object.keys(ca).filter((m) => !Object.hasOwn(cb, m));
  const added = Object.keys(cb).filter((m) => !Object.hasOwn(ca, m));
  for (const m of removed) out.push(makeChange(`${direction}-media-type-removed`, where, `media type ${m} removed`, { detail: Object.keys(cb).join(" or ") || "nothing" }));
  for (const m of added) out.push(makeChange(`${direction}-media-type-added`, where, `media type ${m} added`));
  for (const m of Object.keys(cb)) {
    if (!Object.hasOwn(ca, m)) continue;
    const sa = isObject(ca[m]) ? (ca[m] as JsonObject).schema : undefined;
    const sb = isObject(cb[m]) ? (cb[m] as JsonObject).schema : undefined;
    // One media type is the norm (application/json): only name it when there are several.
    const at = Object.keys(cb).length > 1 ? `${where} (${m})` : where;
    diffSchema(sa ?? null, sb ?? null, ctx, { direction, where: at }, "", out);
  }
}

const isSuccess = (status: string) => /^2/.test(status);

function diffResponses(a: Map<string, Json>, b: Map<string, Json>, ctx: DiffContext, out: Change[]): void {
  for (const status of [...a.keys()].sort()) {
    if (b.has(status)) continue;
    out.push(makeChange(isSuccess(status) ? "response-success-status-removed" : "response-status-removed", `response ${status}`, "removed", { detail: status }));
  }
  for (const status of [...b.keys()].sort()) {
    if (!a.has(status)) out.push(makeChange("response-status-added", `response ${status}`, "added"));
    else diffResponse(a.get(status)!, b.get(status)!, ctx, `response ${status}`, status, out);
  }
}

/** A response (inline or a component) against its other version. */
export function diffResponse(a: Json, b: Json, ctx: DiffContext, where: string, status: string, out: Change[]): void {
  if (sameNode(a, b, ctx)) return;
  const ra = resolved(a, ctx.old);
  const rb = resolved(b, ctx.now);
  if (!ra || !rb) return;
  const hasBody = (r: JsonObject) => isObject(r.content) && Object.keys(r.content).length > 0;
  if (hasBody(ra) && !hasBody(rb)) out.push(makeChange("response-body-removed", where, "body removed", { detail: status }));
  else if (!hasBody(ra) && hasBody(rb)) out.push(makeChange("response-body-added", where, "body added"));
  else diffContent(ra.content, rb.content, ctx, where, "response", out);
  const ha = isObject(ra.headers) ? ra.headers : {};
  const hb = isObject(rb.headers) ? rb.headers : {};
  for (const h of Object.keys(ha).sort()) if (!Object.hasOwn(hb, h)) out.push(makeChange("response-header-removed", where, `header ${h} removed`));
  for (const h of Object.keys(hb).sort()) {
    if (!Object.hasOwn(ha, h)) out.push(makeChange("response-header-added", where, `header ${h} added`));
    else diffHeader(ha[h]!, hb[h]!, ctx, `${where} header ${h}`, out);
  }
}

export function diffHeader(a: Json, b: Json, ctx: DiffContext, where: string, out: Change[]): void {
  if (sameNode(a, b, ctx)) return;
  const ha = resolved(a, ctx.old);
  const hb = resolved(b, ctx.now);
  if (ha && hb) diffSchema(ha.schema ?? null, hb.schema ?? null, ctx, { direction: "response", where }, "", out);
}

function diffSecurity(a: ModelOperation, b: ModelOperation, out: Change[]): void {
  if (a.scopes === null && b.scopes !== null && !b.authOptional) {
    out.push(makeChange("auth-added", "security", `now needs a token${b.scopes.length ? ` with ${b.scopes.join(", ")}` : ""}`));
    for (const s of b.scopes) out.push(makeChange("scope-added", "security", `scope ${s} required`, { detail: s }));
    return;
  }
  if (a.scopes !== null && b.scopes === null) {
    out.push(makeChange("auth-removed", "security", "no longer needs a token"));
    return;
  }
  const before = new Set(a.scopes ?? []);
  const after = new Set(b.scopes ?? []);
  for (const s of after) if (!before.has(s)) out.push(makeChange("scope-added", "security", `scope ${s} required`, { detail: s }));
  for (const s of before) if (!after.has(s)) out.push(makeChange("scope-removed", "security", `scope ${s} no longer required`));
}

function diffBehaviour(a: ModelOperation, b: ModelOperation, out: Change[]): void {
  const x = a.behaviour;
  const y = b.behaviour;
  if (x.paging !== y.paging) out.push(makeChange("paging-changed", "paging", `${x.paging} -> ${y.paging}`, { before: x.paging, detail: y.paging }));
  if (x.rateLimitGroup !== y.rateLimitGroup) {
    out.push(makeChange("rate-limit-group-changed", "rate limit", `group ${x.rateLimitGroup} -> ${y.rateLimitGroup}`, { before: x.rateLimitGroup, detail: y.rateLimitGroup }));
  } else if (x.rateLimitBudget !== y.rateLimitBudget) {
    out.push(makeChange("rate-limit-budget-changed", "rate limit", `${x.rateLimitBudget} -> ${y.rateLimitBudget}`));
  }
  if (x.cacheSeconds !== y.cacheSeconds) out.push(makeChange("cache-seconds-changed", "cache", `seconds ${x.cacheSeconds} -> ${y.cacheSeconds}`));
  const rolesAdded = y.roles.filter((r) => !x.roles.includes(r));
  const rolesRemoved = x.roles.filter((r) => !y.roles.includes(r));
  // x-required-roles lists roles of which the character needs one: more choices only help, fewer may lock out.
  if (x.roles.length === 0 && y.roles.length > 0) {
    out.push(makeChange("roles-added", "roles", `now needs role ${y.roles.join(" or ")}`, { detail: y.roles.join(" or ") }));
  } else if (y.roles.length > 0 && rolesRemoved.length) {
    out.push(makeChange("roles-added", "roles", `role ${rolesRemoved.join(", ")} no longer enough (now ${y.roles.join(" or ")})`, { detail: y.roles.join(" or ") }));
  } else if (rolesAdded.length || rolesRemoved.length) {
    out.push(makeChange("roles-relaxed", "roles", `roles ${x.roles.join(" or ") || "none"} -> ${y.roles.join(" or ") || "none"}`));
  }
  if (x.compatibilityDate !== y.compatibilityDate && y.compatibilityDate) {
    out.push(makeChange("operation-compatibility-date-changed", "compatibility date", `revised ${y.compatibilityDate} (was ${x.compatibilityDate || "none"})`));
  }
}
