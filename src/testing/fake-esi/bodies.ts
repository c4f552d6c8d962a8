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
 * Cursor tokens are opaque to clients (ESI's rule); the fake's encode a change sequence number: each record
 * has the sequence of its last change, and the route lists records in that order, oldest first.
 */
export function encodeCursor(sequence: number): string {
  return Buffer.from(`fake-esi:${sequence}`).toString("base64url");
}

/** The sequence in a token; undefined for "0" (ESI's "from the start/end"), NaN for a token the fake never gave. */
export function decodeCursor(token: string): number | undefined {
  if (token === "0") return undefined;
  const m = /^fake-esi:(\d+)$/.exec(Buffer.from(token, "base64url").toString());
  return m ? Number(m[1]) : NaN;
}

export interface CursorWindow {
  /** Indexes into the records, [from, to). */
  from: number;
  to: number;
  cursor: { before?: string; after: string };
}

/**
 * Which records a cursor request gets, as ESI's docs describe it: no before/after -> the newest `limit`;
 * before=T -> the `limit` records just before T (before="0": from the newest); after=T -> the records changed
 * after T, oldest first (after="0": from the start). Walking back ends with an empty list and no `before`;
 * `after` is always there, so a client can poll it later for new or changed records.
 * `sequences` are the records' change sequences, ascending.
 */
export function cursorWindow(sequences: readonly number[], query: URLSearchParams, limit: number): CursorWindow | { error: string } {
  const before = query.get("before");
  const after = query.get("after");
  if (before !== null && after !== null) return { error: "before and after are mutually exclusive" };
  const countBelow = (bound: number) => sequences.filter((s) => s < bound).length;
  const last = sequences[sequences.length - 1] ?? 0;
  if (after !== null) {
    const since = decodeCursor(after) ?? 0;
    if (Number.isNaN(since)) return { error: "invalid after cursor" };
    const from = countBelow(since + 1);
    const to = Math.min(sequences.length, from + limit);
    const newest = to > from ? sequences[to - 1]! : since;
    return { from, to, cursor: { before: encodeCursor(to > from ? sequences[from]! : since + 1), after: encodeCursor(newest) } };
  }
  const until = before === null ? undefined : decodeCursor(before);
  if (Number.isNaN(until)) return { error: "invalid before cursor" };
  const to = until === undefined ? sequences.length : countBelow(until);
  const from = Math.max(0, to - limit);
  if (to === from) return { from, to, cursor: { after: encodeCursor(last) } };
  return { from, to, cursor: { before: encodeCursor(sequences[from]!), after: encodeCursor(sequences[to - 1]!) } };
}
