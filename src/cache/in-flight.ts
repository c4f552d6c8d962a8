import type { CachedResponse } from "../stores/types.ts";

/** What the first of several identical GETs got: a response to copy, or nothing (the others send their own). */
export type SharedOutcome = { entry: CachedResponse; outcome: "miss" | "revalidated" | "stale" } | undefined;

interface Flight {
  promise: Promise<SharedOutcome>;
  settle: (outcome: SharedOutcome) => void;
  startedAt: number;
  followers: number;
}

/**
 * Identical GETs in flight at once share one request: the first sends it, the others wait for its answer and
 * each get their own copy. A middleware further down may throw before the first request's answer ever comes
 * back to the cache; so the others wait at most `patienceMs`, then send their own.
 */
export class InFlight {
  readonly #flights = new Map<string, Flight>();

  constructor(readonly patienceMs: number) {}

  /** undefined: the caller leads (and must call settle); else the leader's answer to wait for. */
  join(key: string, now: number): Promise<SharedOutcome> | undefined {
    const flight = this.#flights.get(key);
    if (flight && now - flight.startedAt < this.patienceMs) {
      flight.followers++;
      const left = this.patienceMs - (now - flight.startedAt);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const giveUp = new Promise<SharedOutcome>((resolve) => {
        timer = setTimeout(() => resolve(undefined), left);
        timer.unref?.();
      });
      return Promise.race([flight.promise, giveUp]).finally(() => clearTimeout(timer));
    }
    let settle!: (outcome: SharedOutcome) => void;
    const promise = new Promise<SharedOutcome>((resolve) => (settle = resolve));
    this.#flights.set(key, { promise, settle, startedAt: now, followers: 0 });
    return undefined;
  }

  /** Whether anyone waits for this key's request (else its answer need not be copied). */
  hasFollowers(key: string): boolean {
    return (this.#flights.get(key)?.followers ?? 0) > 0;
  }

  settle(key: string, outcome: SharedOutcome): void {
    const flight = this.#flights.get(key);
    if (!flight) return;
    this.#flights.delete(key);
    flight.settle(outcome);
  }
}
