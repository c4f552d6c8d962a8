import { EsiUsageError } from "./errors.ts";

/** The outcome of one bulk item: its value, or its own error (the others are unaffected). */
export type BulkResult<Item, Value> =
  | { ok: true; item: Item; index: number; value: Value }
  | { ok: false; item: Item; index: number; error: unknown };

export interface BulkOptions {
  /** Calls in flight at once. Default 10. */
  concurrency?: number;
  /** Stops starting new calls; the ones not started end as errors with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Many calls at once, EsiPy's multi_request: at most `concurrency` in flight, one result per item in input order,
 * each a success or that item's own error. Never rejects for an item's failure.
 *
 *   const results = await bulk(typeIds, (type_id) => esi.call("GetUniverseTypesTypeId", { type_id }), { concurrency: 20 });
 */
export async function bulk<Item, Value>(
  items: Iterable<Item>,
  call: (item: Item, index: number) => Promise<Value>,
  options: BulkOptions = {},
): Promise<Array<BulkResult<Item, Value>>> {
  const concurrency = options.concurrency ?? 10;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new EsiUsageError(`bulk: concurrency must be a whole number of 1 or more, got ${String(concurrency)}`);
  if (typeof call !== "function") throw new EsiUsageError("bulk: needs a function that makes one call per item");
  // Loaded here, not at start-up: only apps that call bulk() pay for it.
  const { default: pLimit } = await import("p-limit");
  const limit = pLimit(concurrency);
  const { signal } = options;
  return Promise.all(
    Array.from(items, (item, index) =>
      limit(async (): Promise<BulkResult<Item, Value>> => {
        try {
          signal?.throwIfAborted();
          return { ok: true, item, index, value: await call(item, index) };
        } catch (error) {
          return { ok: false, item, index, error };
        }
      }),
    ),
  );
}
