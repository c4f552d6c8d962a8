import type { Middleware } from "openapi-fetch";
import { cacheKey } from "../cache/cache-key.ts";
import { freshness } from "../cache/freshness.ts";
import { InFlight, type SharedOutcome } from "../cache/in-flight.ts";
import { fromCachedResponse, refreshCachedResponse, toCachedResponse } from "../cache/stored-response.ts";
import { EsiUsageError } from "../errors.ts";
import type { CacheOutcome } from "../events.ts";
import { operationForRoute, type OperationInfo } from "../operations.ts";
import type { ClientView, EsiCore, EsiPlugin } from "../plugin.ts";
import { actingCharacter } from "../request-context.ts";
import { getResponseInfo, noteResponse } from "../response-info.ts";
import { MemoryCacheStore } from "../stores/memory-cache-store.ts";
import type { CachedResponse, CacheStore } from "../stores/types.ts";

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

interface CacheState {
  store: CacheStore;
  inFlight: InFlight;
}

type Pending =
  | { kind: "bypass" }
  | { kind: "stale-served" }
  | { kind: "cached"; key: string; entry: CachedResponse | undefined; leader: boolean; operation: OperationInfo | undefined };

/**
 * ESI's cache rules, as middleware: a fresh kept response is answered without a request; a stale one is
 * revalidated with If-None-Match (and If-Modified-Since), a 304 giving back the kept body with the 304's headers;
 * identical GETs in flight share one request; POST, PUT and DELETE pass untouched.
 * Sits after `identify` (so its events see every call) and `auth` (so it knows whose token signs a call, and keys
 * the answer by that character), and before `limits` (a hit spends no budget).
 */
export function cachePlugin(options: CacheOptions = {}): EsiPlugin {
  const patience = options.dedupeWaitMs ?? 30_000;
  if (!(patience >= 0)) throw new EsiUsageError(`cache.dedupeWaitMs must be 0 or more, got ${String(options.dedupeWaitMs)}`);
  if (options.maxBytes !== undefined && !(Number.isSafeInteger(options.maxBytes) && options.maxBytes > 0)) {
    throw new EsiUsageError(`cache.maxBytes must be a positive whole number of bytes, got ${String(options.maxBytes)}`);
  }
  return {
    name: "cache",
    middleware(view: ClientView): Middleware {
      const { core } = view;
      const state = core.state<CacheState>("cache", () => ({
        store: options.store ?? new MemoryCacheStore({ maxBytes: options.maxBytes }),
        inFlight: new InFlight(patience),
      }));
      const pending = new Map<string, Pending>();

      /** An answer that sent no request: no later middleware sees it, so it reports itself. */
      const answerWithout = (entry: CachedResponse, request: Request, operation: OperationInfo | undefined, cache: CacheOutcome, started: number, characterId: number | undefined) => {
        const response = fromCachedResponse(entry, request.url);
        noteResponse(response, { operationId: operation?.operationId, cache, characterId });
        core.events.emit("response", {
          operationId: operation?.operationId,
          method: request.method,
          url: request.url,
          status: response.status,
          ms: performance.now() - started,
          cache,
          characterId,
        });
        return response;
      };

      const settle = (p: Pending | undefined, shared: SharedOutcome) => {
        if (p?.kind === "cached" && p.leader) state.inFlight.settle(p.key, shared);
      };

      return {
        async onRequest({ request, schemaPath, params, id }) {
          const character = actingCharacter(params) ?? view.characterId;
          // POST, PUT, DELETE: never cached. A caller that revalidates on its own, or a signed call whose character
          // is unknown (its data would land under a key every caller shares): not cached either.
          if (request.method !== "GET" || request.headers.has("If-None-Match") || request.headers.has("If-Modified-Since") || (character === undefined && request.headers.has("Authorization"))) {
            pending.set(id, { kind: "bypass" });
            return undefined;
          }
          const started = performance.now();
          const operation = operationForRoute(request.method, schemaPath);
          const key = cacheKey(request, character);
          let entry = await readStore(core, state.store, key);
          if (entry && entry.freshUntil > Date.now()) return answerWithout(entry, request, operation, "hit", started, character);

          const shared = state.inFlight.join(key, Date.now());
          let leader = shared === undefined;
          if (shared) {
            const outcome = await shared;
            if (outcome) return answerWithout(outcome.entry, request, operation, outcome.outcome, started, character);
            // The first request never came back to the cache (a middleware below threw): send our own.
            entry = await readStore(core, state.store, key);
            if (entry && entry.freshUntil > Date.now()) return answerWithout(entry, request, operation, "hit", started, character);
            leader = state.inFlight.join(key, Date.now()) === undefined;
          }
          if (entry?.etag) request.headers.set("If-None-Match", entry.etag);
          if (entry?.lastModified) request.headers.set("If-Modified-Since", entry.lastModified);
          pending.set(id, { kind: "cached", key, entry, leader, operation });
          return undefined;
        },

        async onResponse({ request, response, id }) {
          const p = pending.get(id);
          pending.delete(id);
          if (!p) return undefined;
          if (p.kind === "stale-served") return undefined;
          if (p.kind === "bypass") {
            noteResponse(response, { cache: "bypass" });
            return undefined;
          }
          const now = Date.now();
          const retries = getResponseInfo(response)?.retries;
          try {
            if (response.status === 304 && p.entry) {
              const { freshUntil } = freshness(response.headers, now, p.operation?.cacheSeconds);
              const next = refreshCachedResponse(p.entry, response, now, freshUntil);
              await writeStore(core, state.store, p.key, next);
              settle(p, { entry: next, outcome: "revalidated" });
              const answer = fromCachedResponse(next, request.url);
              noteResponse(answer, { cache: "revalidated", retries });
              return answer;
            }
            if (response.status >= 500 && options.staleIfError && p.entry) {
              settle(p, { entry: p.entry, outcome: "stale" });
              await response.body?.cancel().catch(() => undefined);
              const answer = fromCachedResponse(p.entry, request.url);
              noteResponse(answer, { cache: "stale", retries });
              return answer;
            }
            const { storable, freshUntil } = freshness(response.headers, now, p.operation?.cacheSeconds);
            const keep = response.status === 200 && storable;
            // Whatever it was (an error too), the others waiting for this request get the same answer.
            // A 401 is about to be replayed by auth with a fresh token: the others send their own instead of sharing it.
            if (!keep && (response.status === 401 || !(p.leader && state.inFlight.hasFollowers(p.key)))) {
              settle(p, undefined);
              noteResponse(response, { cache: "miss" });
              return undefined;
            }
            // Read once and answered anew: cheaper than clone(), which tees the body stream.
            const snapshot = toCachedResponse(response, await response.text(), now, keep ? freshUntil : now);
            if (keep) await writeStore(core, state.store, p.key, snapshot);
            settle(p, { entry: snapshot, outcome: "miss" });
            const answer = fromCachedResponse(snapshot, request.url);
            noteResponse(answer, { cache: "miss", retries });
            return answer;
          } catch (error) {
            settle(p, undefined);
            throw error;
          }
        },

        async onError({ request, id }) {
          const p = pending.get(id);
          if (p?.kind !== "cached") {
            pending.delete(id);
            return undefined;
          }
          settle(p, undefined);
          if (!options.staleIfError || !p.entry) {
            pending.delete(id);
            return undefined;
          }
          // openapi-fetch runs every onResponse after a recovered error: this one must then leave it alone.
          pending.set(id, { kind: "stale-served" });
          const answer = fromCachedResponse(p.entry, request.url);
          noteResponse(answer, { cache: "stale" });
          return answer;
        },
      };
    },
  };
}

/** A store that fails (a Redis down) must not fail the call: read as a miss, reported as an event. */
async function readStore(core: EsiCore, store: CacheStore, key: string): Promise<CachedResponse | undefined> {
  try {
    return await store.get(key);
  } catch (error) {
    core.events.emit("store-fallback", { store: "cache", reason: `get failed: ${(error as Error)?.message ?? String(error)}` });
    return undefined;
  }
}

async function writeStore(core: EsiCore, store: CacheStore, key: string, value: CachedResponse): Promise<void> {
  try {
    await store.set(key, value);
  } catch (error) {
    core.events.emit("store-fallback", { store: "cache", reason: `set failed: ${(error as Error)?.message ?? String(error)}` });
  }
}
