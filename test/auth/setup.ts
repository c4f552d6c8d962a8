import { createSso, type SsoOptions } from "../../src/index.ts";
import { DEFAULT_FAKE_CLIENT, type FakeSso } from "../../src/testing/fake-sso/index.ts";

export const USER_AGENT = "esikit-tests/1.0 (tests@example.com)";
export const WALLET = "esi-wallet.read_character_wallet.v1";
export const ORDERS = "esi-markets.read_character_orders.v1";

/** An Sso for the fake's default client, with quick retries. */
export function ssoFor(fake: FakeSso, extra: Partial<SsoOptions> = {}) {
  return createSso({
    clientId: DEFAULT_FAKE_CLIENT.clientId,
    clientSecret: DEFAULT_FAKE_CLIENT.clientSecret,
    callbackUrl: "http://127.0.0.1/callback",
    userAgent: USER_AGENT,
    ssoBaseUrl: fake.url,
    timeoutMs: 2_000,
    ...extra,
  });
}
