/**
 * A request esikit did not send because ESI's limits would have made it wait longer than `maxWaitMs`
 * (or the wait was longer than the caller was prepared to wait). Nothing reached ESI.
 */
export class EsiThrottledError extends Error {
  readonly operationId: string | undefined;
  readonly reason: "error-limit" | "rate-limit";
  readonly group: string | undefined;
  /** How long the request would have had to wait, ms. */
  readonly waitMs: number;

  constructor(details: { operationId: string | undefined; reason: "error-limit" | "rate-limit"; group?: string; waitMs: number; maxWaitMs: number }) {
    const what = details.operationId ?? "request";
    const limit = details.reason === "error-limit" ? "ESI's error limit" : `rate-limit group ${details.group ?? "(unknown)"}`;
    super(`${what} not sent: ${limit} needs a wait of ${Math.ceil(details.waitMs)} ms, more than maxWaitMs ${details.maxWaitMs} ms`);
    this.name = "EsiThrottledError";
    this.operationId = details.operationId;
    this.reason = details.reason;
    this.group = details.group;
    this.waitMs = details.waitMs;
  }
}
