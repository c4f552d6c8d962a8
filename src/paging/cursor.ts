import type { AnyEsiClient, EsiClient } from "../client.ts";
import type { Generation, OperationInfo } from "../generation.ts";
import { EsiUsageError } from "../errors.ts";
import { callOnce, pagedOperation } from "./call-page.ts";
import type { CursorOperationId, CursorRecordOf, ParamsWithout } from "./types.ts";

/** ESI's cursor pair: `before` walks back in time, `after` forward (and later finds what changed). */
export interface Cursor {
  before?: string;
  after?: string;
}

export interface CursorPage<Record> {
  records: Record[];
  cursor: Cursor;
}

export interface CursorWalkOptions {
  /** "before" walks from the newest records back to the oldest; "after" walks forward to the newest. */
  direction: "before" | "after";
  /** Where to start: a token from an earlier answer. Default: the newest records ("before"), the oldest ("after"). */
  from?: string;
  /** Records per request (ESI: 10..100, default 10). */
  limit?: number;
}

type CursorParams<G extends Generation, Id extends CursorOperationId<G>> = ParamsWithout<G, Id, "before" | "after" | "limit">;
type ParamsArgs<G extends Generation, Id extends CursorOperationId<G>, Options> = {} extends CursorParams<G, Id>
  ? [params?: CursorParams<G, Id>, options?: Options]
  : [params: CursorParams<G, Id>, options?: Options];

/**
 * The pages of a cursor operation in one direction, until ESI has nothing more: an empty page, or no token to go
 * on with (or a token already used, so a misbehaving server cannot loop it forever).
 */
export async function* iterateCursor<G extends Generation, Id extends CursorOperationId<G>>(
  esi: EsiClient<G>,
  operationId: Id,
  params: CursorParams<G, Id> | undefined,
  options: CursorWalkOptions,
): AsyncGenerator<CursorPage<CursorRecordOf<Id, G>>, void, undefined> {
  const operation = pagedOperation(esi, operationId, "cursor", "iterateCursor");
  const { direction } = options;
  if (direction !== "before" && direction !== "after") throw new EsiUsageError(`iterateCursor: direction must be "before" or "after", got ${String(direction)}`);
  const base: Record<string, unknown> = { ...(params as Record<string, unknown> | undefined) };
  if (options.limit !== undefined) base.limit = options.limit;
  // ESI: after="0" starts from the oldest record; no token at all means the newest.
  let token: string | undefined = options.from ?? (direction === "after" ? "0" : undefined);
  const used = new Set<string>();
  for (;;) {
    if (token !== undefined) used.add(token);
    const { data } = await callOnce(esi, operation, token === undefined ? base : { ...base, [direction]: token });
    const page = readCursorPage<CursorRecordOf<Id, G>>(operation.operationId, data);
    yield page;
    const next = page.cursor[direction];
    if (page.records.length === 0 || next === undefined || used.has(next)) return;
    token = next;
  }
}

export interface CursorResult<Record> {
  /** One record per id, its newest version, oldest change first. */
  records: Record[];
  /** The token to ask for changes later (fetchChanges); undefined if ESI sent none. */
  after: string | undefined;
}

/**
 * Backfill: every record of a cursor operation, walking back from the newest to the oldest. Keep `after` and
 * pass it to fetchChanges later to get only what is new or changed since.
 */
export async function fetchAllRecords<G extends Generation, Id extends CursorOperationId<G>>(
  esi: EsiClient<G>,
  operationId: Id,
  ...[params, options]: ParamsArgs<G, Id, { limit?: number }>
): Promise<CursorResult<CursorRecordOf<Id, G>>> {
  const pages: CursorRecordOf<Id, G>[][] = [];
  let after: string | undefined;
  let first = true;
  for await (const page of iterateCursor(esi, operationId, params, { direction: "before", limit: options?.limit })) {
    // The first answer holds the newest records: its `after` is where later changes will appear.
    if (first) after = page.cursor.after;
    first = false;
    pages.unshift(page.records);
  }
  return { records: newestById(pages.flat()), after };
}

/**
 * Poll: the records new or changed since `after` (from fetchAllRecords or an earlier fetchChanges), and the
 * `after` to use next time. ESI lists a changed record again at the newest end, so a record may come more than
 * once: each id is kept once, at its newest version.
 */
export async function fetchChanges<G extends Generation, Id extends CursorOperationId<G>>(
  esi: EsiClient<G>,
  operationId: Id,
  ...[params, options]: ParamsArgs<G, Id, { after: string; limit?: number }>
): Promise<CursorResult<CursorRecordOf<Id, G>> & { after: string }> {
  const start = options?.after;
  if (typeof start !== "string" || start === "") throw new EsiUsageError(`fetchChanges: needs the after token of an earlier walk`);
  const records: CursorRecordOf<Id, G>[] = [];
  let after = start;
  for await (const page of iterateCursor(esi, operationId, params, { direction: "after", from: start, limit: options?.limit })) {
    records.push(...page.records);
    if (page.cursor.after !== undefined) after = page.cursor.after;
  }
  return { records: newestById(records), after };
}

/** Records in the order ESI changed them: each id once, the last (newest) version, at its newest place. */
function newestById<Record>(records: Record[]): Record[] {
  const byId = new Map<unknown, Record>();
  const withoutId: Record[] = [];
  for (const record of records) {
    const id = (record as { id?: unknown } | null)?.id;
    if (id === undefined) {
      withoutId.push(record);
      continue;
    }
    byId.delete(id);
    byId.set(id, record);
  }
  return [...withoutId, ...byId.values()];
}

function readCursorPage<Record>(operationId: string, data: unknown): CursorPage<Record> {
  if (!data || typeof data !== "object") throw new EsiUsageError(`${operationId} answered without a cursor body`);
  const body = data as { cursor?: Cursor } & { [key: string]: unknown };
  const listKey = Object.keys(body).find((key) => key !== "cursor" && Array.isArray(body[key]));
  const records = (listKey ? body[listKey] : []) as Record[];
  const cursor = body.cursor && typeof body.cursor === "object" ? body.cursor : {};
  return { records, cursor: { before: stringOrUndefined(cursor.before), after: stringOrUndefined(cursor.after) } };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
