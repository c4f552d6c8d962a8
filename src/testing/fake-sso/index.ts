/** esikit/testing: a fake EVE SSO v2 on 127.0.0.1, for testing apps' logins and refreshes over real HTTP. */
export { DEFAULT_FAKE_CLIENT, startFakeSso, type FakeSso, type IssueOptions } from "./server.ts";
export type { FailureKnob, FakeCharacter, FakeSsoClient, FakeSsoCounters, FakeSsoEndpoint, FakeSsoOptions, FakeTokenResponse, IssuedAccessToken } from "./options.ts";
export { createSigningKey, type SigningKey } from "./signing-key.ts";
