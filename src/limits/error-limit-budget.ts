import { systemClock, type Clock } from "../clock.ts";
import type { LimitSnapshot } from "../headers/limit-headers.ts";
import type { BudgetStore, ErrorWindow } from "../stores/budget-store.ts";
import type { Wait } from "./waiter.ts";

/** A request let through the error-limit gate; hand it back to `settle` once its answer (or failure) is in. */
export interface ErrorAdmission {
  readonly probe: boolean;
  settled: boolean;
}

/**
 * ESI's error limit (X-ESI-Error-Limit-Remain / -Reset), one budget per client: when the errors left fall to the
 * threshold, new requests are held until the window resets, so ESI never has to answer 420.
 *
 * Errors left are counted pessimistically: the last report, less the errors ESI has counted since that nobody
 * reported yet (the transport's retries of 5xx), less one for every request in flight (each may fail).
 * Once the window should have reset, one request (a probe) goes first to learn whether it really did:
 * ESI's reset counts whole seconds, so a clock can only guess it.
 *
 * At cold start (no window known, here or in a shared store) requests go one at a time, as the rate-limit buckets
 * do, until an answer tells the window: a burst that all fails then cannot spend more than the window allows.
 * An answer without the headers (a proxy, a fake) ends the cold start too; a request that got no answer at all
 * (network error) hands the probe to the next request.
 */
export class ErrorLimitBudget {
  readonly #store: BudgetStore;
  readonly #threshold: number;
  readonly #key: string;
  readonly #clock: Clock;
  #inFlight = 0;
  /** An answer (with or without the headers) came in: the cold start is over. */
  #warm = false;
  #unreportedErrors = 0;
  #probe: Promise<void> | undefined;
  #endProbe: (() => void) | undefined;
  /** The reset time of the last window a probe came back from without news: that window is taken as over. */
  #assumedOver = -Infinity;
  /** Resolves when the next request in flight settles. */
  #nextSettle: Promise<void> | undefined;
  #wakeOnSettle: (() => void) | undefined;

  constructor(store: BudgetStore, options: { threshold: number; key?: string; clock?: Clock }) {
    this.#store = store;
    this.#threshold = options.threshold;
    this.#key = options.key ?? "esi-error-limit";
    this.#clock = options.clock ?? systemClock;
  }

  /** Counts an error ESI has seen that no response reported to us yet (a 5xx the transport is retrying). */
  noteUnreportedError(): void {
    this.#unreportedErrors++;
  }

  /** Waits until a request may be sent without risking the error limit. */
  async admit(wait: Wait): Promise<ErrorAdmission> {
    for (;;) {
      const window = await this.#store.errorWindow(this.#key);
      if (!window) {
        if (this.#warm) return this.#let(false);
        // Cold start: one request at a time until an answer says what the window is.
        if (this.#probe) {
          await this.#probe;
          continue;
        }
        return this.#startProbe();
      }
      if (this.#left(window) > this.#threshold) return this.#let(false);
      if (this.#inFlight > 0 && this.#leftIfNoneInFlight(window) > this.#threshold) {
        // Only the requests in flight could spend what is left: wait for one of them to answer, not for the reset.
        await this.#settleOfAny();
        continue;
      }
      const now = this.#clock.now();
      if (now < window.resetAt) {
        await wait(window.resetAt - now, "error-limit");
        continue;
      }
      if (window.resetAt <= this.#assumedOver) return this.#let(false);
      if (this.#probe) {
        await this.#probe;
        continue;
      }
      return this.#startProbe();
    }
  }

  /** Records what the response said of the error window (nothing, when the request failed without one). */
  async settle(admission: ErrorAdmission, snapshot: LimitSnapshot | undefined): Promise<void> {
    if (admission.settled) return;
    admission.settled = true;
    this.#inFlight--;
    const wake = this.#wakeOnSettle;
    this.#nextSettle = this.#wakeOnSettle = undefined;
    wake?.();
    if (snapshot) this.#warm = true;
    try {
      const remain = snapshot?.errorLimitRemain;
      const reset = snapshot?.errorLimitResetSeconds;
      if (remain !== undefined && reset !== undefined) {
        this.#unreportedErrors = 0;
        await this.#store.observeErrorWindow(this.#key, { remain, resetAt: this.#clock.now() + reset * 1000 });
      } else if (admission.probe) {
        const window = await this.#store.errorWindow(this.#key);
        if (window) this.#assumedOver = Math.max(this.#assumedOver, window.resetAt);
      }
    } finally {
      if (admission.probe) {
        this.#probe = undefined;
        this.#endProbe?.();
      }
    }
  }

  #left(window: ErrorWindow): number {
    return this.#leftIfNoneInFlight(window) - this.#inFlight;
  }

  #leftIfNoneInFlight(window: ErrorWindow): number {
    if (window.resetAt <= this.#assumedOver) return Infinity;
    return window.remain - this.#unreportedErrors;
  }

  #settleOfAny(): Promise<void> {
    this.#nextSettle ??= new Promise<void>((resolve) => (this.#wakeOnSettle = resolve));
    return this.#nextSettle;
  }

  #startProbe(): ErrorAdmission {
    this.#probe = new Promise<void>((resolve) => (this.#endProbe = resolve));
    return this.#let(true);
  }

  #let(probe: boolean): ErrorAdmission {
    this.#inFlight++;
    return { probe, settled: false };
  }
}
