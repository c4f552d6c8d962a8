/** esikit/testing: a fake ESI for testing apps against real HTTP instead of a mocked fetch. */
export { startFakeEsi, type FakeEsi } from "./server.ts";
export type { FakeEsiOptions, FakeEsiSettings, FakeEsiStats, FakeReply, FakeRequest, FakeRequestLogEntry, RouteKnobs } from "./options.ts";
export type { SpecOperation, SpecSource } from "./spec-routes.ts";
export { tokenCost } from "./rate-buckets.ts";
