import { deref, sampleFromSchema } from "./sample.ts";
import type { SpecOperation } from "./spec-routes.ts";

/** The generated body of an operation without paging: the same for the same seed. */
export function plainBody(spec: unknown, op: SpecOperation, seed: number): unknown {
  return sampleFromSchema(op.responseSchema, seed, { root: spec });
}

/** Page `page` (1-based) of a `page` route: `perPage` items whose ids do not repeat across pages. */
export function pageBody(spec: unknown, op: SpecOperation, seed: number, page: number, perPage: number): unknown {
  const schema = deref(op.responseSchema, spec);
  if (!schema.items) return plainBody(spec, op, seed + page);
  const out: unknown[] = [];
  for (let i = 0; i < perPage; i++) out.push(sampleFromSchema(schema.items, seed + (page - 1) * perPage + i, { root: spec }));
  return out;
}

/** The array property that carries a cursor route's records (e.g. freelance_jobs), next to `cursor`. */
export function cursorListKey(spec: unknown, op: SpecOperation): string | undefined {
  const schema = deref(op.responseSchema, spec);
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  return Object.keys(properties).find((k) => k !== "cursor" && deref(properties[k], spec).type === "array");
}

/**
 * Cursor tokens are opaque to clients (ESI's rule); the fake encodes a position in its record list.
 * Position n means "between record n-1 and record n"; records are ordered oldest first.
 */
export function encodeCursor(position: number): string {
  return Buffer.from(`fake-esi:${position}`).toString("base64url");
}

export function decodeCursor(token: string): number | undefined {
  if (token === "0") return undefined;
  const m = /^fake-esi:(\d+)$/.exec(Buffer.from(token, "base64url").toString());
  return m ? Number(m[1]) : NaN;
}

export interface CursorWindow {
  from: number;
  to: number;
  cursor: { before?: string; after: string };
}

/**
 * Which records a cursor request gets, as ESI's docs describe it: no before/after -> the newest `limit`;
 * before=T -> the `limit` records just before T (before="0": from the end); after=T -> the records just after T
 * (after="0": from the start). Walking back ends with an empty list and no `before`; `after` is always there,
 * so a client can poll it later for new or changed records.
 */
export function cursorWindow(total: number, query: URLSearchParams, limit: number): CursorWindow | { error: string } {
  const before = query.get("before");
  const after = query.get("after");
  if (before !== null && after !== null) return { error: "before and after are mutually exclusive" };
  let from: number;
  let to: number;
  if (after !== null) {
    const position = decodeCursor(after) ?? 0;
    if (Number.isNaN(position) || position > total) return { error: "invalid after cursor" };
    from = position;
    to = Math.min(total, position + limit);
  } else {
    const position = before === null ? total : (decodeCursor(before) ?? total);
    if (Number.isNaN(position) || position > total) return { error: "invalid before cursor" };
    to = position;
    from = Math.max(0, position - limit);
  }
  const cursor: CursorWindow["cursor"] = { after: encodeCursor(to) };
  if (to > from || after !== null) cursor.before = encodeCursor(from);
  if (after === null && to === from) delete cursor.before;
  return { from, to, cursor };
}
