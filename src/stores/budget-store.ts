import type { MaybePromise } from "./types.ts";

/** The answer to a request for tokens: spent (keep the ticket to settle the real cost), or how long until they fit. */
export type TakeResult = { granted: true; ticket: string } | { granted: false; waitMs: number };

/** ESI's error window as reported: errors left and when the window resets (epoch ms). */
export interface ErrorWindow {
  remain: number;
  resetAt: number;
}

/**
 * Where limit budgets live. Every method is one atomic step on shared counters, so a store backed by Redis
 * (a sorted set per bucket, a Lua script per call) lets several processes of one app share ESI's budgets.
 * Times are the store's own clock (epoch ms); methods may answer synchronously (memory) or with a promise.
 *
 * Rate-limit buckets are floating windows: tokens spent come back `windowMs` after they were spent.
 */
export interface BudgetStore {
  /**
   * Spends `cost` tokens from `bucket` when the tokens spent within the last `windowMs` leave room under `limit`;
   * otherwise spends nothing and says how long until the oldest spent tokens come back.
   */
  take(bucket: string, cost: number, limit: number, windowMs: number): MaybePromise<TakeResult>;
  /**
   * Replaces what a ticket spent with what the request really cost (ESI's X-Ratelimit-Used, or the cost of its
   * status: 0 gives the tokens back), timed from now, when ESI had counted it.
   */
  settle(bucket: string, ticket: string, cost: number): MaybePromise<void>;
  /**
   * ESI's own count of a bucket (X-Ratelimit-Remaining). When ESI sees fewer tokens left than the store does
   * (another process, or another app for the same character), the difference is spent, coming back at
   * `releaseAt` (default: a window from now).
   */
  observe(bucket: string, remaining: number, limit: number, windowMs: number, releaseAt?: number): MaybePromise<void>;
  /** The error window ESI last reported for `key`. */
  errorWindow(key: string): MaybePromise<ErrorWindow | undefined>;
  /**
   * Records an error window ESI reported. Reports of one window (reset times within a second, as ESI counts in
   * whole seconds) keep the lowest remain; a report of a later window replaces it; one of an earlier window is
   * ignored. Returns the window as now stored.
   */
  observeErrorWindow(key: string, report: ErrorWindow): MaybePromise<ErrorWindow>;
}
