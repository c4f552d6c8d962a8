import ky, { HTTPError, TimeoutError, type KyInstance } from "ky";
import type { EsiEventEmitter } from "./events.ts";
import { EsiUsageError } from "./errors.ts";
import { noteResponse } from "./response-info.ts";
import { EsiNetworkError } from "./transport/network-error.ts";
import { operationForUrl } from "./transport/operation-for-url.ts";
import { emitWarnings } from "./transport/warnings.ts";

export interface RetryOptions {
  /** Attempts after the first. Default 3. */
  limit?: number;
  /** Statuses retried with backoff. Default 502, 503, 504 (ESI's passing faults). */
  statusCodes?: number[];
  /** Methods that may be sent again. Default the idempotent ones: GET, HEAD, PUT, DELETE, OPTIONS. */
  methods?: string[];
  /** First backoff, ms; each next one doubles, with full jitter (a random wait up to it). Default 300. */
  baseDelayMs?: number;
  /** Longest single backoff, ms. Default 10 s. */
  backoffLimitMs?: number;
  /** No retry starts after this much time has passed since the first attempt, ms. Default 60 s. */
  maxTotalMs?: number;
}

export interface TransportOptions {
  fetch?: (input: Request) => Promise<Response>;
  /** Per attempt, ms. Default 20 s. */
  timeoutMs?: number;
  retry?: RetryOptions | false;
  events: EsiEventEmitter;
}

/**
 * The fetch under openapi-fetch: ky, for its retries with exponential backoff and jitter and its per-attempt
 * timeout. ky only retries a status it throws on, so it throws on the retried ones, and the last failing response
 * is handed back to openapi-fetch as a plain Response: callers always get `{ data, error, response }`.
 * No HTTP answer at all after the retries ends in an EsiNetworkError.
 */
export function createTransport(options: TransportOptions): (request: Request) => Promise<Response> {
  const retry: RetryOptions = options.retry === false ? { limit: 0 } : (options.retry ?? {});
  const limit = retry.limit ?? 3;
  const statusCodes = retry.statusCodes ?? [502, 503, 504];
  const baseDelayMs = retry.baseDelayMs ?? 300;
  const backoffLimitMs = retry.backoffLimitMs ?? 10_000;
  const maxTotalMs = retry.maxTotalMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 20_000;
  for (const [name, value] of Object.entries({ "retry.limit": limit, "retry.baseDelayMs": baseDelayMs, "retry.backoffLimitMs": backoffLimitMs, "retry.maxTotalMs": maxTotalMs, timeoutMs })) {
    if (!(typeof value === "number" && value >= 0)) throw new EsiUsageError(`${name} must be a number of 0 or more, got ${String(value)}`);
  }
  const methods = (retry.methods ?? ["get", "head", "put", "delete", "options"]).map((m) => m.toLowerCase());
  const baseFetch = options.fetch ?? ((input: Request) => globalThis.fetch(input));
  const client: KyInstance = ky.create({
    fetch: baseFetch as typeof fetch,
    // ky's timeout cannot be turned off with 0; a day stands for "none".
    timeout: timeoutMs > 0 ? timeoutMs : 86_400_000,
    throwHttpErrors: (status) => statusCodes.includes(status),
  });

  return async (request: Request) => {
    const started = Date.now();
    const userSignal = request.signal;
    let retries = 0;
    let lastDelayMs = 0;
    const operationId = () => operationForUrl(request.method, request.url)?.operationId;
    try {
      const response = await client(request, {
        retry: {
          limit,
          methods,
          statusCodes,
          afterStatusCodes: [],
          retryOnTimeout: true,
          delay: (attempt) => baseDelayMs * 2 ** (attempt - 1),
          // Full jitter, so clients failing together do not retry together; remembered for the retry event.
          jitter: (delay) => (lastDelayMs = Math.min(backoffLimitMs, Math.random() * delay)),
          backoffLimit: backoffLimitMs,
          // Bounded in total time as well as in attempts; a caller's abort is final.
          shouldRetry: () => (userSignal?.aborted || Date.now() - started >= maxTotalMs ? false : undefined),
        },
        hooks: {
          beforeRetry: [
            ({ error, retryCount }) => {
              retries = retryCount;
              const reason = error instanceof HTTPError ? `status ${error.response.status}` : error instanceof TimeoutError ? "timeout" : "network error";
              options.events.emit("retry", { operationId: operationId(), method: request.method, url: request.url, attempt: retryCount, reason, delayMs: Math.round(lastDelayMs) });
            },
          ],
        },
      });
      return finish(response);
    } catch (error) {
      if (error instanceof HTTPError) return finish(error.response);
      // The caller's own abort stays what it is.
      if (userSignal?.aborted) throw error;
      let path = "";
      try {
        path = new URL(request.url).pathname;
      } catch {
        // keep ""
      }
      throw new EsiNetworkError({ operationId: operationId(), method: request.method, path, reason: error instanceof TimeoutError ? "timeout" : "network", retries }, { cause: error });
    }

    function finish(response: Response): Response {
      if (retries) noteResponse(response, { retries });
      emitWarnings(options.events, response.headers, response.headers.has("Warning") ? operationId() : undefined);
      return response;
    }
  };
}
