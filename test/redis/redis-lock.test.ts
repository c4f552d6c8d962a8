import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisLock } from "../../src/stores/redis/redis-lock.ts";
import { RedisStoreError } from "../../src/stores/redis/redis-store-error.ts";
import { deleteKeys, REDIS_URL, redisAvailability, uniquePrefix } from "./support/redis-test-env.ts";
import { spawnWorkers, WorkerProcess } from "./support/worker-processes.ts";

const availability = await redisAvailability();

describe.runIf(availability.run)(`RedisLock (${REDIS_URL})${availability.why ? ` — ${availability.why}` : ""}`, () => {
  const prefix = uniquePrefix();
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  it("lets one process at a time in: 4 workers × 15 read-wait-write rounds lose no update and never overlap", async () => {
    const workers = spawnWorkers("lock-worker.ts", 4, () => ({
      url: REDIS_URL,
      lockKey: `${prefix}lock:count`,
      counterKey: `${prefix}counter`,
      sequenceKey: `${prefix}sequence`,
      mode: "count",
      rounds: 15,
    }));
    try {
      await Promise.all(workers.map((w) => w.next("ready")));
      for (const w of workers) w.send({ type: "go" });
      const done = await Promise.all(workers.map((w) => w.next("done")));
      expect(await redis.get(`${prefix}counter`)).toBe("60");
      // Each holder's entering and leaving numbers are consecutive in Redis's own order: nobody entered between.
      const spans = done.flatMap((d) => d.held as Array<[number, number]>).sort((a, b) => a[0] - b[0]);
      expect(spans).toHaveLength(60);
      for (const [entered, left] of spans) expect(left).toBe(entered + 1);
      expect(spans.flat()).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });

  it("expires the lock of a holder killed with SIGKILL: another process gets it within the TTL", async () => {
    const ttlMs = 1500;
    const lockKey = `${prefix}lock:killed`;
    const holder = new WorkerProcess("lock-worker.ts", { url: REDIS_URL, lockKey, counterKey: `${prefix}unused`, mode: "hold", ttlMs });
    try {
      await holder.next("ready");
      holder.send({ type: "go" });
      await holder.next("locked");
      // The holder renews the lock while it lives: after more than a TTL it is still held.
      await new Promise((resolve) => setTimeout(resolve, ttlMs * 1.2));
      expect(await redis.exists(lockKey)).toBe(1);
      holder.child.kill("SIGKILL");
      const killedAt = Date.now();
      await holder.exited;
      // Nobody renews it now: Redis lets it go within one TTL (its own clock), and then another process gets it.
      expect(await redis.pttl(lockKey)).toBeLessThanOrEqual(ttlMs);
      const lock = new RedisLock(redis, { ttlMs, waitTimeoutMs: 30_000 });
      const acquiredAfter = await lock.run(lockKey, async () => Date.now() - killedAt);
      console.info(`[redis lock] holder SIGKILLed: lock taken over after ${acquiredAfter} ms (TTL ${ttlMs} ms)`);
    } finally {
      await holder.stop("SIGKILL");
    }
  });

  it("releases only its own lock: a holder whose lock expired does not free the next holder's", async () => {
    const lockKey = `${prefix}lock:expired`;
    const slow = new RedisLock(redis, { ttlMs: 300 });
    // The renewal keeps a live holder's lock; simulate a holder that lost it (a long GC pause) by deleting it.
    const first = slow.run(lockKey, async () => {
      await redis.del(lockKey);
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = new RedisLock(redis, { ttlMs: 5000 });
    let ownerDuring: string | null = null;
    await second.run(lockKey, async () => {
      await first; // the first holder finishes and "releases" while the second holds the key
      ownerDuring = await redis.get(lockKey);
    });
    expect(ownerDuring).not.toBeNull();
    expect(await redis.exists(lockKey)).toBe(0);
  });

  it("fails with a clear error when the lock stays taken past the wait limit", async () => {
    const lockKey = `${prefix}lock:busy`;
    await redis.set(lockKey, "someone-else", "PX", 5000);
    const lock = new RedisLock(redis, { ttlMs: 1000, waitTimeoutMs: 150 });
    const run = lock.run(lockKey, async () => "ran");
    await expect(run).rejects.toThrow(RedisStoreError);
    await expect(run).rejects.toThrow(/timed out after 150 ms waiting for lock/);
  });
});
