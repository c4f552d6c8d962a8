/**
 * A request that got no whole HTTP answer, after its retries: the connection failed or was dropped, every attempt
 * timed out, or the body was cut short. Its message names the operation (or method and path) and never a token;
 * its cause is scrubbed (safeCause): no Request, headers or body, at any depth.
 */
export class EsiNetworkError extends Error {
  readonly operationId: string | undefined;
  readonly method: string;
  readonly path: string;
  readonly reason: "timeout" | "network" | "truncated";
  /** How many times the request was sent again before giving up. */
  readonly retries: number;

  constructor(details: { operationId: string | undefined; method: string; path: string; reason: "timeout" | "network" | "truncated"; retries: number }, options?: { cause?: unknown }) {
    const what = details.operationId ?? `${details.method.toUpperCase()} ${details.path}`;
    const why = details.reason === "timeout" ? "timed out" : details.reason === "truncated" ? "got an answer cut short" : "got no answer (connection failed)";
    const tries = details.retries ? ` after ${details.retries + 1} attempts` : "";
    super(`${what} ${why}${tries}`, options);
    this.name = "EsiNetworkError";
    this.operationId = details.operationId;
    this.method = details.method.toUpperCase();
    this.path = details.path;
    this.reason = details.reason;
    this.retries = details.retries;
  }
}
