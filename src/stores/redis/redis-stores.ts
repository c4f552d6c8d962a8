import type { Redis } from "ioredis";
import type { EsiClientOptions } from "../../client.ts";
import type { EsiCore, EsiPlugin } from "../../pipeline/core.ts";
import type { BudgetStore } from "../budget-store.ts";
import { MemoryBudgetStore } from "../memory-budget-store.ts";
import { MemoryCacheStore } from "../memory-cache-store.ts";
import { MemoryTokenStore } from "../memory-token-store.ts";
import type { CacheStore, TokenStore } from "../types.ts";
import { connectRedis } from "./connect-redis.ts";
import { RedisBudgetStore } from "./redis-budget-store.ts";
import { RedisCacheStore } from "./redis-cache-store.ts";
import type { RedisLockOptions } from "./redis-lock.ts";
import { RedisStoreError } from "./redis-store-error.ts";
import { RedisTokenStore } from "./redis-token-store.ts";

export interface RedisStoresOptions {
  /** Default redis://127.0.0.1:6379. Ignored when `redis` is given. */
  url?: string;
  /** An ioredis client the app already has (it stays the app's: close() leaves it open). */
  redis?: Redis;
  /** Namespace of every key; give each app its own. Default "esikit:". */
  prefix?: string;
  /** How long connecting may take before Redis counts as unreachable, ms. Default 2000. */
  connectTimeoutMs?: number;
  /**
   * What to do when Redis is unreachable at start-up. Default "error": connectRedisStores rejects with a
   * RedisStoreError. "memory": use this process's memory instead (tokens, cache and budgets no longer shared
   * with other workers) and report it as a `store-fallback` event on every client given `plugin`.
   */
  fallback?: "error" | "memory";
  /** The token refresh lock (TTL, wait limit). */
  lock?: RedisLockOptions;
  /** How long a stale cached response is kept for revalidation, ms. Default 1 hour. */
  cacheKeepStaleMs?: number;
}

/** Stores for many workers: hand `tokens` to createSso, `cache` and `budgets` to the client, `plugin` to its plugins. */
export interface RedisStores {
  readonly tokens: TokenStore;
  readonly cache: CacheStore;
  readonly budgets: BudgetStore;
  /** "redis", or "memory" after a fallback. */
  readonly backend: "redis" | "memory";
  /** Why Redis was not used (after a fallback). */
  readonly fallbackReason: string | undefined;
  /** Reports a fallback to memory as a `store-fallback` event on the client's events. */
  readonly plugin: EsiPlugin;
  /**
   * The client options that put the cache and the limit budgets in these stores and add `plugin`:
   * `createEsiClient({ userAgent, auth: sso, ...stores.clientOptions })`. (Tokens go to createSso({ store }).)
   */
  readonly clientOptions: Required<Pick<EsiClientOptions, "cache" | "limits" | "plugins">>;
  /** Closes the Redis connection this opened (not one the app passed in). */
  close(): Promise<void>;
}

/**
 * Connects to Redis and returns the token, cache and budget stores every worker of an app shares.
 * Redis unreachable: a RedisStoreError, or with `fallback: "memory"` memory stores and a `store-fallback` event.
 */
export async function connectRedisStores(options: RedisStoresOptions = {}): Promise<RedisStores> {
  const fallback = options.fallback ?? "error";
  if (fallback !== "error" && fallback !== "memory") throw new RedisStoreError(`Redis store: fallback must be "error" or "memory", got ${JSON.stringify(fallback)}`);
  const prefix = options.prefix ?? "esikit:";
  let redis: Redis;
  try {
    redis = options.redis ?? (await connectRedis({ url: options.url, connectTimeoutMs: options.connectTimeoutMs }));
  } catch (error) {
    if (fallback === "error") throw error;
    const reason = error instanceof Error ? error.message : String(error);
    return bundle(new MemoryTokenStore(), new MemoryCacheStore(), new MemoryBudgetStore(), fallbackReporter(reason), {
      backend: "memory",
      fallbackReason: reason,
      close: async () => undefined,
    });
  }
  const owned = options.redis === undefined;
  return bundle(
    new RedisTokenStore(redis, { prefix, lock: options.lock }),
    new RedisCacheStore(redis, { prefix, keepStaleMs: options.cacheKeepStaleMs }),
    new RedisBudgetStore(redis, { prefix }),
    { name: "redis-stores", layer: () => (call, next) => next(call) },
    {
      backend: "redis",
      fallbackReason: undefined,
      async close() {
        if (owned) await redis.quit().catch(() => redis.disconnect());
      },
    },
  );
}

function bundle(
  tokens: TokenStore,
  cache: CacheStore,
  budgets: BudgetStore,
  plugin: EsiPlugin,
  rest: Pick<RedisStores, "backend" | "fallbackReason" | "close">,
): RedisStores {
  return { tokens, cache, budgets, plugin, clientOptions: { cache: { store: cache }, limits: { store: budgets }, plugins: [plugin] }, ...rest };
}

/**
 * Emits `store-fallback` once per client: right after the client is created when a listener is already there,
 * else before its first request (by then the app has had every chance to listen).
 */
function fallbackReporter(reason: string): EsiPlugin {
  const reported = new WeakSet<EsiCore>();
  const report = (core: EsiCore) => {
    if (reported.has(core)) return;
    reported.add(core);
    core.events.emit("store-fallback", { store: "redis", reason: `${reason}; using this process's memory: tokens, cache and limits are not shared with other workers` });
  };
  return {
    name: "redis-stores",
    layer(core) {
      queueMicrotask(() => {
        if (core.events.hasListeners("store-fallback")) report(core);
      });
      return (call, next) => {
        report(core);
        return next(call);
      };
    },
  };
}
