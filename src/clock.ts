/**
 * Time as esikit sees it: what time it is, and how to wait. Budgets, stores and waits take a Clock so that tests
 * drive time by hand (esikit/testing's ManualClock) instead of sleeping.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /**
   * Resolves after `ms` (0 or less: at once, on a later tick); rejects with the signal's reason when it aborts.
   * Any length is allowed: waits longer than a timer can hold are made of several timers.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The longest delay setTimeout holds (2^31 - 1 ms, about 24.8 days). A longer one is not an error in Node or
 * browsers: the timer fires after 1 ms, so a loop that sleeps "until a reset years ahead" spins.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** setTimeout as a promise, for any `ms`: chained timers of at most MAX_TIMER_MS, ended early by the signal. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    // NaN sleeps nothing; Infinity sleeps until the signal aborts (one timer per 24.8 days, never a spin).
    let left = ms > 0 ? ms : 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const arm = () => {
      const step = Math.min(left, MAX_TIMER_MS);
      left -= step;
      timer = setTimeout(() => {
        if (left > 0) return arm();
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, step);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    arm();
  });
}

/** The real clock: Date.now and timers. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now(), sleep });
