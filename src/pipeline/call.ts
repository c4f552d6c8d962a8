import type { CacheOutcome } from "../events.ts";
import type { OperationInfo } from "../generation.ts";

/**
 * One request, made once per call and handed to every layer: what it is (operation, URL, headers, body), who it
 * acts for (decided once, by actingCharacter), and what happened to it (attempts, retries, cache outcome), which
 * `esi.info(response)` reads. A retry or replay is the same call sent again: layers only ever change its headers.
 */
export interface EsiCall {
  /** The spec's operation, looked up once; undefined for a path the generation does not know. */
  readonly operation: OperationInfo | undefined;
  /** Upper case: GET, POST... */
  readonly method: string;
  /** The final URL: base URL, encoded path, serialised query. */
  readonly url: string;
  /** Sent on every attempt; layers set theirs here (User-Agent, Authorization, If-None-Match...). */
  readonly headers: Headers;
  /** Bytes or text, never a stream: a replay sends the same body again without cloning anything. */
  readonly body: string | ArrayBuffer | undefined;
  /** The caller's abort signal. */
  readonly signal: AbortSignal | undefined;
  /** The character whose token signs the call and whose buckets and cache entries it uses; see actingCharacter. */
  characterId: number | undefined;
  /** Accept-Language sent, and part of the cache key. */
  readonly language: string;
  /** Times the call reached the transport. */
  attempts: number;
  /** Times it was sent again after a 5xx, network failure, 401 refresh, 420 or 429. */
  retries: number;
  cache: CacheOutcome;
  /** The parsed JSON body of the final answer, when a layer already parsed it (so the front door need not). */
  data?: unknown;
}

/** What esikit knows of a response beyond its headers: read with `esi.info(response)`. */
export interface ResponseInfo {
  operationId: string | undefined;
  cache: CacheOutcome;
  /** How many times the request was sent again (5xx, network, 420, 429, 401 refresh). */
  retries: number;
  characterId: number | undefined;
}

export function infoOf(call: EsiCall): ResponseInfo {
  return { operationId: call.operation?.operationId, cache: call.cache, retries: call.retries, characterId: call.characterId };
}
