import pLimit from "p-limit";
import type { EsiClient } from "../client.ts";
import { EsiError, EsiUsageError } from "../errors.ts";
import { parseXPages } from "../headers/pages-header.ts";
import type { OperationInfo } from "../operations.ts";
import { callOnce, pagedOperation } from "./call-page.ts";
import { EsiPageError } from "./page-error.ts";
import type { ItemOf, PagedOperationId, ParamsWithout } from "./types.ts";

export interface PagesOptions {
  /** Pages fetched at once after the first. Default 8. */
  concurrency?: number;
}

/** One page of an X-Pages operation. */
export interface Page<Item> {
  page: number;
  /** X-Pages of the first page: how many pages there are. */
  pages: number;
  items: Item[];
}

/**
 * Every page of an X-Pages operation, as each arrives: page 1 first (it says how many there are), then pages
 * 2..N fetched `concurrency` at a time, yielded in the order they complete. A page that fails ends the walk with
 * an EsiPageError naming it; breaking out of the loop stops fetching the rest.
 */
export async function* iteratePages<Id extends PagedOperationId>(
  esi: EsiClient,
  operationId: Id,
  ...[params, options]: {} extends ParamsWithout<Id, "page"> ? [params?: ParamsWithout<Id, "page">, options?: PagesOptions] : [params: ParamsWithout<Id, "page">, options?: PagesOptions]
): AsyncGenerator<Page<ItemOf<Id>>, void, undefined> {
  const operation = pagedOperation(operationId, "page", "iteratePages");
  const concurrency = options?.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new EsiUsageError(`iteratePages: concurrency must be a whole number of 1 or more, got ${String(concurrency)}`);
  const base = { ...(params as Record<string, unknown> | undefined) };

  const first = await fetchPage<ItemOf<Id>>(esi, operation, base, 1, undefined);
  const pages = parseXPages(first.response.headers.get("X-Pages")) ?? 1;
  yield { page: 1, pages, items: first.items };
  if (pages < 2) return;

  const limit = pLimit(concurrency);
  type Settled = { page: number; items: ItemOf<Id>[] } | { page: number; error: unknown };
  const running = new Map<number, Promise<Settled>>();
  for (let page = 2; page <= pages; page++) {
    // Settled, never rejected: a page nobody awaits any more must not become an unhandled rejection.
    const task = limit(() => fetchPage<ItemOf<Id>>(esi, operation, base, page, pages)).then(
      ({ items }): Settled => ({ page, items }),
      (error: unknown): Settled => ({ page, error }),
    );
    running.set(page, task);
  }
  try {
    while (running.size > 0) {
      const done = await Promise.race(running.values());
      running.delete(done.page);
      if ("error" in done) throw done.error;
      yield { page: done.page, pages, items: done.items };
    }
  } finally {
    limit.clearQueue();
  }
}

/** Every item of an X-Pages operation, in page order: page 1, then pages 2..N fetched concurrently. */
export async function fetchAllPages<Id extends PagedOperationId>(
  esi: EsiClient,
  operationId: Id,
  ...rest: {} extends ParamsWithout<Id, "page"> ? [params?: ParamsWithout<Id, "page">, options?: PagesOptions] : [params: ParamsWithout<Id, "page">, options?: PagesOptions]
): Promise<ItemOf<Id>[]> {
  const byPage: ItemOf<Id>[][] = [];
  for await (const page of iteratePages(esi, operationId, ...rest)) byPage[page.page - 1] = page.items;
  return byPage.flat();
}

async function fetchPage<Item>(esi: EsiClient, operation: OperationInfo, base: Record<string, unknown>, page: number, pages: number | undefined) {
  try {
    const { data, response } = await callOnce(esi, operation, page === 1 ? base : { ...base, page });
    if (!Array.isArray(data)) throw new EsiUsageError(`${operation.operationId} page ${page} is not a list`);
    return { items: data as Item[], response };
  } catch (error) {
    if (error instanceof EsiError && !(error instanceof EsiPageError)) throw new EsiPageError(error, page, pages);
    throw error;
  }
}
