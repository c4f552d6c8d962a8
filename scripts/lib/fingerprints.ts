import { createHash } from "node:crypto";
import { HTTP_METHODS, isClientFilled, resolveRef, type OperationRow } from "./operation-table.ts";
import type { OpenApiDocument } from "./spec-document.ts";

/** What of an operation an app's code depends on, reduced to comparable strings for the change report. */
export interface OperationFingerprint {
  method: string;
  path: string;
  /** "in:name" -> "required|optional:<schema hash>" */
  parameters: Record<string, string>;
  requestBody: string | null;
  /** status -> schema hash */
  responses: Record<string, string>;
  scopes: string[];
  /**
   * How the client treats the operation, from its table row: "paging", "cache seconds", "rate limit", "roles" ->
   * a printable value. Absent in meta.json files written before it existed, and then not compared.
   */
  behaviour?: Record<string, string>;
}

type Json = Record<string, unknown>;

export function fingerprintOperations(doc: OpenApiDocument, rows: readonly OperationRow[] = []): Record<string, OperationFingerprint> {
  const rowById = new Map(rows.map((r) => [r.operationId, r]));
  const memo = new Map<string, unknown>();
  const expand = (value: unknown, stack: string[] = []): unknown => {
    if (Array.isArray(value)) return value.map((v) => expand(v, stack));
    if (!value || typeof value !== "object") return value;
    const ref = (value as Json).$ref;
    if (typeof ref === "string") {
      if (stack.includes(ref)) return { $cycle: ref };
      if (!memo.has(ref)) memo.set(ref, expand(resolveRef(doc, { $ref: ref }), [...stack, ref]));
      return memo.get(ref);
    }
    const out: Json = {};
    // Descriptions and examples change without changing what an app may send or receive.
    for (const key of Object.keys(value).sort()) {
      if (key === "description" || key === "example" || key === "examples" || key === "title") continue;
      out[key] = expand((value as Json)[key], stack);
    }
    return out;
  };
  const hash = (value: unknown) => createHash("sha1").update(JSON.stringify(expand(value))).digest("hex").slice(0, 12);

  const result: Record<string, OperationFingerprint> = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method] as Json | undefined;
      if (!op || typeof op.operationId !== "string") continue;
      const parameters: Record<string, string> = {};
      for (const raw of [...((item.parameters as unknown[]) ?? []), ...((op.parameters as unknown[]) ?? [])]) {
        const p = resolveRef<Json>(doc, raw);
        if (isClientFilled(p as { name: string; in: string })) continue;
        parameters[`${p.in}:${p.name}`] = `${p.required === true ? "required" : "optional"}:${hash(p.schema ?? null)}`;
      }
      const responses: Record<string, string> = {};
      for (const [status, response] of Object.entries((op.responses as Json) ?? {})) {
        responses[status] = hash((resolveRef<Json>(doc, response).content as Json | undefined) ?? null);
      }
      const scopes = new Set<string>();
      for (const req of (op.security as Array<Record<string, string[]>>) ?? []) {
        for (const list of Object.values(req)) for (const s of list ?? []) scopes.add(s);
      }
      result[op.operationId] = {
        method,
        path,
        parameters,
        requestBody: op.requestBody ? hash(resolveRef<Json>(doc, op.requestBody).content ?? null) : null,
        responses,
        scopes: [...scopes].sort(),
        ...(rowById.has(op.operationId) ? { behaviour: behaviourOf(rowById.get(op.operationId)!) } : {}),
      };
    }
  }
  return result;
}

function behaviourOf(row: OperationRow): Record<string, string> {
  const limit = row.rateLimit;
  return {
    paging: row.paging ?? "none",
    "cache seconds": row.cacheSeconds === null ? "none" : String(row.cacheSeconds),
    "rate limit": limit ? `${limit.group} ${limit.maxTokens} per ${limit.windowSeconds} s` : "none",
    roles: row.roles.length ? row.roles.join(", ") : "none",
  };
}
