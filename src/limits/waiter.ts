import { systemClock, type Clock } from "../clock.ts";
import type { EsiEventEmitter } from "../events.ts";
import { EsiThrottledError } from "./throttled-error.ts";

/** Waits on behalf of one request: reports each wait as a `throttled` event, and gives up past its deadline. */
export type Wait = (ms: number, reason: "error-limit" | "rate-limit", group?: string) => Promise<void>;

/**
 * The longest a request waits for ESI's limits by default, in total, before EsiThrottledError. One minute covers
 * a whole error window (ESI's resets every 60 s) and the usual rate-limit waits, while a Retry-After or a reset
 * hours (or years) away fails at once instead of hanging the app.
 */
export const DEFAULT_MAX_WAIT_MS = 60_000;

export interface WaitOptions {
  events: EsiEventEmitter;
  operationId: string | undefined;
  /** The most this request waits, all waits together, ms. Default DEFAULT_MAX_WAIT_MS; Infinity: no limit. */
  maxWaitMs?: number;
  signal?: AbortSignal | null;
  /** Default: the system clock. */
  clock?: Clock;
}

/**
 * A Wait for one request. A wait that would end past the request's deadline (now + maxWaitMs) throws
 * EsiThrottledError at once, without sleeping and without a `throttled` event; a wait that is not a number
 * (NaN) counts as endless. Waits are slept on the clock, which holds any length without a busy loop.
 */
export function createWait(options: WaitOptions): Wait {
  const clock = options.clock ?? systemClock;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const deadline = clock.now() + maxWaitMs;
  const signal = options.signal ?? undefined;
  return async (ms, reason, group) => {
    const wait = Number.isNaN(ms) ? Infinity : Math.max(0, ms);
    if (!(clock.now() + wait <= deadline)) {
      throw new EsiThrottledError({ operationId: options.operationId, reason, group, waitMs: wait, maxWaitMs });
    }
    options.events.emit("throttled", { operationId: options.operationId, reason, ...(group === undefined ? {} : { group }), waitMs: wait });
    await clock.sleep(wait, signal);
  };
}
