import { describe, expect, it } from "vitest";
import { ErrorLimitBudget } from "../../src/limits/error-limit-budget.ts";
import { MemoryBudgetStore } from "../../src/stores/memory-budget-store.ts";
import type { Wait } from "../../src/limits/waiter.ts";
import { ManualClock } from "../../src/testing/manual-clock.ts";

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
    await new Promise((r) => setImmediate(r));
    expect(next).toBeUndefined();
    await budget.settle(admitted[0]!, { errorLimitRemain: 100, errorLimitResetSeconds: 60, unreadable: [] });
    await pending;
    expect(next).toMatchObject({ probe: false });
  });

  it("still waits for the reset when the errors ESI counted bring it to the threshold", async () => {
    const clock = new ManualClock();
    const store = new MemoryBudgetStore({ clock });
    store.observeErrorWindow("esi-error-limit", { remain: 10, resetAt: clock.now() + 50 });
    const budget = new ErrorLimitBudget(store, { threshold: 10, clock });
    const waits: number[] = [];
    const wait: Wait = async (ms) => {
      waits.push(ms);
      await clock.sleep(ms);
    };
    let admitted: { probe: boolean } | undefined;
    const pending = budget.admit(wait).then((a) => (admitted = a));
    await clock.advance(49);
    expect(admitted).toBeUndefined();
    await clock.advance(1);
    await pending;
    expect(waits).toEqual([50]);
    // Past the reset with no news yet: this one goes first to learn whether the window really reset.
    expect(admitted).toMatchObject({ probe: true });
  });
});

describe("ErrorLimitBudget at cold start", () => {
  const window = (remain: number, resetSeconds: number) => ({ errorLimitRemain: remain, errorLimitResetSeconds: resetSeconds, unreadable: [] });
  /** Lets every pending admit() run as far as it can. */
  const flush = () => new Promise((r) => setImmediate(r));

  it("lets one request through until an answer tells the window, then as many as the window allows", async () => {
    const budget = new ErrorLimitBudget(new MemoryBudgetStore(), { threshold: 10 });
    const admitted: Array<{ probe: boolean; settled: boolean }> = [];
    const pending = Array.from({ length: 150 }, () => budget.admit(noWait).then((a) => admitted.push(a)));
    await flush();
    expect(admitted).toHaveLength(1);
    expect(admitted[0]!.probe).toBe(true);

    // The first answer: 99 errors left. In flight may go up to 99 - 10 = 89 (each may fail) before holding.
    await budget.settle(admitted[0]!, window(99, 60));
    await flush();
    expect(admitted).toHaveLength(1 + 89);
    expect(admitted.slice(1).every((a) => !a.probe)).toBe(true);
    // Each success that comes back with the window unchanged frees one place.
    await budget.settle(admitted[1]!, window(99, 60));
    await flush();
    expect(admitted).toHaveLength(91);
    void pending;
  });

  it("hands the probe to the next request when the first got no answer at all (network error)", async () => {
    const budget = new ErrorLimitBudget(new MemoryBudgetStore(), { threshold: 10 });
    const admitted: Array<{ probe: boolean; settled: boolean }> = [];
    for (let i = 0; i < 5; i++) void budget.admit(noWait).then((a) => admitted.push(a));
    await flush();
    expect(admitted.map((a) => a.probe)).toEqual([true]);
    await budget.settle(admitted[0]!, undefined);
    await flush();
    expect(admitted.map((a) => a.probe)).toEqual([true, true]);
  });

  it("ends the cold start on an answer without the error-limit headers (nothing to learn: no more holding)", async () => {
    const budget = new ErrorLimitBudget(new MemoryBudgetStore(), { threshold: 10 });
    const admitted: Array<{ probe: boolean; settled: boolean }> = [];
    for (let i = 0; i < 20; i++) void budget.admit(noWait).then((a) => admitted.push(a));
    await flush();
    expect(admitted).toHaveLength(1);
    await budget.settle(admitted[0]!, { unreadable: [] });
    await flush();
    expect(admitted).toHaveLength(20);
  });

  it("does not probe when a shared store already knows the window (another process reported it)", async () => {
    const store = new MemoryBudgetStore();
    store.observeErrorWindow("esi-error-limit", { remain: 100, resetAt: Date.now() + 60_000 });
    const budget = new ErrorLimitBudget(store, { threshold: 10 });
    const admitted = await Promise.all(Array.from({ length: 50 }, () => budget.admit(noWait)));
    expect(admitted.every((a) => !a.probe)).toBe(true);
  });
});
