/**
 * esikit/testing: realistic fakes of ESI and EVE SSO on 127.0.0.1, for testing an app's own ESI code over real
 * HTTP instead of mocking fetch. `startFakeEsi({ spec })` serves every operation of a spec with schema-valid
 * bodies and ESI's headers; `startFakeSso()` issues RS256 JWTs with EVE's claims and rotates refresh tokens.
 */
export * from "./fake-esi/index.ts";
export * from "./fake-sso/index.ts";
export { ManualClock } from "./manual-clock.ts";
