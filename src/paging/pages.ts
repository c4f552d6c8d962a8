import type { AnyEsiClient, EsiClient } from "../client.ts";
import type { Generation, OperationInfo } from "../generation.ts";
import { EsiError, EsiUsageError } from "../errors.ts";
import { parseXPages } from "../headers/pages-header.ts";
import { callOnce, pagedOperation } from "./call-page.ts";
import { EsiPageError } from "./page-error.ts";
import { maxPagesOf, pageConcurrency, pagesAsTheyFree } from "./page-schedule.ts";
import { EsiPagesLimitError } from "./pages-limit-error.ts";
import type { ItemOf, PagedOperationId, ParamsWithout } from "./types.ts";

export interface PagesOptions {
  /**
   * Pages fetched at once after the first. Default 25 (DEFAULT_PAGE_CONCURRENCY), lowered for a rate-limited
   * group to what its bucket pays for at once (half its tokens: a page costs 2).
   */
  concurrency?: number;
  /**
   * The most pages to read. An X-Pages above it fails with EsiPagesLimitError before page 2 is asked for.
   * Default 10,000 (DEFAULT_MAX_PAGES); Infinity lifts it (pages are still started only as others finish).
   */
  maxPages?: number;
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
 * an EsiPageError naming it; breaking out of the loop stops fetching the rest. A page starts only as another
 * finishes, so X-Pages costs nothing up front; above `maxPages` it is an EsiPagesLimitError (page 1 not yielded).
 */
export async function* iteratePages<G extends Generation, Id extends PagedOperationId<G>>(
  esi: EsiClient<G>,
  operationId: Id,
  ...[params, options]: {} extends ParamsWithout<G, Id, "page"> ? [params?: ParamsWithout<G, Id, "page">, options?: PagesOptions] : [params: ParamsWithout<G, Id, "page">, options?: PagesOptions]
): AsyncGenerator<Page<ItemOf<Id, G>>, void, undefined> {
  const operation = pagedOperation(esi, operationId, "page", "iteratePages");
  const concurrency = pageConcurrency(operation, options?.concurrency);
  const maxPages = maxPagesOf(options?.maxPages);
  const base = { ...(params as Record<string, unknown> | undefined) };

  const first = await fetchPage<ItemOf<Id, G>>(esi, operation, base, 1, undefined);
  const pages = parseXPages(first.response.headers.get("X-Pages")) ?? 1;
  if (pages > maxPages) throw new EsiPagesLimitError({ operationId: operation.operationId, pages, maxPages });
  yield { page: 1, pages, items: first.items };
  if (pages < 2) return;

  for await (const done of pagesAsTheyFree(2, pages, concurrency, (page) => fetchPage<ItemOf<Id, G>>(esi, operation, base, page, pages))) {
    if ("error" in done) throw done.error;
    yield { page: done.page, pages, items: done.value.items };
  }
}

/** Every item of an X-Pages operation, in page order: page 1, then pages 2..N fetched concurrently. */
export async function fetchAllPages<G extends Generation, Id extends PagedOperationId<G>>(
  esi: EsiClient<G>,
  operationId: Id,
  ...rest: {} extends ParamsWithout<G, Id, "page"> ? [params?: ParamsWithout<G, Id, "page">, options?: PagesOptions] : [params: ParamsWithout<G, Id, "page">, options?: PagesOptions]
): Promise<ItemOf<Id, G>[]> {
  const byPage: ItemOf<Id, G>[][] = [];
  for await (const page of iteratePages(esi, operationId, ...rest)) byPage[page.page - 1] = page.items;
  return byPage.flat();
}

async function fetchPage<Item>(esi: AnyEsiClient, operation: OperationInfo, base: Record<string, unknown>, page: number, pages: number | undefined) {
  try {
    const { data, response } = await callOnce(esi, operation, page === 1 ? base : { ...base, page });
    if (!Array.isArray(data)) throw new EsiUsageError(`${operation.operationId} page ${page} is not a list`);
    return { items: data as Item[], response };
  } catch (error) {
    if (error instanceof EsiError && !(error instanceof EsiPageError)) throw new EsiPageError(error, page, pages);
    throw error;
  }
}
