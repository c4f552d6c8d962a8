import type { Generation } from "../../generation.ts";
import type { IncomingHttpHeaders } from "node:http";
import type { SpecOperation, SpecSource } from "./spec-routes.ts";

/** A request as a route handler sees it. */
export interface FakeRequest {
  method: string;
  /** The path as sent, e.g. /characters/90000001/wallet. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The raw request body (POST/PUT), "" when none. */
  body: string;
  operation: SpecOperation;
  /** Path parameters by name, as strings. */
  params: Record<string, string>;
  /** The character the bearer token is for, when the token says (a JWT with sub CHARACTER:EVE:<id>). */
  characterId: number | undefined;
}

/** What a handler answers; anything left out is filled in as for a generated answer. */
export interface FakeReply {
  status?: number;
  /** JSON body. */
  body?: unknown;
  /** Answer with this text as text/html instead of JSON (a load balancer's page). */
  html?: string;
  headers?: Record<string, string>;
  /** Destroy the socket without answering. */
  drop?: boolean;
  /** This answer only: as the route knob `notJson` (a 2xx whose body is not JSON). */
  notJson?: boolean | string;
  /** This answer only: as the route knob `truncate` (the body cut short, Content-Length lying). */
  truncate?: boolean;
}

/** Knobs for one operation (by operationId). They win over the server-wide ones. */
export interface RouteKnobs {
  /** Answer with this status (and `body`, or the generated body for 2xx, or an ESI error body). */
  status?: number;
  /** Answer with this JSON body instead of a generated one. */
  body?: unknown;
  /** Extra headers on every answer of this route (e.g. Warning: 299 - "deprecated"). */
  headers?: Record<string, string>;
  /** Full control: return a reply, or undefined to fall through to the generated answer. */
  handler?: (request: FakeRequest) => FakeReply | undefined | Promise<FakeReply | undefined>;
  /** X-Pages for a `page` route. */
  pages?: number;
  /** Items in each page of a `page` route. */
  itemsPerPage?: number;
  /** Records behind a cursor route. */
  cursorRecords?: number;
  /** Cache lifetime: Cache-Control max-age and Expires. null: send neither (only ETag/Last-Modified). */
  maxAgeSeconds?: number | null;
  /** Send ETag (and answer 304 to a matching If-None-Match). Default true. */
  etag?: boolean;
  latencyMs?: number;
  /** Answer every request with an HTML error page (status from `status`, default 502). */
  html?: boolean;
  /** Destroy the socket of every request to this route. */
  drop?: boolean;
  /**
   * A 2xx whose body is not JSON though its Content-Type says application/json (a CDN's or a broken upstream's
   * answer): `true` sends "this is not JSON: <upstream hiccup>", a string sends that text. Status, ETag, cache and
   * limit headers are those of the normal answer. Error answers (4xx/5xx) keep their JSON body.
   * For one request only, return `{ notJson: true }` from a `handler`.
   */
  notJson?: boolean | string;
  /**
   * Every answer of this route that has a body is cut short: the headers and a Content-Length for the whole body,
   * then half of it, then the connection is closed (Connection: close). The client sees the status and headers,
   * and its body read fails midway (Node's fetch: "TypeError: terminated"). For one request only, return
   * `{ truncate: true }` from a `handler` (e.g. the first attempt, to test a retry).
   */
  truncate?: boolean;
}

export interface FakeEsiOptions {
  /**
   * The OpenAPI 3.x document to serve, or a path to it (JSON). Default: the spec of `generation`, else of the
   * generation the package ships (`esikit`'s own).
   */
  spec?: SpecSource;
  /** Serve the spec of this generation (an app's `generation` from its esi/index.js). */
  generation?: Generation;
  /** Seed of the fake's RNG (faults, dropped connections): the same seed gives the same sequence. Default 1. */
  seed?: number;
  /** Delay before every answer, ms. Default 0. */
  latencyMs?: number;
  /** Share of requests answered with an injected 5xx, 0..1. Default 0. */
  faultRate?: number;
  /** Statuses the injected faults pick from. Default [502, 503, 504]. */
  faultStatuses?: number[];
  /** Injected faults answer with an HTML page instead of ESI's JSON error. Default false. */
  htmlErrors?: boolean;
  /** Share of requests whose connection is destroyed without an answer, 0..1. Default 0. */
  dropRate?: number;
  /** Overrides every operation's x-cache-age (null: no max-age/Expires at all). */
  maxAgeSeconds?: number | null;
  /** X-Pages of every `page` route (default 1). */
  pages?: number;
  /** Items per page of `page` routes (default 3). */
  itemsPerPage?: number;
  /** Records behind each cursor route (default 25). */
  cursorRecords?: number;
  /** ESI's error limit: `limit` errors per window, then 420 for the rest of it. Default 100 per 60 s. */
  errorLimit?: { limit?: number; windowSeconds?: number };
  /** The spec's x-rate-limit buckets, with the window and budget optionally shortened for tests; false: off. */
  rateLimit?: { windowSeconds?: number; maxTokens?: number } | false;
  /**
   * Bearer tokens. `required` (default true): secured operations without a Bearer get 401.
   * `validate`: accept or refuse a token (default: any Bearer is accepted); may name the character.
   */
  auth?: {
    required?: boolean;
    validate?: (token: string) => boolean | { characterId?: number } | Promise<boolean | { characterId?: number }>;
  };
  /** A Warning header on every answer, e.g. '299 - "This route is deprecated"'. */
  warning?: string;
  /** Knobs per operationId. */
  routes?: Record<string, RouteKnobs>;
}

/** The knobs that can be changed while the fake runs. */
export type FakeEsiSettings = Omit<FakeEsiOptions, "spec">;

export interface FakeRequestLogEntry {
  at: number;
  method: string;
  path: string;
  query: string;
  operationId: string | undefined;
  /** The status answered, or "dropped". */
  status: number | "dropped";
  /** Request headers, without Authorization. */
  headers: Record<string, string>;
  authenticated: boolean;
}

export interface FakeEsiStats {
  requests: number;
  byOperation: Record<string, number>;
  byStatus: Record<string, number>;
  /** 420s sent (error limit). */
  errorLimited: number;
  /** 429s sent (rate limit). */
  rateLimited: number;
  notModified: number;
  dropped: number;
}
