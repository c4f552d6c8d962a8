import { describe, expect, it } from "vitest";
import { MemoryBudgetStore } from "../../src/stores/memory-budget-store.ts";
import { ManualClock } from "../../src/testing/manual-clock.ts";

describe("MemoryBudgetStore rate-limit buckets", () => {
  it("spends tokens up to the limit, then says how long until the oldest come back", async () => {
    const clock = new ManualClock();
    const store = new MemoryBudgetStore({ clock });
    for (let i = 0; i < 5; i++) expect(store.take("fitting:1", 2, 10, 200).granted).toBe(true);
    const refused = store.take("fitting:1", 2, 10, 200);
    expect(refused.granted).toBe(false);
    expect(refused.granted === false && refused.waitMs).toBeGreaterThan(150);
    expect(refused.granted === false && refused.waitMs).toBeLessThanOrEqual(200);
    // Other buckets (another character) are untouched.
    expect(store.take("fitting:2", 2, 10, 200).granted).toBe(true);
    await clock.advance(199);
    expect(store.take("fitting:1", 2, 10, 200).granted).toBe(false);
    await clock.advance(1);
    expect(store.take("fitting:1", 2, 10, 200).granted).toBe(true);
  });

  it("settles a ticket at its real cost: nothing for a 5xx, more for a 4xx", () => {
    const store = new MemoryBudgetStore();
    const first = store.take("g", 2, 6, 60_000);
    const second = store.take("g", 2, 6, 60_000);
    if (!first.granted || !second.granted) throw new Error("expected tokens");
    store.settle("g", first.ticket, 0); // 5xx: the 2 tokens come back at once
    expect(store.take("g", 2, 6, 60_000).granted).toBe(true);
    store.settle("g", second.ticket, 5); // 4xx: 5 tokens, the bucket is now over
    expect(store.take("g", 2, 6, 60_000).granted).toBe(false);
  });

  it("spends what ESI reports as gone that this store did not spend", () => {
    const store = new MemoryBudgetStore();
    store.observe("g", 4, 10, 60_000); // another process spent 6
    expect(store.take("g", 2, 10, 60_000).granted).toBe(true);
    expect(store.take("g", 2, 10, 60_000).granted).toBe(true);
    expect(store.take("g", 2, 10, 60_000).granted).toBe(false);
  });

  it("lets tokens reported gone come back when ESI says (Retry-After)", async () => {
    const clock = new ManualClock();
    const store = new MemoryBudgetStore({ clock });
    store.observe("g", 0, 10, 60_000, clock.now() + 100);
    const refused = store.take("g", 2, 10, 60_000);
    expect(refused).toEqual({ granted: false, waitMs: 100 });
    await clock.advance(100);
    expect(store.take("g", 2, 10, 60_000).granted).toBe(true);
  });

  it("lets a cost above the whole budget through once the bucket is empty, not never", () => {
    const store = new MemoryBudgetStore();
    expect(store.take("g", 5, 4, 1000).granted).toBe(true);
  });
});

describe("MemoryBudgetStore error windows", () => {
  it("keeps the lowest remain of one window, replaces it with a later window, ignores an earlier one", () => {
    const store = new MemoryBudgetStore();
    const t = Date.now();
    expect(store.observeErrorWindow("e", { remain: 80, resetAt: t + 30_000 })).toEqual({ remain: 80, resetAt: t + 30_000 });
    // Responses arrive out of order: a higher remain from the same window does not raise it.
    expect(store.observeErrorWindow("e", { remain: 90, resetAt: t + 30_400 }).remain).toBe(80);
    expect(store.observeErrorWindow("e", { remain: 60, resetAt: t + 29_700 }).remain).toBe(60);
    // The next window.
    expect(store.observeErrorWindow("e", { remain: 99, resetAt: t + 90_000 })).toEqual({ remain: 99, resetAt: t + 90_000 });
    // A late answer from the window before.
    expect(store.observeErrorWindow("e", { remain: 1, resetAt: t + 31_000 })).toEqual({ remain: 99, resetAt: t + 90_000 });
    expect(store.errorWindow("e")).toEqual({ remain: 99, resetAt: t + 90_000 });
    expect(store.errorWindow("other")).toBeUndefined();
  });
});
