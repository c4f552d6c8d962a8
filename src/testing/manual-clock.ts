import type { Clock } from "../clock.ts";

interface Sleeper {
  at: number;
  order: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * A Clock that only moves when told: `advance(ms)` wakes the sleepers whose time has come, in time order, letting
 * each one's continuation run before the next wakes. For tests of waits and budgets without real sleeps:
 *
 *   const clock = new ManualClock();
 *   const done = budget.admit(wait);      // sleeps on clock
 *   await clock.advance(60_000);          // the reset passes; `done` can settle
 */
export class ManualClock implements Clock {
  #now: number;
  #order = 0;
  #sleepers: Sleeper[] = [];
  /** Every sleep asked for, in ms, oldest first (what a test asserts instead of timing). */
  readonly sleeps: number[] = [];

  /** Starts at `start` (epoch ms; default 2026-01-01T00:00:00Z). */
  constructor(start: number = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper: Sleeper = {
        at: this.#now + (ms > 0 ? ms : 0),
        order: this.#order++,
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.#remove(sleeper);
          reject(signal!.reason);
        },
      };
      signal?.addEventListener("abort", sleeper.onAbort, { once: true });
      this.#sleepers.push(sleeper);
    });
  }

  /** Sleepers not yet woken. */
  get pending(): number {
    return this.#sleepers.length;
  }

  /** Moves time forward by `ms`, waking every sleeper due on the way (and those their continuations start). */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance needs 0 or more ms, got ${String(ms)}`);
    const target = this.#now + ms;
    await settle();
    for (;;) {
      const next = this.#earliest();
      if (!next || next.at > target) break;
      this.#now = Math.max(this.#now, next.at);
      this.#wake(next);
      await settle();
    }
    this.#now = target;
    await settle();
  }

  /** Moves time to the earliest sleeper's wake-up and wakes it (and any due at the same time). False if none sleeps. */
  async next(): Promise<boolean> {
    await settle();
    const next = this.#earliest();
    if (!next || !Number.isFinite(next.at)) return false;
    await this.advance(next.at - this.#now);
    return true;
  }

  #earliest(): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const s of this.#sleepers) if (!best || s.at < best.at || (s.at === best.at && s.order < best.order)) best = s;
    return best;
  }

  #wake(sleeper: Sleeper): void {
    this.#remove(sleeper);
    sleeper.signal?.removeEventListener("abort", sleeper.onAbort);
    sleeper.resolve();
  }

  #remove(sleeper: Sleeper): void {
    const at = this.#sleepers.indexOf(sleeper);
    if (at >= 0) this.#sleepers.splice(at, 1);
  }
}

/** Lets pending promise continuations run (a macrotask turn drains every microtask before it). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
