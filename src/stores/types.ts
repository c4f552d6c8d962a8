/**
 * The store interfaces. Stores are the only place that knows where data lives: middleware never knows whether
 * it talks to memory, a file, SQLite or Redis. Methods may answer synchronously (memory) or with a promise.
 */
import type { EsiEventEmitter } from "../events.ts";

export type MaybePromise<T> = T | Promise<T>;

/** One character's tokens. `expiresAt` is epoch milliseconds. */
export interface TokenSet {
  accessToken: string;
  /** EVE SSO rotates it on every refresh: always the newest one. */
  refreshToken: string | undefined;
  expiresAt: number;
  scopes: readonly string[];
  characterId?: number;
  characterName?: string;
  ownerHash?: string;
  /**
   * Bookkeeping of the rotation rule, not for apps: set while a process has this set's refresh token at EVE SSO
   * ("host/pid/attempt"). Another process seeing it waits for that refresh's outcome instead of presenting the
   * same refresh token again (which SSO would refuse once rotated).
   */
  presentedBy?: string;
}

/**
 * Where token sets live. Every process sharing a store follows one rotation rule (see TokenManager): under
 * withLock it re-reads the set, refreshes only if nobody rotated it meanwhile, and writes with compareAndSet, the
 * refresh token being the fencing token. docs/token-stores.md says what each store guarantees across processes.
 */
export interface TokenStore {
  /** Keys are character ids as strings, or "default" for a client with one unnamed token set. */
  get(key: string): MaybePromise<TokenSet | undefined>;
  /** Must be durable when it resolves: a rotated refresh token is persisted before the access token is used. */
  set(key: string, tokens: TokenSet): MaybePromise<void>;
  delete(key: string): MaybePromise<void>;
  keys(): MaybePromise<string[]>;
  /**
   * Runs `fn` holding an exclusive lock on `key` for every process that shares this store (Redis: a lock with a
   * TTL). In-process stores may leave it out: refreshes are then single-flight within the process only.
   */
  withLock?<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Writes `tokens` only if the refresh token stored under `key` is still `expected` (undefined: no set, or a set
   * without one), as one atomic step for every process sharing the store; answers whether it wrote. A store
   * without it gets a read-then-write (safe within one process only).
   */
  compareAndSet?(key: string, expected: string | undefined, tokens: TokenSet): MaybePromise<boolean>;
  /** Events of the store itself (e.g. `store-permissions-fixed`); the Sso passes them on to its listeners. */
  readonly events?: EsiEventEmitter;
}

/** A kept GET response. Times are epoch milliseconds. */
export interface CachedResponse {
  status: number;
  headers: Array<[string, string]>;
  body: string;
  etag?: string;
  lastModified?: string;
  storedAt: number;
  /** Until when it may be served without asking ESI; after that it is revalidated with If-None-Match. */
  freshUntil: number;
}

export interface CacheStore {
  get(key: string): MaybePromise<CachedResponse | undefined>;
  set(key: string, value: CachedResponse): MaybePromise<void>;
  delete(key: string): MaybePromise<void>;
}
