/**
 * esikit/testing: a fake ESI for testing apps against real HTTP instead of a mocked fetch.
 *
 *   const fake = await startFakeEsi({ spec: "openapi.json" });   // 127.0.0.1, a free port
 *   const esi = createEsiClient({ userAgent: "my-app/1.0 (me@example.com)", baseUrl: fake.url });
 *
 * Every operation of the spec answers with a body valid against its schema (deterministic, seeded per route,
 * ids distinct across pages) and ESI's headers: ETag, Last-Modified, Cache-Control max-age + Expires from
 * x-cache-age, X-ESI-Error-Limit-Remain/-Reset on every answer, X-Ratelimit-* on rate-limited routes, X-Pages.
 * Knobs (at start, or later with set()/route()): see FakeEsiOptions and RouteKnobs.
 */
export { startFakeEsi, type FakeEsi } from "./server.ts";
export type { FakeEsiOptions, FakeEsiSettings, FakeEsiStats, FakeReply, FakeRequest, FakeRequestLogEntry, RouteKnobs } from "./options.ts";
export type { SpecOperation, SpecSource } from "./spec-routes.ts";
export { tokenCost } from "./rate-buckets.ts";
