import type { AnyEsiClient, EsiClient } from "../client.ts";
import type { Generation, OperationInfo } from "../generation.ts";
import { EsiUsageError } from "../errors.ts";
import { callOnce, pagedOperation } from "./call-page.ts";
import type { FromIdOperationId, ItemOf, ParamsWithout } from "./types.ts";

export interface FromIdOptions {
  /** The field holding each record's id. Default "transaction_id" (ESI's from_id routes are wallet transactions). */
  idField?: string;
}

type FromIdParams<G extends Generation, Id extends FromIdOperationId<G>> = ParamsWithout<G, Id, "from_id">;

/**
 * Walks a from_id route back in time: the newest records first, then from_id = the smallest id seen, until a page
 * brings no record not seen before (an empty page, or one repeating the from_id record). Yields each page's new records.
 */
export async function* iterateFromId<G extends Generation, Id extends FromIdOperationId<G>>(
  esi: EsiClient<G>,
  operationId: Id,
  ...[params, options]: {} extends FromIdParams<G, Id> ? [params?: FromIdParams<G, Id>, options?: FromIdOptions] : [params: FromIdParams<G, Id>, options?: FromIdOptions]
): AsyncGenerator<ItemOf<Id, G>[], void, undefined> {
  const operation = pagedOperation(esi, operationId, "from_id", "iterateFromId");
  const idField = options?.idField ?? "transaction_id";
  const base = { ...(params as Record<string, unknown> | undefined) };
  const seen = new Set<number>();
  let fromId: number | undefined;
  for (;;) {
    const { data } = await callOnce(esi, operation, fromId === undefined ? base : { ...base, from_id: fromId });
    if (!Array.isArray(data)) throw new EsiUsageError(`${operation.operationId} answered with something that is not a list`);
    const fresh = (data as ItemOf<Id, G>[]).filter((record) => {
      const id = (record as Record<string, unknown>)[idField];
      if (typeof id !== "number") throw new EsiUsageError(`${operation.operationId}: a record has no numeric ${idField} (set idField)`);
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    if (fresh.length === 0) return;
    yield fresh;
    const smallest = Math.min(...fresh.map((record) => (record as Record<string, number>)[idField]!));
    if (fromId !== undefined && smallest >= fromId) return; // not going back in time: stop rather than loop
    fromId = smallest;
  }
}

/** Every record of a from_id route, newest page first, each id once. */
export async function fetchAllFromId<G extends Generation, Id extends FromIdOperationId<G>>(
  esi: EsiClient<G>,
  operationId: Id,
  ...rest: {} extends FromIdParams<G, Id> ? [params?: FromIdParams<G, Id>, options?: FromIdOptions] : [params: FromIdParams<G, Id>, options?: FromIdOptions]
): Promise<ItemOf<Id, G>[]> {
  const all: ItemOf<Id, G>[] = [];
  for await (const page of iterateFromId(esi, operationId, ...rest)) all.push(...page);
  return all;
}
