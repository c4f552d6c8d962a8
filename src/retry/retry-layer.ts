import { EsiUsageError } from "../errors.ts";
import { MAX_TIMER_MS } from "../clock.ts";
import type { Layer } from "../pipeline/compose.ts";
import type { EsiCore } from "../pipeline/core.ts";
import { EsiBadResponseError } from "../transport/bad-response-error.ts";
import { EsiNetworkError } from "../transport/network-error.ts";

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

/**
 * Passing faults are tried again: 502/503/504, no answer (network, timeout), and answers that cannot be right (a
 * 200 that is not JSON, a body cut short), on idempotent methods only, with exponential backoff and full jitter
 * (clients failing together do not retry together), bounded in attempts and in total time. Each retry calls
 * `next` again, so it is admitted by the limits and seen by the app's layers like any attempt.
 */
export function retryLayer(core: EsiCore, options: RetryOptions | false = {}): Layer {
  const retry: RetryOptions = options === false ? { limit: 0 } : options;
  const limit = retry.limit ?? 3;
  const statusCodes = new Set(retry.statusCodes ?? [502, 503, 504]);
  const baseDelayMs = retry.baseDelayMs ?? 300;
  const backoffLimitMs = Math.min(retry.backoffLimitMs ?? 10_000, MAX_TIMER_MS);
  const maxTotalMs = retry.maxTotalMs ?? 60_000;
  for (const [name, value] of Object.entries({ "retry.limit": limit, "retry.baseDelayMs": baseDelayMs, "retry.backoffLimitMs": backoffLimitMs, "retry.maxTotalMs": maxTotalMs })) {
    if (!(typeof value === "number" && value >= 0)) throw new EsiUsageError(`${name} must be a number of 0 or more, got ${String(value)}`);
  }
  const methods = new Set((retry.methods ?? ["get", "head", "put", "delete", "options"]).map((m) => m.toUpperCase()));
  const { clock, events } = core;

  return async (call, next) => {
    if (limit === 0 || !methods.has(call.method)) return next(call);
    const started = clock.now();
    for (let attempt = 1; ; attempt++) {
      let response: Response | undefined;
      let failure: EsiNetworkError | EsiBadResponseError | undefined;
      try {
        response = await next(call);
        if (!statusCodes.has(response.status)) return response;
      } catch (error) {
        if (!(error instanceof EsiNetworkError || error instanceof EsiBadResponseError)) throw error;
        failure = error;
      }
      const delayMs = Math.random() * Math.min(backoffLimitMs, baseDelayMs * 2 ** (attempt - 1));
      if (attempt > limit || call.signal?.aborted || clock.now() - started + delayMs >= maxTotalMs) {
        if (failure) throw failure;
        return response!;
      }
      events.emit("retry", {
        operationId: call.operation?.operationId,
        method: call.method,
        url: call.url,
        attempt,
        reason: failure ? retryReason(failure) : `status ${response!.status}`,
        delayMs: Math.round(delayMs),
      });
      await response?.body?.cancel().catch(() => undefined);
      await clock.sleep(delayMs, call.signal);
      call.retries++;
    }
  };
}

function retryReason(failure: EsiNetworkError | EsiBadResponseError): string {
  if (failure instanceof EsiBadResponseError) return "answer not JSON";
  return failure.reason === "timeout" ? "timeout" : failure.reason === "truncated" ? "answer cut short" : "network error";
}
