/** A response body that does not match its operation's schema in the spec (spec drift, or an app's own fake). */
export class ResponseValidationError extends Error {
  readonly operationId: string;
  /** JSON pointer into the body, e.g. /0/type_id ("" for the body itself). */
  readonly pointer: string;
  /** The value found there (may be undefined for a missing property). */
  readonly value: unknown;
  /** What the schema asked for, in Ajv's words. */
  readonly reason: string;

  constructor(details: { operationId: string; pointer: string; value: unknown; reason: string }) {
    const shown = excerpt(details.value);
    super(`${details.operationId}: response body at "${details.pointer || "/"}" ${details.reason} (got ${shown})`);
    this.name = "ResponseValidationError";
    this.operationId = details.operationId;
    this.pointer = details.pointer;
    this.value = details.value;
    this.reason = details.reason;
  }
}

function excerpt(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? "nothing" : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
