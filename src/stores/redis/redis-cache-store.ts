import type { Redis } from "ioredis";
import type { CachedResponse, CacheStore } from "../types.ts";
import { storeStep } from "./redis-store-error.ts";

export interface RedisCacheStoreOptions {
  /** Namespace of every key. Default "esikit:". */
  prefix?: string;
  /**
   * How long an entry is kept after it stops being fresh, ms, so its ETag can still be revalidated (a 304
   * instead of the whole body). Redis drops it after that. Default 1 hour.
   */
  keepStaleMs?: number;
}

/**
 * Kept responses in Redis, one key per entry (JSON: status, headers, body, ETag, freshness), expiring by
 * themselves: a response one process fetched is served to every other until ESI's Expires.
 */
export class RedisCacheStore implements CacheStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #keepStaleMs: number;

  constructor(redis: Redis, options: RedisCacheStoreOptions = {}) {
    this.#redis = redis;
    this.#prefix = `${options.prefix ?? "esikit:"}cache:`;
    this.#keepStaleMs = options.keepStaleMs ?? 3_600_000;
  }

  async get(key: string): Promise<CachedResponse | undefined> {
    const raw = await storeStep("reading a cached response", () => this.#redis.get(this.#prefix + key));
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw) as CachedResponse;
    } catch {
      // A damaged entry is only a cache miss: the response is fetched again and the entry replaced.
      return undefined;
    }
  }

  async set(key: string, value: CachedResponse): Promise<void> {
    const ttlMs = Math.max(0, value.freshUntil - Date.now()) + this.#keepStaleMs;
    if (ttlMs <= 0) return;
    await storeStep("caching a response", () => this.#redis.set(this.#prefix + key, JSON.stringify(value), "PX", Math.ceil(ttlMs)));
  }

  async delete(key: string): Promise<void> {
    await storeStep("deleting a cached response", () => this.#redis.del(this.#prefix + key));
  }
}
