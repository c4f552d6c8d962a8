import ky, { HTTPError, type KyInstance } from "ky";
import type { EsiEventEmitter } from "./events.ts";
import { noteResponse } from "./response-info.ts";

export interface RetryOptions {
  /** Attempts after the first. Default 3. */
  limit?: number;
  /** Statuses retried with backoff. Default 502, 503, 504 (ESI's passing faults). */
  statusCodes?: number[];
  /** Methods that may be sent again. Default the idempotent ones: GET, HEAD, PUT, DELETE, OPTIONS. */
  methods?: string[];
  /** Longest single backoff, ms. Default 10 s. */
  backoffLimitMs?: number;
  /** No retry starts after this much time has passed since the first attempt, ms. Default 60 s. */
  maxTotalMs?: number;
}

export interface TransportOptions {
  fetch?: (input: Request) => Promise<Response>;
  timeoutMs?: number;
  retry?: RetryOptions | false;
  events: EsiEventEmitter;
}

/**
 * The fetch under openapi-fetch: ky, for its retries with backoff and jitter and its per-attempt timeout.
 * ky only retries a status it throws on, so it throws on the retried ones, and the last failing response is
 * handed back to openapi-fetch as a plain Response: callers always get `{ data, error, response }`.
 */
export function createTransport(options: TransportOptions): (request: Request) => Promise<Response> {
  const retry = options.retry === false ? { limit: 0 } : (options.retry ?? {});
  const statusCodes = retry.statusCodes ?? [502, 503, 504];
  const maxTotalMs = (retry as RetryOptions).maxTotalMs ?? 60_000;
  const baseFetch = options.fetch ?? ((input: Request) => globalThis.fetch(input));
  const retryBase = {
    limit: retry.limit ?? 3,
    methods: ((retry as RetryOptions).methods ?? ["get", "head", "put", "delete", "options"]).map((m) => m.toLowerCase()),
    statusCodes,
    afterStatusCodes: [],
    backoffLimit: (retry as RetryOptions).backoffLimitMs ?? 10_000,
    jitter: true,
    retryOnTimeout: true,
  };
  const client: KyInstance = ky.create({
    fetch: baseFetch as typeof fetch,
    timeout: options.timeoutMs ?? 20_000,
    throwHttpErrors: (status) => statusCodes.includes(status),
  });

  return async (request: Request) => {
    const started = Date.now();
    let retries = 0;
    try {
      const response = await client(request, {
        // Bounded in total time as well as in attempts: no retry starts after maxTotalMs.
        retry: { ...retryBase, shouldRetry: () => (Date.now() - started < maxTotalMs ? undefined : false) },
        hooks: {
          beforeRetry: [
            ({ error, retryCount }) => {
              retries = retryCount;
              const status = error instanceof HTTPError ? `status ${error.response.status}` : (error as Error).name;
              options.events.emit("retry", { operationId: undefined, method: request.method, url: request.url, attempt: retryCount, reason: status, delayMs: 0 });
            },
          ],
        },
      });
      if (retries) noteResponse(response, { retries });
      return response;
    } catch (error) {
      if (error instanceof HTTPError) {
        if (retries) noteResponse(error.response, { retries });
        return error.response;
      }
      throw error;
    }
  };
}
