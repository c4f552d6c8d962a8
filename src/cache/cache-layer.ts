import { EsiUsageError } from "../errors.ts";
import type { EsiCall } from "../pipeline/call.ts";
import type { Layer } from "../pipeline/compose.ts";
import type { EsiCore } from "../pipeline/core.ts";
import { MemoryCacheStore } from "../stores/memory-cache-store.ts";
import type { CachedResponse, CacheStore } from "../stores/types.ts";
import { BufferedResponse } from "../transport/buffered-response.ts";
import { cacheKey } from "./cache-key.ts";
import { freshness } from "./freshness.ts";
import { InFlight, type SharedOutcome } from "./in-flight.ts";
import { fromCachedResponse, refreshCachedResponse, toCachedResponse } from "./stored-response.ts";

export interface CacheOptions {
  /** Where responses are kept. Default: in memory, least recently used evicted past `maxBytes`. */
  store?: CacheStore;
  /** Size bound of the default in-memory store. Default 50 MiB. */
  maxBytes?: number;
  /** When ESI answers 5xx (or the network fails) and a kept response exists, answer with it, marked "stale". Default false. */
  staleIfError?: boolean;
  /** How long identical GETs wait for the one in flight before sending their own, ms. Default 30 s. */
  dedupeWaitMs?: number;
}

/** The cache of one client: its layer, and the look-up the front door uses to answer a fresh hit with no request at all. */
export interface ClientCache {
  readonly layer: Layer;
  /** The key of a call that may be cached, or undefined (not a GET, revalidated by the caller, signer unknown). */
  keyOf(method: string, url: string, characterId: number | undefined, signed: boolean, language: string, callerHeaders: Headers | Readonly<Record<string, unknown>> | undefined): string | undefined;
  /** A kept entry still fresh now, else undefined; synchronous when the store is (the memory store). */
  fresh(key: string): CachedResponse | undefined | Promise<CachedResponse | undefined>;
}

/**
 * ESI's cache rules: a fresh kept response is answered without a request; a stale one is revalidated with
 * If-None-Match (and If-Modified-Since), a 304 giving back the kept body with the 304's headers; identical GETs in
 * flight share one request; POST, PUT and DELETE pass untouched. Sits below auth (the call's character, decided
 * before any layer, keys the answer) and above retry and limits (a hit spends no budget; a revalidation that is
 * retried is still one revalidation).
 */
export function createClientCache(core: EsiCore, options: CacheOptions = {}): ClientCache {
  const patience = options.dedupeWaitMs ?? 30_000;
  if (!(patience >= 0)) throw new EsiUsageError(`cache.dedupeWaitMs must be 0 or more, got ${String(options.dedupeWaitMs)}`);
  if (options.maxBytes !== undefined && !(Number.isSafeInteger(options.maxBytes) && options.maxBytes > 0)) {
    throw new EsiUsageError(`cache.maxBytes must be a positive whole number of bytes, got ${String(options.maxBytes)}`);
  }
  const store = options.store ?? new MemoryCacheStore({ maxBytes: options.maxBytes });
  const inFlight = new InFlight(patience);
  const { clock } = core;
  const date = core.compatibilityDate;

  // A store that fails (a Redis down) must not fail the call: read as a miss, reported as an event.
  const readFailed = (error: unknown) => {
    core.events.emit("store-fallback", { store: "cache", reason: `get failed: ${(error as Error)?.message ?? String(error)}` });
    return undefined;
  };
  const read = async (key: string): Promise<CachedResponse | undefined> => {
    try {
      return await store.get(key);
    } catch (error) {
      return readFailed(error);
    }
  };
  const write = async (key: string, value: CachedResponse): Promise<void> => {
    try {
      await store.set(key, value);
    } catch (error) {
      core.events.emit("store-fallback", { store: "cache", reason: `set failed: ${(error as Error)?.message ?? String(error)}` });
    }
  };

  const keyOf: ClientCache["keyOf"] = (method, url, characterId, signed, language, callerHeaders) => {
    if (method !== "GET") return undefined;
    // A signed call whose character is unknown: its answer would land under a key every caller shares.
    if (signed && characterId === undefined) return undefined;
    if (callerHeaders && revalidatesItself(callerHeaders)) return undefined;
    return cacheKey(method, url, characterId, language, callerDate(callerHeaders) ?? date);
  };

  const isFresh = (entry: CachedResponse | undefined) => (entry && entry.freshUntil > clock.now() ? entry : undefined);
  const fresh = (key: string) => {
    let entry: ReturnType<CacheStore["get"]>;
    try {
      entry = store.get(key);
    } catch (error) {
      return readFailed(error);
    }
    return entry instanceof Promise ? entry.then(isFresh, readFailed) : isFresh(entry);
  };

  const layer: Layer = async (call, next) => {
    const key = keyOf(call.method, call.url, call.characterId, (call.operation?.scopes.length ?? 0) > 0, call.language, call.headers);
    if (key === undefined) {
      call.cache = "bypass";
      return next(call);
    }
    let entry = await read(key);
    let hit = isFresh(entry);
    if (hit) return answer(call, hit, "hit");

    let waiting = inFlight.join(key, clock.now());
    if (waiting) {
      const outcome = await waiting;
      if (outcome) return answer(call, outcome.entry, outcome.outcome);
      // The first request never came back with something to share (it failed, or was a 401): send our own.
      entry = await read(key);
      hit = isFresh(entry);
      if (hit) return answer(call, hit, "hit");
      waiting = inFlight.join(key, clock.now());
      if (waiting) {
        call.cache = "miss";
        return next(call);
      }
    }
    let shared: SharedOutcome;
    try {
      const response = await revalidate(call, entry, next);
      const now = clock.now();
      if (response.status === 304 && entry) {
        const kept = refreshCachedResponse(entry, response, now, freshness(response.headers, now, call.operation?.cacheSeconds).freshUntil);
        await write(key, kept);
        shared = { entry: kept, outcome: "revalidated" };
        return answer(call, kept, "revalidated");
      }
      if (response.status >= 500 && options.staleIfError && entry) {
        await response.body?.cancel().catch(() => undefined);
        shared = { entry, outcome: "stale" };
        return answer(call, entry, "stale");
      }
      call.cache = "miss";
      const { storable, freshUntil } = freshness(response.headers, now, call.operation?.cacheSeconds);
      const keep = response.status === 200 && storable;
      // A 401 is about to be replayed by auth with a fresh token: the others send their own instead of sharing it.
      if (!keep && (response.status === 401 || !inFlight.hasFollowers(key))) return response;
      const text = response instanceof BufferedResponse ? response.bodyText : await response.clone().text();
      const snapshot = toCachedResponse(response, text, now, keep ? freshUntil : now);
      if (keep) await write(key, snapshot);
      shared = { entry: snapshot, outcome: "miss" };
      return response;
    } catch (error) {
      if (options.staleIfError && entry) {
        shared = { entry, outcome: "stale" };
        return answer(call, entry, "stale");
      }
      throw error;
    } finally {
      // Whatever happened, the others waiting on this request are let go: with an answer to share, or none.
      inFlight.settle(key, shared);
    }
  };

  return { layer, keyOf, fresh };
}

/** Sends the call with the kept entry's validators; takes them off again, so a replay of the call starts clean. */
async function revalidate(call: EsiCall, entry: CachedResponse | undefined, next: (call: EsiCall) => Promise<Response>): Promise<Response> {
  if (!entry?.etag && !entry?.lastModified) return next(call);
  if (entry.etag) call.headers.set("If-None-Match", entry.etag);
  if (entry.lastModified) call.headers.set("If-Modified-Since", entry.lastModified);
  try {
    return await next(call);
  } finally {
    call.headers.delete("If-None-Match");
    call.headers.delete("If-Modified-Since");
  }
}

function answer(call: EsiCall, entry: CachedResponse, outcome: "hit" | "revalidated" | "stale" | "miss"): Response {
  call.cache = outcome;
  return fromCachedResponse(entry, call.url);
}

function revalidatesItself(headers: Headers | Readonly<Record<string, unknown>>): boolean {
  if (headers instanceof Headers) return headers.has("If-None-Match") || headers.has("If-Modified-Since");
  return headers["If-None-Match"] !== undefined || headers["If-Modified-Since"] !== undefined;
}

function callerDate(headers: Headers | Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (!headers) return undefined;
  const value = headers instanceof Headers ? headers.get("X-Compatibility-Date") : headers["X-Compatibility-Date"];
  return typeof value === "string" ? value : undefined;
}
