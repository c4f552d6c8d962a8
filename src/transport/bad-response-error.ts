/**
 * A success status whose body cannot be what ESI sends: not JSON (a proxy's page, a half-written cache). Never
 * cached; retried on idempotent methods like a 5xx. The excerpt is short and tag-free.
 */
export class EsiBadResponseError extends Error {
  readonly operationId: string | undefined;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly excerpt: string;
  readonly retries: number;

  constructor(details: { operationId: string | undefined; method: string; path: string; status: number; body: string; retries: number }) {
    const what = details.operationId ?? `${details.method.toUpperCase()} ${details.path}`;
    const text = details.body.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
    const excerpt = text.length > 120 ? `${text.slice(0, 120)}…` : text;
    super(`${what} answered ${details.status} with a body that is not JSON: ${JSON.stringify(excerpt)}`);
    this.name = "EsiBadResponseError";
    this.operationId = details.operationId;
    this.method = details.method.toUpperCase();
    this.path = details.path;
    this.status = details.status;
    this.excerpt = excerpt;
    this.retries = details.retries;
  }
}
