import { MAX_TIMER_MS } from "../clock.ts";
import { redactAndCut, safeCause } from "../errors/safe-cause.ts";
import { EsiUsageError } from "../errors.ts";
import type { EsiCall } from "../pipeline/call.ts";
import type { Next } from "../pipeline/compose.ts";
import type { EsiCore } from "../pipeline/core.ts";
import { EsiBadResponseError } from "./bad-response-error.ts";
import { BufferedResponse } from "./buffered-response.ts";
import { EsiNetworkError } from "./network-error.ts";
import { emitWarnings } from "./warnings.ts";

/** The fetch under everything: the standard signature (tests, proxies, undici's fetch with a dispatcher). */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  fetch?: FetchFunction | undefined;
  /** Per attempt, ms; 0: none. Default 20 s. */
  timeoutMs?: number | undefined;
}

/**
 * The innermost layer: one attempt, fetch with a timeout signal, and the whole body read, so that a body cut short
 * (a lying Content-Length, a dropped connection) is an EsiNetworkError the retry layer sees, and a success that is
 * not JSON an EsiBadResponseError. No answer at all is an EsiNetworkError whose cause is scrubbed of the request.
 */
export function createTransport(core: EsiCore, options: TransportOptions = {}): Next {
  const timeoutMs = options.timeoutMs ?? 20_000;
  if (!(typeof timeoutMs === "number" && timeoutMs >= 0)) throw new EsiUsageError(`timeoutMs must be a number of 0 or more, got ${String(timeoutMs)}`);
  const fetchFn: FetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const { events } = core;

  return async (call: EsiCall) => {
    call.attempts++;
    // One controller and one timer per attempt, cleared once the body is in. (Not AbortSignal.timeout: ~15 µs
    // each, and its timer lives until it fires. Not a signal shared by many attempts: undici never removes the
    // abort listener it adds to a signal, so a shared one collects every attempt's listener and all they hold.)
    const controller = timeoutMs > 0 || call.signal ? new AbortController() : undefined;
    let timedOut = false;
    const timer = timeoutMs > 0 ? setTimeout(() => ((timedOut = true), controller!.abort()), Math.min(timeoutMs, MAX_TIMER_MS)) : undefined;
    const onAbort = () => controller!.abort(call.signal!.reason);
    if (call.signal?.aborted) onAbort();
    else call.signal?.addEventListener("abort", onAbort, { once: true });
    const failed = (reason: "network" | "truncated", error: unknown) =>
      new EsiNetworkError(
        { operationId: call.operation?.operationId, method: call.method, path: pathOf(call.url), reason: timedOut ? "timeout" : reason, retries: call.retries },
        { cause: safeCause(error, secretsOf(call)) },
      );
    let response: Response;
    let text: string;
    try {
      try {
        response = await fetchFn(call.url, { method: call.method, headers: call.headers, body: call.body, signal: controller?.signal ?? null });
      } catch (error) {
        // The caller's own abort stays what it is.
        if (call.signal?.aborted) throw call.signal.reason;
        throw failed("network", error);
      }
      try {
        text = await response.text();
      } catch (error) {
        if (call.signal?.aborted) throw call.signal.reason;
        throw failed("truncated", error);
      }
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener("abort", onAbort);
    }
    if (response.headers.has("Warning")) emitWarnings(events, response.headers, call.operation?.operationId);
    const buffered = new BufferedResponse(text, { status: response.status, statusText: response.statusText, headers: response.headers }, call.url);
    if (response.ok && text !== "") {
      try {
        void buffered.data;
      } catch {
        throw new EsiBadResponseError({
          operationId: call.operation?.operationId,
          method: call.method,
          path: pathOf(call.url),
          status: response.status,
          body: redactAndCut(text.slice(0, 2000), secretsOf(call), 400),
          retries: call.retries,
        });
      }
    }
    return buffered;
  };
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return "";
  }
}

/** What of this call must never reach an error: its bearer token. */
function secretsOf(call: EsiCall): string[] {
  const authorization = call.headers.get("Authorization");
  return authorization ? [authorization, authorization.replace(/^Bearer\s+/i, "")] : [];
}
