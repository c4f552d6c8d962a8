import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEsiClient, InvalidGrantError, MemoryTokenStore, MissingScopeError, NotLoggedInError, SsoError, StateMismatchError, TokenVerificationError, type TokenSet } from "../../src/index.ts";
import { DEFAULT_FAKE_CLIENT, startFakeSso, type FakeSso } from "../../src/testing/fake-sso/index.ts";
import { startEsiStandIn } from "./esi-stand-in.ts";
import { ORDERS, ssoFor, USER_AGENT, WALLET } from "./setup.ts";

const PILOT = 2112625428;
let fake: FakeSso;
let esiServer: Awaited<ReturnType<typeof startEsiStandIn>>;
beforeAll(async () => {
  fake = await startFakeSso({ character: { characterId: PILOT } });
  esiServer = await startEsiStandIn(fake);
});
afterAll(async () => {
  await esiServer.close();
  await fake.close();
});

async function seeded(extra: Parameters<typeof ssoFor>[1] = {}) {
  const sso = ssoFor(fake, { ...extra });
  const saved = await fake.issueTokens({ characterId: PILOT, scopes: [WALLET] });
  await sso.updateToken({ access_token: "", expires_in: -1, refresh_token: saved.refresh_token });
  return { sso, saved };
}

describe("SSO calls through ky", () => {
  it("retries a 500 and a dropped connection, then succeeds", async () => {
    const { sso } = await seeded();
    await sso.metadata();
    const before = fake.counters.token;
    fake.fail({ endpoint: "token", mode: "500" });
    fake.fail({ endpoint: "token", mode: "drop" });
    await expect(sso.refresh()).resolves.toMatchObject({ token_type: "Bearer" });
    expect(fake.counters.token - before).toBe(3);
  });

  it("gives up after its retries with an SsoError that names the status", async () => {
    const { sso } = await seeded({ retryLimit: 1 });
    await sso.metadata();
    const before = fake.counters.token;
    fake.fail({ endpoint: "token", mode: "500", times: 2 });
    const error = await sso.refresh().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SsoError);
    expect((error as Error).message).toMatch(/Refreshing the token failed: EVE SSO answered 500/);
    expect(fake.counters.token - before).toBe(2);
  });

  it("times out on a slow SSO", async () => {
    const { sso } = await seeded({ timeoutMs: 200, retryLimit: 0 });
    await sso.metadata();
    fake.fail({ endpoint: "token", mode: "slow", delayMs: 1_000 });
    await expect(sso.refresh()).rejects.toThrow(/did not answer in time/);
  });

  it("explains an HTML page where JSON was expected", async () => {
    const { sso } = await seeded();
    fake.fail({ endpoint: "metadata", mode: "html" });
    await expect(sso.refresh()).rejects.toThrow(/metadata failed: EVE SSO answered 200 with a body that is not JSON \(text\/html/);
    // The metadata was not cached from a failure: the next call works.
    await expect(sso.refresh()).resolves.toMatchObject({ token_type: "Bearer" });
  });

  it("never retries invalid_grant: exactly one token request, then the typed error", async () => {
    const { sso, saved } = await seeded();
    await sso.metadata();
    fake.revoke(saved.refresh_token);
    const before = fake.counters.token;
    const error = await sso.refresh().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidGrantError);
    expect((error as InvalidGrantError).code).toBe("invalid_grant");
    expect((error as Error).message).toMatch(/Log the character in again/);
    expect(fake.counters.token - before).toBe(1);
  });
});

describe("no secret or token in any message", () => {
  it("drives every error path and finds neither the client secret nor a token in a message or event", async () => {
    const secrets: string[] = [DEFAULT_FAKE_CLIENT.clientSecret];
    const messages: string[] = [];
    const capture = async (work: () => Promise<unknown>, type: new (...args: never[]) => Error) => {
      const error = await work().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(type);
      for (let e: unknown = error; e instanceof Error; e = e.cause) messages.push(`${e.name}: ${e.message}`, JSON.stringify(e), String(e.stack));
    };
    const remember = (t: { access_token: string; refresh_token?: string }) => {
      secrets.push(t.access_token);
      if (t.refresh_token) secrets.push(t.refresh_token);
      return t;
    };

    // invalid_grant (revoked refresh token), on refresh() and through the ESI client
    const a = await seeded();
    remember(a.saved);
    fake.revoke(a.saved.refresh_token);
    const events: unknown[] = [];
    a.sso.on("token-refresh-failed", (p) => events.push(p));
    await capture(() => a.sso.refresh(), InvalidGrantError);
    await capture(() => createEsiClient({ userAgent: USER_AGENT, baseUrl: esiServer.url, auth: a.sso, cache: false }).call("GetCharactersCharacterIdWallet", { character_id: PILOT }), InvalidGrantError);

    // 500s until retries run out; an HTML body; a timeout; SSO unreachable
    for (const knob of [{ mode: "500" as const, times: 3 }, { mode: "html" as const }, { mode: "slow" as const, delayMs: 600, times: 3 }]) {
      const b = await seeded({ timeoutMs: 300, retryLimit: 2 });
      remember(b.saved);
      await b.sso.metadata();
      fake.fail({ endpoint: "token", ...knob });
      b.sso.on("token-refresh-failed", (p) => events.push(p));
      await capture(() => b.sso.refresh(), SsoError);
    }
    const down = ssoFor(fake, { ssoBaseUrl: "http://127.0.0.1:9", retryLimit: 0 });
    await down.updateToken({ access_token: "", expires_in: -1, refresh_token: "down-refresh-token-value" });
    secrets.push("down-refresh-token-value");
    await capture(() => down.refresh(), SsoError);

    // invalid_client: a wrong secret
    const wrong = ssoFor(fake, { clientSecret: "not-the-secret-at-all" });
    secrets.push("not-the-secret-at-all");
    const c = await fake.issueTokens({ characterId: PILOT, scopes: [WALLET] });
    remember(c);
    await wrong.updateToken({ access_token: "", expires_in: -1, refresh_token: c.refresh_token });
    await capture(() => wrong.refresh(), SsoError);

    // a refused code, a state mismatch, a token that fails verification (expired, with a real signature)
    const d = ssoFor(fake);
    await capture(() => d.exchangeCode("made-up-code", { state: "s", expectedState: "s" }), InvalidGrantError);
    await capture(() => d.exchangeCode("made-up-code", { state: "x", expectedState: "s" }), StateMismatchError);
    const expired = remember(await fake.issueTokens({ characterId: PILOT, scopes: [WALLET], expiresIn: -600 }));
    await capture(() => d.verify(expired.access_token), TokenVerificationError);

    // a missing scope, and an expired access token without a refresh token
    const e = ssoFor(fake);
    const live = remember(await fake.issueTokens({ characterId: PILOT, scopes: [WALLET] }));
    await e.updateToken({ access_token: live.access_token, expires_in: 1199 });
    const esi = createEsiClient({ userAgent: USER_AGENT, baseUrl: esiServer.url, auth: e, cache: false });
    await capture(() => esi.call("GetCharactersCharacterIdOrders", { character_id: PILOT }), MissingScopeError);
    const f = ssoFor(fake);
    await f.updateToken({ access_token: expired.access_token, expires_in: -1 });
    await capture(() => f.refresh(), NotLoggedInError);

    // a store that fails to save the rotated token
    const failing = new MemoryTokenStore();
    failing.set = (_key: string, _tokens: TokenSet) => {
      throw new Error("disk full");
    };
    const g = ssoFor(fake, { store: failing });
    const gTokens = remember(await fake.issueTokens({ characterId: PILOT, scopes: [WALLET, ORDERS] }));
    await g.updateToken({ access_token: "", expires_in: -1, refresh_token: gTokens.refresh_token }).catch(() => undefined);
    await capture(() => g.refresh(), SsoError);

    for (const t of fake.issuedRefreshTokens) secrets.push(t);
    const haystack = [...messages, JSON.stringify(events)].join("\n");
    expect(messages.length).toBeGreaterThan(30);
    expect(events.length).toBeGreaterThanOrEqual(4);
    for (const secret of secrets) expect(haystack.includes(secret), `a secret or token leaked into: ${haystack.slice(0, 300)}`).toBe(false);
    // The Basic header's base64 form as well.
    expect(haystack).not.toContain(Buffer.from(`${DEFAULT_FAKE_CLIENT.clientId}:${DEFAULT_FAKE_CLIENT.clientSecret}`).toString("base64"));
  });
});
