import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { LuaScript } from "./lua-script.ts";
import { RedisStoreError, storeStep } from "./redis-store-error.ts";

export interface RedisLockOptions {
  /**
   * How long the lock outlives its holder, ms. The holder renews it every third of this while it works, so a
   * slow refresh keeps it; a holder that dies (crash, SIGKILL) lets it go at most this long after. Default 10 s.
   */
  ttlMs?: number;
  /** How long a process waits for a lock held by another before failing, ms. Default 30 s. */
  waitTimeoutMs?: number;
  /** How often a waiting process tries again, ms (plus up to as much again of jitter). Default 25. */
  retryMs?: number;
}

/** Takes the lock when free (answer 0), else answers how long it has left (ms): one round trip either way. */
const ACQUIRE = new LuaScript(`
if redis.call("SET", KEYS[1], ARGV[1], "NX", "PX", ARGV[2]) then return 0 end
local left = redis.call("PTTL", KEYS[1])
if left < 1 then return 1 end
return left`);

/** Releases or renews only a lock this holder still owns: after expiry another process may own the key. */
const RELEASE = new LuaScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0`);
const RENEW = new LuaScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end
return 0`);

/**
 * A mutual-exclusion lock shared by every process using one Redis: SET NX PX with a random owner value,
 * released and renewed only by its owner (compare-and-delete in Lua). Safe for one Redis server; it is not
 * Redlock across several independent servers.
 */
export class RedisLock {
  readonly #redis: Redis;
  readonly #ttlMs: number;
  readonly #waitTimeoutMs: number;
  readonly #retryMs: number;

  constructor(redis: Redis, options: RedisLockOptions = {}) {
    this.#redis = redis;
    this.#ttlMs = positive("lock.ttlMs", options.ttlMs ?? 10_000);
    this.#waitTimeoutMs = positive("lock.waitTimeoutMs", options.waitTimeoutMs ?? 30_000);
    this.#retryMs = positive("lock.retryMs", options.retryMs ?? 25);
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  /** Runs `fn` holding the lock named `lockKey`; waits (polling) while another process holds it. */
  async run<T>(lockKey: string, fn: () => Promise<T>): Promise<T> {
    const owner = randomUUID();
    await this.#acquire(lockKey, owner);
    const renewal = setInterval(() => {
      // A failed renewal is not fatal: the lock still holds until its TTL, and the release below is owner-checked.
      RENEW.run(this.#redis, [lockKey], [owner, this.#ttlMs]).catch(() => undefined);
    }, Math.max(1, Math.floor(this.#ttlMs / 3)));
    renewal.unref();
    try {
      return await fn();
    } finally {
      clearInterval(renewal);
      // If Redis is gone the lock simply expires; the caller's own result matters more than this error.
      await RELEASE.run(this.#redis, [lockKey], [owner]).catch(() => undefined);
    }
  }

  async #acquire(lockKey: string, owner: string): Promise<void> {
    const deadline = Date.now() + this.#waitTimeoutMs;
    for (;;) {
      const left = Number(await storeStep(`taking lock ${lockKey}`, () => ACQUIRE.run(this.#redis, [lockKey], [owner, this.#ttlMs])));
      if (left === 0) return;
      const now = Date.now();
      if (now >= deadline) {
        throw new RedisStoreError(`Redis store: timed out after ${this.#waitTimeoutMs} ms waiting for lock ${lockKey}, held by another process`);
      }
      const pause = Math.min(left, this.#retryMs + Math.random() * this.#retryMs, deadline - now);
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, pause)));
    }
  }
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new RedisStoreError(`Redis store: ${name} must be a positive number of ms, got ${String(value)}`);
  return value;
}
