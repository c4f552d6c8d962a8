import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/testing/manual-clock.ts";

describe("ManualClock", () => {
  it("moves only when told, waking sleepers in time order, and those their continuations start", async () => {
    const clock = new ManualClock(1_000);
    const woke: string[] = [];
    void clock.sleep(300).then(() => woke.push(`a@${clock.now()}`));
    void clock.sleep(100).then(async () => {
      woke.push(`b@${clock.now()}`);
      await clock.sleep(50);
      woke.push(`c@${clock.now()}`);
    });
    expect(clock.now()).toBe(1_000);
    expect(clock.pending).toBe(2);
    await clock.advance(200);
    expect(woke).toEqual(["b@1100", "c@1150"]);
    expect(clock.now()).toBe(1_200);
    await clock.advance(100);
    expect(woke).toEqual(["b@1100", "c@1150", "a@1300"]);
    expect(clock.sleeps).toEqual([300, 100, 50]);
  });

  it("next() jumps to the earliest sleeper; an aborted sleep rejects and is forgotten", async () => {
    const clock = new ManualClock(0);
    const controller = new AbortController();
    const aborted = clock.sleep(10, controller.signal);
    let done = false;
    void clock.sleep(1e12).then(() => (done = true));
    controller.abort(new Error("stop"));
    await expect(aborted).rejects.toThrow("stop");
    expect(clock.pending).toBe(1);
    expect(await clock.next()).toBe(true);
    expect(done).toBe(true);
    expect(clock.now()).toBe(1e12);
    expect(await clock.next()).toBe(false);
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
  });
});
