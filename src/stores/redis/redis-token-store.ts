import type { Redis } from "ioredis";
import type { TokenSet, TokenStore } from "../types.ts";
import { RedisLock, type RedisLockOptions } from "./redis-lock.ts";
import { RedisStoreError, storeStep } from "./redis-store-error.ts";

export interface RedisTokenStoreOptions {
  /** Namespace of every key, so several apps (or test runs) share one Redis. Default "esikit:". */
  prefix?: string;
  /** The refresh lock. */
  lock?: RedisLockOptions;
}

/**
 * Token sets in one Redis hash (field: the store key, value: JSON), shared by every process of an app, with a
 * Redis lock per key so exactly one process refreshes a character at a time.
 *
 * The values hold refresh tokens: protect the Redis server (network, ACL), and give it persistence (AOF) if a
 * restart must not log every character out.
 */
export class RedisTokenStore implements TokenStore {
  readonly #redis: Redis;
  readonly #hash: string;
  readonly #lockPrefix: string;
  readonly #lock: RedisLock;

  constructor(redis: Redis, options: RedisTokenStoreOptions = {}) {
    const prefix = options.prefix ?? "esikit:";
    this.#redis = redis;
    this.#hash = `${prefix}tokens`;
    this.#lockPrefix = `${prefix}tokens-lock:`;
    this.#lock = new RedisLock(redis, options.lock);
  }

  async get(key: string): Promise<TokenSet | undefined> {
    const raw = await storeStep(`reading tokens of ${key}`, () => this.#redis.hget(this.#hash, key));
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw) as TokenSet;
    } catch {
      throw new RedisStoreError(`Redis store: the tokens kept for ${key} in ${this.#hash} are not JSON`);
    }
  }

  /** Resolves once Redis has the new set: a rotated refresh token is shared before anyone uses the access token. */
  async set(key: string, tokens: TokenSet): Promise<void> {
    await storeStep(`writing tokens of ${key}`, () => this.#redis.hset(this.#hash, key, JSON.stringify(tokens)));
  }

  async delete(key: string): Promise<void> {
    await storeStep(`deleting tokens of ${key}`, () => this.#redis.hdel(this.#hash, key));
  }

  async keys(): Promise<string[]> {
    return storeStep("listing token keys", () => this.#redis.hkeys(this.#hash));
  }

  /** Runs `fn` holding the lock on `key` across every process sharing this Redis (see RedisLock). */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.#lock.run(this.#lockPrefix + key, fn);
  }
}
