/**
 * A request esikit did not send because ESI's limits would have made it wait longer than `maxWaitMs`
 * (or the wait was longer than the caller was prepared to wait). Nothing reached ESI.
 */
export class EsiThrottledError extends Error {
  readonly operationId: string | undefined;
  readonly reason: "error-limit" | "rate-limit";
  readonly group: string | undefined;
  /** How long the request would have had to wait, ms (Infinity when the limit gave no end). */
  readonly waitMs: number;
  /** The most the request was allowed to wait, ms. */
  readonly maxWaitMs: number;

  constructor(details: { operationId: string | undefined; reason: "error-limit" | "rate-limit"; group?: string; waitMs: number; maxWaitMs: number }) {
    const what = details.operationId ?? "request";
    const limit = details.reason === "error-limit" ? "ESI's error limit" : `rate-limit group ${details.group ?? "(unknown)"}`;
    super(`${what} not sent: ${limit} needs a wait of ${describeMs(details.waitMs)}, more than maxWaitMs ${describeMs(details.maxWaitMs)}`);
    this.name = "EsiThrottledError";
    this.operationId = details.operationId;
    this.reason = details.reason;
    this.group = details.group;
    this.waitMs = details.waitMs;
    this.maxWaitMs = details.maxWaitMs;
  }
}

/** "1500 ms"; past a minute with the larger unit beside it: "999999999000 ms (31.7 years)". */
function describeMs(ms: number): string {
  if (!Number.isFinite(ms)) return "no end";
  const whole = `${Math.ceil(ms)} ms`;
  const units: Array<[number, string]> = [
    [365.25 * 86_400_000, "years"],
    [86_400_000, "days"],
    [3_600_000, "hours"],
    [60_000, "minutes"],
  ];
  for (const [size, name] of units) if (ms >= size) return `${whole} (${(ms / size).toFixed(1)} ${name})`;
  return whole;
}
