import type { Redis } from "ioredis";
import type { TokenSet, TokenStore } from "../types.ts";
import { LuaScript } from "./lua-script.ts";
import { RedisLock, type RedisLockOptions } from "./redis-lock.ts";
import { RedisStoreError, storeStep } from "./redis-store-error.ts";

export interface RedisTokenStoreOptions {
  /** Namespace of every key, so several apps (or test runs) share one Redis. Default "esikit:". */
  prefix?: string;
  /** The refresh lock. */
  lock?: RedisLockOptions;
}

/**
 * Writes ARGV[3] (the new set, JSON) under field ARGV[1] only if the stored set's refresh token is ARGV[2]
 * (ARGV[4] = "1": the caller expects no refresh token at all): the fencing that makes a lock holder paused past
 * its TTL harmless. Answers 1 when written.
 */
const COMPARE_AND_SET = new LuaScript(`
local raw = redis.call("HGET", KEYS[1], ARGV[1])
local stored = nil
if raw then
  local ok, set = pcall(cjson.decode, raw)
  if not ok then return redis.error_reply("ESIKIT_NOT_JSON") end
  if type(set.refreshToken) == "string" then stored = set.refreshToken end
end
if ARGV[4] == "1" then
  if stored ~= nil then return 0 end
elseif stored ~= ARGV[2] then
  return 0
end
redis.call("HSET", KEYS[1], ARGV[1], ARGV[3])
return 1`);

/**
 * Token sets in one Redis hash (field: the store key, value: JSON), shared by every process of an app, with a
 * Redis lock per key so one process refreshes a character at a time, and compare-and-set writes (Lua) so that
 * even a holder whose lock expired cannot overwrite a newer set.
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

  /** Writes only if the stored refresh token is still `expected`: one Lua script, atomic in Redis. */
  async compareAndSet(key: string, expected: string | undefined, tokens: TokenSet): Promise<boolean> {
    const args = [key, expected ?? "", JSON.stringify(tokens), expected === undefined ? "1" : "0"];
    try {
      return Number(await storeStep(`writing tokens of ${key}`, () => COMPARE_AND_SET.run(this.#redis, [this.#hash], args))) === 1;
    } catch (error) {
      if (error instanceof Error && error.message.includes("ESIKIT_NOT_JSON")) {
        throw new RedisStoreError(`Redis store: the tokens kept for ${key} in ${this.#hash} are not JSON`);
      }
      throw error;
    }
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
