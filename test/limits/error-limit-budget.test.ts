import { describe, expect, it } from "vitest";
import { ErrorLimitBudget } from "../../src/limits/error-limit-budget.ts";
import { MemoryBudgetStore } from "../../src/stores/memory-budget-store.ts";
import type { Wait } from "../../src/limits/waiter.ts";

const noWait: Wait = async (ms) => {
  throw new Error(`asked to wait ${ms} ms for the window reset`);
};

describe("ErrorLimitBudget", () => {
  it("holds a request behind the requests in flight, not until the window resets, when no error was seen", async () => {
    const store = new MemoryBudgetStore();
    // A stored window: 100 errors left, reset a minute away (a second batch, or a worker sharing the store).
    store.observeErrorWindow("esi-error-limit", { remain: 100, resetAt: Date.now() + 60_000 });
    const budget = new ErrorLimitBudget(store, { threshold: 10 });
    const admitted = [];
    for (let i = 0; i < 90; i++) admitted.push(await budget.admit(noWait));
    // The 91st would leave only the threshold if every request in flight failed: it waits for one to answer.
    let next: unknown;
    const pending = budget.admit(noWait).then((a) => (next = a));
    await new Promise((r) => setTimeout(r, 20));
    expect(next).toBeUndefined();
    await budget.settle(admitted[0]!, { errorLimitRemain: 100, errorLimitResetSeconds: 60, unreadable: [] });
    await pending;
    expect(next).toMatchObject({ probe: false });
  });

  it("still waits for the reset when the errors ESI counted bring it to the threshold", async () => {
    const store = new MemoryBudgetStore();
    store.observeErrorWindow("esi-error-limit", { remain: 10, resetAt: Date.now() + 50 });
    const budget = new ErrorLimitBudget(store, { threshold: 10 });
    const waits: number[] = [];
    const wait: Wait = async (ms) => {
      waits.push(ms);
      await new Promise((r) => setTimeout(r, ms));
    };
    await budget.admit(wait);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(50);
  });
});
