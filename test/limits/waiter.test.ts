import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_TIMER_MS, sleep } from "../../src/clock.ts";
import { EsiEventEmitter, type EsiEvents } from "../../src/events.ts";
import { parseErrorLimitReset, parseRetryAfter } from "../../src/headers/limit-headers.ts";
import { ErrorLimitBudget } from "../../src/limits/error-limit-budget.ts";
import { EsiThrottledError } from "../../src/limits/throttled-error.ts";
import { createWait, DEFAULT_MAX_WAIT_MS } from "../../src/limits/waiter.ts";
import { MemoryBudgetStore } from "../../src/stores/memory-budget-store.ts";
import { ManualClock } from "../../src/testing/manual-clock.ts";

function setup(maxWaitMs?: number) {
  const clock = new ManualClock();
  const events = new EsiEventEmitter();
  const throttled: Array<EsiEvents["throttled"]> = [];
  events.on("throttled", (e) => throttled.push(e));
  const wait = createWait({ events, operationId: "GetStatus", clock, ...(maxWaitMs === undefined ? {} : { maxWaitMs }) });
  return { clock, events, throttled, wait };
}

describe("createWait", () => {
  it("has a finite default maxWaitMs of one minute: 60 s is waited, a ms more fails at once", async () => {
    expect(DEFAULT_MAX_WAIT_MS).toBe(60_000);
    const ok = setup();
    const waited = ok.wait(60_000, "error-limit");
    await ok.clock.advance(60_000);
    await expect(waited).resolves.toBeUndefined();
    expect(ok.throttled).toEqual([{ operationId: "GetStatus", reason: "error-limit", waitMs: 60_000 }]);

    const over = setup();
    await expect(over.wait(60_001, "rate-limit", "market")).rejects.toMatchObject({
      name: "EsiThrottledError",
      reason: "rate-limit",
      group: "market",
      waitMs: 60_001,
      maxWaitMs: 60_000,
    });
    expect(over.throttled).toEqual([]);
    expect(over.clock.sleeps).toEqual([]);
  });

  it("refuses Retry-After 999999999 at once: no sleep, no throttled event", async () => {
    const { wait, throttled, clock } = setup();
    const ms = parseRetryAfter("999999999", clock.now())!;
    expect(ms).toBe(999_999_999_000);
    const error = await wait(ms, "rate-limit", "char-wallet").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsiThrottledError);
    expect((error as Error).message).toBe(
      "GetStatus not sent: rate-limit group char-wallet needs a wait of 999999999000 ms (31.7 years), more than maxWaitMs 60000 ms (1.0 minutes)",
    );
    expect(throttled).toEqual([]);
    expect(clock.sleeps).toEqual([]);
  });

  it("refuses a Retry-After date years ahead at once", async () => {
    const { wait, throttled, clock } = setup();
    const ms = parseRetryAfter("Fri, 01 Jan 2100 00:00:00 GMT", clock.now())!;
    expect(ms).toBeGreaterThan(70 * 365 * 86_400_000);
    await expect(wait(ms, "rate-limit")).rejects.toBeInstanceOf(EsiThrottledError);
    expect(throttled).toEqual([]);
  });

  it("counts every wait of one request against one deadline", async () => {
    const { wait, clock, throttled } = setup(10_000);
    const first = wait(6_000, "rate-limit", "g");
    await clock.advance(6_000);
    await first;
    await expect(wait(4_001, "error-limit")).rejects.toMatchObject({ waitMs: 4_001, maxWaitMs: 10_000 });
    const last = wait(4_000, "error-limit");
    await clock.advance(4_000);
    await expect(last).resolves.toBeUndefined();
    expect(throttled.map((t) => t.waitMs)).toEqual([6_000, 4_000]);
  });

  it("takes NaN as a wait without end, and a negative wait as none", async () => {
    const { wait, clock } = setup();
    await expect(wait(Number.NaN, "rate-limit")).rejects.toMatchObject({ waitMs: Infinity });
    const none = wait(-5, "rate-limit");
    await clock.advance(0);
    await expect(none).resolves.toBeUndefined();
    expect(clock.sleeps).toEqual([0]);
  });

  it("with maxWaitMs Infinity sleeps a huge wait on the clock (which holds any length) instead of refusing it", async () => {
    const { wait, clock, throttled } = setup(Infinity);
    let done = false;
    const waited = wait(999_999_999_000, "error-limit").then(() => (done = true));
    await clock.advance(999_999_998_999);
    expect(done).toBe(false);
    await clock.advance(1);
    await waited;
    expect(done).toBe(true);
    expect(throttled).toHaveLength(1);
  });
});

describe("error-limit reset 999999999", () => {
  it("a request behind a spent window that resets in 999999999 s fails with EsiThrottledError at once", async () => {
    const clock = new ManualClock();
    const events = new EsiEventEmitter();
    let throttled = 0;
    events.on("throttled", () => throttled++);
    const store = new MemoryBudgetStore({ clock });
    const budget = new ErrorLimitBudget(store, { threshold: 10, clock });
    // What a response with these headers leaves behind.
    const first = await budget.admit(createWait({ events, operationId: "GetStatus", clock }));
    await budget.settle(first, { errorLimitRemain: 0, errorLimitResetSeconds: parseErrorLimitReset("999999999"), unreadable: [] });

    const error = await budget.admit(createWait({ events, operationId: "GetStatus", clock })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsiThrottledError);
    expect(error).toMatchObject({ reason: "error-limit", waitMs: 999_999_999_000 });
    expect(throttled).toBe(0);
    expect(clock.sleeps).toEqual([]);
  });
});

describe("sleep (the system clock's)", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("never hands setTimeout more than 2^31-1 ms: a longer sleep is a chain of timers, not a 1 ms spin", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const delays: number[] = [];
    const real = globalThis.setTimeout;
    vi.spyOn(globalThis, "setTimeout").mockImplementation(((fn: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return real(fn, ms);
    }) as typeof setTimeout);

    let done = false;
    const long = 2 * MAX_TIMER_MS + 10;
    const slept = sleep(long).then(() => (done = true));
    expect(delays).toEqual([MAX_TIMER_MS]);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS);
    expect(delays).toEqual([MAX_TIMER_MS, MAX_TIMER_MS]);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS);
    expect(delays).toEqual([MAX_TIMER_MS, MAX_TIMER_MS, 10]);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(10);
    await slept;
    expect(done).toBe(true);
    expect(delays.every((d) => d <= MAX_TIMER_MS)).toBe(true);
  });

  it("ends early with the signal's reason, and does not start on an aborted signal", async () => {
    const controller = new AbortController();
    const slept = sleep(Infinity, controller.signal);
    controller.abort(new Error("stop"));
    await expect(slept).rejects.toThrow("stop");
    await expect(sleep(10, controller.signal)).rejects.toThrow("stop");
  });
});
