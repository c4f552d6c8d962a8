import { systemClock, type Clock } from "../clock.ts";
import type { BudgetStore, ErrorWindow, TakeResult } from "./budget-store.ts";

interface Spent {
  ticket: string;
  /** When the tokens were spent; they come back a window later. */
  at: number;
  tokens: number;
}

/** ESI's reset header counts whole seconds: reports this close together describe the same window. */
const SAME_WINDOW_MS = 1000;

/** The default BudgetStore: budgets of one process, in memory. */
export class MemoryBudgetStore implements BudgetStore {
  #buckets = new Map<string, Spent[]>();
  #errorWindows = new Map<string, ErrorWindow>();
  #nextTicket = 0;
  readonly #clock: Clock;

  /** `clock`: whose time the windows run on (default the system clock; tests pass a ManualClock). */
  constructor(options: { clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  take(bucket: string, cost: number, limit: number, windowMs: number): TakeResult {
    const now = this.#clock.now();
    const spent = this.#live(bucket, now, windowMs);
    const used = spent.reduce((sum, s) => sum + s.tokens, 0);
    // A cost above the whole budget can never fit beside anything else: let it through once the bucket is empty.
    if (used + cost <= limit || used === 0) {
      const ticket = String(++this.#nextTicket);
      spent.push({ ticket, at: now, tokens: cost });
      return { granted: true, ticket };
    }
    let toFree = used + cost - limit;
    const oldestFirst = [...spent].sort((a, b) => a.at - b.at);
    for (const s of oldestFirst) {
      toFree -= s.tokens;
      if (toFree <= 0) return { granted: false, waitMs: Math.max(1, s.at + windowMs - now) };
    }
    return { granted: false, waitMs: windowMs };
  }

  settle(bucket: string, ticket: string, cost: number): void {
    const spent = this.#buckets.get(bucket);
    const entry = spent?.find((s) => s.ticket === ticket);
    if (!spent || !entry) return;
    if (cost <= 0) spent.splice(spent.indexOf(entry), 1);
    else Object.assign(entry, { at: this.#clock.now(), tokens: cost });
  }

  observe(bucket: string, remaining: number, limit: number, windowMs: number, releaseAt?: number): void {
    const now = this.#clock.now();
    const spent = this.#live(bucket, now, windowMs);
    const used = spent.reduce((sum, s) => sum + s.tokens, 0);
    const missing = limit - used - remaining;
    if (missing > 0) spent.push({ ticket: `esi-${++this.#nextTicket}`, at: (releaseAt ?? now + windowMs) - windowMs, tokens: missing });
  }

  errorWindow(key: string): ErrorWindow | undefined {
    return this.#errorWindows.get(key);
  }

  observeErrorWindow(key: string, report: ErrorWindow): ErrorWindow {
    const current = this.#errorWindows.get(key);
    let next = report;
    if (current && Math.abs(report.resetAt - current.resetAt) <= SAME_WINDOW_MS) {
      next = { remain: Math.min(current.remain, report.remain), resetAt: Math.max(current.resetAt, report.resetAt) };
    } else if (current && report.resetAt < current.resetAt) {
      next = current; // a late answer from an earlier window
    }
    this.#errorWindows.set(key, next);
    return next;
  }

  /** The bucket's spendings still inside the window (older ones have come back and are dropped). */
  #live(bucket: string, now: number, windowMs: number): Spent[] {
    let spent = this.#buckets.get(bucket);
    if (!spent) this.#buckets.set(bucket, (spent = []));
    else if (spent.some((s) => s.at + windowMs <= now)) {
      const live = spent.filter((s) => s.at + windowMs > now);
      this.#buckets.set(bucket, live);
      return live;
    }
    return spent;
  }
}
