import { EsiError, type EsiErrorBody } from "./errors.ts";
import type { LimitHeaders } from "./headers/limit-headers.ts";
import { readLimitSnapshot } from "./headers/limit-headers.ts";
import type { OperationInfo } from "./generation.ts";
import type { ResponseInfo } from "./pipeline/call.ts";

interface FetchResult<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/** Turns openapi-fetch's `{ data, error, response }` into the data, or a typed EsiError. */
export function orThrow<D>(result: FetchResult<D>, context: { operation?: OperationInfo | undefined; characterId?: number | undefined; info?: ResponseInfo | undefined } = {}): D {
  const { response } = result;
  if (response.ok || response.status === 304) return result.data as D;
  const { info, operation } = context;
  const { body, excerpt } = readErrorBody(result.error);
  throw new EsiError({
    status: response.status,
    operationId: operation?.operationId ?? info?.operationId,
    method: operation?.method ?? "GET",
    path: operation?.path ?? safePath(response.url),
    body,
    excerpt,
    limits: readLimitHeaders(response.headers),
    retries: info?.retries ?? 0,
    characterId: context.characterId ?? info?.characterId,
  });
}

function readErrorBody(error: unknown): { body?: EsiErrorBody; excerpt?: string } {
  if (error && typeof error === "object" && typeof (error as EsiErrorBody).error === "string") return { body: error as EsiErrorBody };
  if (typeof error === "string" && error.length) {
    // Not ESI's JSON: a proxy's or load balancer's page. Keep a short, tag-free excerpt.
    const text = error.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
    return { excerpt: text.length > 200 ? `${text.slice(0, 200)}…` : text };
  }
  return {};
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return "";
  }
}

/** The limit headers of a failed response; malformed ones are left out rather than failing the error report. */
export function readLimitHeaders(headers: Headers): LimitHeaders {
  const { unreadable: _unreadable, ...limits } = readLimitSnapshot(headers);
  return limits;
}
