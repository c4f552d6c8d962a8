import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSso, InvalidGrantError, MemoryTokenStore, StateMismatchError } from "../../src/index.ts";
import { DEFAULT_FAKE_CLIENT, startFakeSso, type FakeSso } from "../../src/testing/fake-sso/index.ts";
import { ssoFor, USER_AGENT, WALLET } from "./setup.ts";

let fake: FakeSso;
beforeAll(async () => {
  fake = await startFakeSso({
    clients: [DEFAULT_FAKE_CLIENT, { clientId: "desktop-app", callbackUrl: "http://127.0.0.1:4999/cb" }],
    character: { characterId: 2112625428, name: "CCP Zoetrope" },
  });
});
afterAll(() => fake.close());

/** Follows the authorize URL like a browser would, up to the callback, and reads its query. */
async function approve(url: string): Promise<URLSearchParams> {
  const response = await fetch(url, { redirect: "manual" });
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location")!).searchParams;
}

describe("the seed flow (EsiPy's 'Using the refresh token')", () => {
  it("updateToken with a saved refresh token, then refresh(): Bearer tokens, the refresh token rotated and kept", async () => {
    const saved = (await fake.issueTokens({ characterId: 2112625428, scopes: [WALLET] })).refresh_token;
    const sso = ssoFor(fake);
    const refreshed: unknown[] = [];
    sso.on("token-refreshed", (payload) => refreshed.push(payload));

    await sso.updateToken({ access_token: "", expires_in: -1, refresh_token: saved });
    expect(sso.isTokenExpired()).toBe(true); // "expired, refreshable"
    const before = fake.counters.refreshGrants;

    const tokens = await sso.refresh();
    expect(fake.counters.refreshGrants).toBe(before + 1);
    expect(tokens.token_type).toBe("Bearer");
    expect(tokens.expires_in).toBeGreaterThan(1100);
    expect(tokens.refresh_token).toBe(fake.issuedRefreshTokens.at(-1));
    expect(tokens.refresh_token).not.toBe(saved);
    expect(fake.inspectAccessToken(tokens.access_token)).toMatchObject({ characterId: 2112625428, expired: false });
    expect(sso.isTokenExpired()).toBe(false);
    expect(sso.isTokenExpired(1200)).toBe(true); // a margin wider than the lifetime

    // AFTER_TOKEN_REFRESH: who and until when, never the token.
    expect(refreshed).toEqual([{ characterId: 2112625428, scopes: [WALLET], expiresAt: expect.any(Number) }]);
    expect(JSON.stringify(refreshed)).not.toContain(tokens.refresh_token!);

    const who = await sso.verify();
    expect(who).toMatchObject({ characterId: 2112625428, name: "CCP Zoetrope", scopes: [WALLET] });
    expect(who.ownerHash).not.toBe("");
  });

  it("keeps the old refresh token when SSO's answer carries none", async () => {
    const saved = (await fake.issueTokens({ characterId: 2112625428, scopes: [WALLET] })).refresh_token;
    const store = new MemoryTokenStore();
    const sso = ssoFor(fake, { store });
    await sso.updateToken({ access_token: "", expires_in: -1, refresh_token: saved });
    fake.setRotation("none");
    try {
      const tokens = await sso.refresh();
      expect(tokens.refresh_token).toBe(saved);
      expect((await store.get("default"))?.refreshToken).toBe(saved);
      expect((await sso.refresh()).access_token).not.toBe(tokens.access_token); // and it still works
    } finally {
      fake.setRotation("keep");
    }
  });

  it("fetches SSO's metadata once", async () => {
    const sso = ssoFor(fake);
    const before = fake.counters.metadata;
    await Promise.all([sso.metadata(), sso.metadata(), sso.authorizationUrl({ scopes: [] })]);
    await sso.metadata();
    expect(fake.counters.metadata).toBe(before + 1);
    expect((await sso.metadata()).token_endpoint).toBe(`${fake.url}/v2/oauth/token`);
  });
});

describe("logging in", () => {
  it("with a secret: authorize, callback, exchangeCode (HTTP Basic), tokens kept under the character", async () => {
    const store = new MemoryTokenStore();
    const sso = ssoFor(fake, { store, callbackUrl: "http://127.0.0.1:4998/cb" });
    const start = await sso.authorizationUrl({ scopes: [WALLET, "publicData"] });
    const url = new URL(start.url);
    expect(url.searchParams.get("scope")).toBe(`${WALLET} publicData`);
    expect(url.searchParams.get("state")).toBe(start.state);
    expect(start.state.length).toBeGreaterThanOrEqual(16);
    expect(url.searchParams.has("code_challenge")).toBe(false);

    const callback = await approve(start.url);
    const loggedIn = await sso.exchangeCode(callback.get("code")!, { state: callback.get("state")!, expectedState: start.state });
    expect(loggedIn).toMatchObject({ characterId: 2112625428, characterName: "CCP Zoetrope", scopes: [WALLET, "publicData"], token_type: "Bearer" });
    expect(await store.keys()).toEqual(["2112625428"]);
    expect((await store.get("2112625428"))?.refreshToken).toBe(loggedIn.refresh_token);
  });

  it("without a secret: PKCE S256 with client_id and code_verifier in the body", async () => {
    const sso = createSso({ clientId: "desktop-app", callbackUrl: "http://127.0.0.1:4999/cb", userAgent: USER_AGENT, ssoBaseUrl: fake.url });
    const start = await sso.authorizationUrl({ scopes: [WALLET], state: "my-own-state" });
    expect(start.state).toBe("my-own-state");
    expect(start.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(new URL(start.url).searchParams.get("code_challenge_method")).toBe("S256");
    const callback = await approve(start.url);
    const loggedIn = await sso.exchangeCode(callback.get("code")!, { state: callback.get("state")!, expectedState: start.state, codeVerifier: start.codeVerifier });
    expect(loggedIn.characterId).toBe(2112625428);
    // The fake refuses a wrong verifier, so a success proves the challenge matched.
    const again = await sso.authorizationUrl({ scopes: [WALLET] });
    const cb2 = await approve(again.url);
    await expect(sso.exchangeCode(cb2.get("code")!, { state: cb2.get("state")!, expectedState: again.state, codeVerifier: start.codeVerifier })).rejects.toBeInstanceOf(InvalidGrantError);
  });

  it("refuses a callback whose state does not match, without asking SSO", async () => {
    const sso = ssoFor(fake);
    const start = await sso.authorizationUrl({ scopes: [WALLET] });
    const callback = await approve(start.url);
    const before = fake.counters.token;
    await expect(sso.exchangeCode(callback.get("code")!, { state: "forged", expectedState: start.state })).rejects.toBeInstanceOf(StateMismatchError);
    expect(fake.counters.token).toBe(before);
  });

  it("revoke(): revokes the refresh token at SSO, forgets it here and in the store, and says so", async () => {
    const store = new MemoryTokenStore();
    const sso = ssoFor(fake, { store });
    const issued = await fake.issueTokens({ characterId: 2112625428, scopes: [WALLET] });
    await sso.updateToken(issued);
    const revoked: unknown[] = [];
    sso.on("token-revoked", (payload) => revoked.push(payload));
    await sso.revoke();
    expect(await store.keys()).toEqual([]);
    expect(revoked).toEqual([{ characterId: 2112625428 }]);
    // SSO now refuses it.
    const other = ssoFor(fake);
    await other.updateToken({ access_token: "", expires_in: -1, refresh_token: issued.refresh_token });
    await expect(other.refresh()).rejects.toBeInstanceOf(InvalidGrantError);
  });
});
