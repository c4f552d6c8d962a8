import { EsiUsageError } from "../errors.ts";
import type { OperationInfo } from "../generation.ts";
import { EXPECTED_COST } from "../limits/token-cost.ts";

/**
 * Pages in flight at once after page 1, by default. At ESI's usual latency (~50 ms) 25 reads 100 pages in five
 * round trips (page 1, then four of 25: ~0.25 s), where 8 needed 14 (~0.7 s).
 */
export const DEFAULT_PAGE_CONCURRENCY = 25;

/** The most pages an X-Pages walk reads by default; more is an EsiPagesLimitError (see there why). */
export const DEFAULT_MAX_PAGES = 10_000;

/**
 * How many pages go at once: the caller's choice, or the default, lowered for a rate-limited group to what its
 * bucket can pay for at once (a 2xx costs 2 tokens: 30 tokens per window allow 15), so a walk never sends requests
 * that could only wait in the limits layer (or meet 429 when the bucket is shared).
 */
export function pageConcurrency(operation: OperationInfo, requested: number | undefined, helper = "iteratePages"): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 1) throw new EsiUsageError(`${helper}: concurrency must be a whole number of 1 or more, got ${String(requested)}`);
    return requested;
  }
  const budget = operation.rateLimit?.maxTokens;
  if (budget === undefined) return DEFAULT_PAGE_CONCURRENCY;
  return Math.max(1, Math.min(DEFAULT_PAGE_CONCURRENCY, Math.floor(budget / EXPECTED_COST)));
}

/** The page limit a caller asked for, checked. */
export function maxPagesOf(requested: number | undefined, helper = "iteratePages"): number {
  if (requested === undefined) return DEFAULT_MAX_PAGES;
  if (!(requested === Infinity || (Number.isInteger(requested) && requested >= 1))) {
    throw new EsiUsageError(`${helper}: maxPages must be a whole number of 1 or more (or Infinity), got ${String(requested)}`);
  }
  return requested;
}

export type PageOutcome<T> = { page: number; value: T } | { page: number; error: unknown };

/**
 * Fetches pages `from`..`to`, at most `concurrency` at a time, and yields each as it completes. A page starts only
 * when another has been handed to the consumer, so whatever X-Pages says, no more than `concurrency` requests (and
 * results) exist at once. Failures are yielded, not thrown: the caller decides; once the consumer stops, nothing
 * more starts (pages in flight finish and are dropped).
 */
export async function* pagesAsTheyFree<T>(from: number, to: number, concurrency: number, fetchPage: (page: number) => Promise<T>): AsyncGenerator<PageOutcome<T>, void, undefined> {
  let next = from;
  let running = 0;
  const done: PageOutcome<T>[] = [];
  let wake: (() => void) | undefined;
  const finish = (outcome: PageOutcome<T>) => {
    running--;
    done.push(outcome);
    wake?.();
  };
  const fill = () => {
    while (running < concurrency && next <= to) {
      const page = next++;
      running++;
      // Settled, never rejected: a page nobody awaits any more must not become an unhandled rejection.
      let started: Promise<T>;
      try {
        started = fetchPage(page);
      } catch (error) {
        started = Promise.reject(error);
      }
      started.then(
        (value) => finish({ page, value }),
        (error: unknown) => finish({ page, error }),
      );
    }
  };
  fill();
  while (done.length > 0 || running > 0) {
    if (done.length === 0) {
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      continue;
    }
    const outcome = done.shift()!;
    fill();
    yield outcome;
  }
}
