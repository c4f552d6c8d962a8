/**
 * A request that got no HTTP answer at all, after its retries: the connection failed or was dropped, or every
 * attempt timed out. Its message names the operation (or method and path) and never a token.
 */
export class EsiNetworkError extends Error {
  readonly operationId: string | undefined;
  readonly method: string;
  readonly path: string;
  readonly reason: "timeout" | "network";
  /** How many times the request was sent again before giving up. */
  readonly retries: number;

  constructor(details: { operationId: string | undefined; method: string; path: string; reason: "timeout" | "network"; retries: number }, options?: { cause?: unknown }) {
    const what = details.operationId ?? `${details.method.toUpperCase()} ${details.path}`;
    const why = details.reason === "timeout" ? "timed out" : "got no answer (connection failed)";
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
