import type { LimitHeaders } from "./headers/limit-headers.ts";

/** ESI's error body: {"error": "...", "status": 404, "details": [...]}. */
export interface EsiErrorBody {
  error: string;
  status?: number;
  details?: unknown[];
  [key: string]: unknown;
}

export interface EsiErrorDetails {
  status: number;
  operationId: string | undefined;
  method: string;
  path: string;
  body: EsiErrorBody | undefined;
  /** A short excerpt of a body that was not ESI's JSON (a load balancer's HTML page). */
  excerpt?: string;
  limits?: LimitHeaders;
  retries?: number;
  characterId?: number;
}

/** An ESI call that failed with an HTTP status. Its message names the operation and never a token. */
export class EsiError extends Error {
  readonly status: number;
  readonly operationId: string | undefined;
  readonly method: string;
  readonly path: string;
  readonly body: EsiErrorBody | undefined;
  readonly excerpt: string | undefined;
  readonly limits: LimitHeaders;
  readonly retries: number;
  readonly characterId: number | undefined;

  constructor(details: EsiErrorDetails, options?: { cause?: unknown }) {
    const what = details.operationId ?? `${details.method.toUpperCase()} ${details.path}`;
    const why = details.body?.error ?? details.excerpt ?? "no error body";
    super(`${what} failed with ${details.status}: ${why}`, options);
    this.name = "EsiError";
    this.status = details.status;
    this.operationId = details.operationId;
    this.method = details.method.toUpperCase();
    this.path = details.path;
    this.body = details.body;
    this.excerpt = details.excerpt;
    this.limits = details.limits ?? {};
    this.retries = details.retries ?? 0;
    this.characterId = details.characterId;
  }
}

/** Thrown before a request is sent, when the call cannot be made as asked (bad options, unknown operation). */
export class EsiUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EsiUsageError";
  }
}
