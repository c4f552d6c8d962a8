import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEsiClient, InvalidGrantError, MemoryTokenStore, MissingScopeError, NotLoggedInError, type Sso, type TokenSet } from "../../src/index.ts";
import { startFakeSso, type FakeSso } from "../../src/testing/fake-sso/index.ts";
import { startEsiStandIn } from "./esi-stand-in.ts";
import { ORDERS, ssoFor, USER_AGENT, WALLET } from "./setup.ts";

const PILOT = 2112625428;
const ALT = 95465499;

let fake: FakeSso;
let esiServer: Awaited<ReturnType<typeof startEsiStandIn>>;
beforeAll(async () => {
  fake = await startFakeSso({ character: { characterId: PILOT, name: "CCP Zoetrope" } });
  esiServer = await startEsiStandIn(fake);
});
afterAll(async () => {
  await esiServer.close();
  await fake.close();
});
beforeEach(() => {
  esiServer.requests.length = 0;
  esiServer.reject401(0);
});

const esiFor = (sso: Sso, extra: Partial<Parameters<typeof createEsiClient>[0]> = {}) =>
  createEsiClient({ userAgent: USER_AGENT, baseUrl: esiServer.url, auth: sso, retry: false, cache: false, ...extra });

/** An Sso holding only a saved refresh token: "expired, refreshable". */
async function seeded(characterId = PILOT, scopes = [WALLET, ORDERS]) {
  const sso = ssoFor(fake);
  const saved = await fake.issueTokens({ characterId, scopes });
  await sso.updateToken({ access_token: "", expires_in: -1, refresh_token: saved.refresh_token });
  return sso;
}

describe("the auth plugin", () => {
  it("refreshes by itself on the first request that needs a scope, and signs it", async () => {
    const sso = await seeded();
    const esi = esiFor(sso);
    const before = fake.counters.refreshGrants;
    const { data, error } = await esi.GET("/characters/{character_id}/wallet", { params: { path: { character_id: PILOT } } });
    expect(error).toBeUndefined();
    expect(data).toBe(1234.5 + PILOT);
    expect(fake.counters.refreshGrants).toBe(before + 1);
    // A second request uses the same token.
    await esi.call("GetCharactersCharacterIdWallet", { character_id: PILOT });
    expect(fake.counters.refreshGrants).toBe(before + 1);
    const [first, second] = esiServer.authorized();
    expect(first?.headers.authorization).toMatch(/^Bearer ey/);
    expect(second?.headers.authorization).toBe(first?.headers.authorization);
  });

  it("stores the rotated refresh token before the new access token goes out", async () => {
    const saves: Array<{ refreshToken: string | undefined; esiRequestsSoFar: number }> = [];
    class SlowStore extends MemoryTokenStore {
      override async set(key: string, tokens: TokenSet): Promise<void> {
        await new Promise((resolve) => setTimeout(resolve, 50));
        super.set(key, tokens);
        saves.push({ refreshToken: tokens.refreshToken, esiRequestsSoFar: esiServer.requests.length });
      }
    }
    const sso = ssoFor(fake, { store: new SlowStore() });
    const saved = await fake.issueTokens({ characterId: PILOT, scopes: [WALLET] });
    await sso.updateToken({ access_token: "", expires_in: -1, refresh_token: saved.refresh_token });
    await esiFor(sso).call("GetCharactersCharacterIdWallet", { character_id: PILOT });
    expect(saves.at(-1)).toEqual({ refreshToken: fake.issuedRefreshTokens.at(-1), esiRequestsSoFar: 0 });
    expect(esiServer.requests).toHaveLength(1);
  });

  it("never sends Authorization on a public operation", async () => {
    const sso = await seeded();
    const esi = esiFor(sso);
    await esi.call("GetCharactersCharacterIdWallet", { character_id: PILOT });
    const { data } = await esi.GET("/universe/types/{type_id}", { params: { path: { type_id: 587 } } });
    expect(data).toMatchObject({ name: "Rifter" });
    expect(esiServer.requests.at(-1)?.url).toBe("/universe/types/587");
    expect(esiServer.requests.at(-1)?.headers.authorization).toBeUndefined();
  });

  it("1,000 concurrent requests on an expired token share exactly one token request", async () => {
    const sso = await seeded();
    // Transport retries stay on: a thousand connections at once on a loaded CI box may see a reset.
    const esi = esiFor(sso, { limits: false, retry: {} });
    const before = fake.counters.token;
    const results = await Promise.all(
      Array.from({ length: 1000 }, () => esi.GET("/characters/{character_id}/orders", { params: { path: { character_id: PILOT } } })),
    );
    const tokenRequests = fake.counters.token - before;
    console.log(`[figure] token requests for 1,000 concurrent calls on an expired token: ${tokenRequests}`);
    expect(tokenRequests).toBe(1);
    expect(results.every((r) => r.response.status === 200)).toBe(true);
    expect(new Set(esiServer.authorized().map((r) => r.headers.authorization)).size).toBe(1);
  });

  it("answers a 401 on a token that looked valid with one refresh and one retry", async () => {
    const sso = await seeded();
    const esi = esiFor(sso);
    await esi.call("GetCharactersCharacterIdWallet", { character_id: PILOT });
    const refreshes = fake.counters.refreshGrants;
    esiServer.requests.length = 0;
    esiServer.reject401(1);
    const { data, response } = await esi.GET("/characters/{character_id}/wallet", { params: { path: { character_id: PILOT } } });
    expect(response.status).toBe(200);
    expect(data).toBe(1234.5 + PILOT);
    expect(fake.counters.refreshGrants).toBe(refreshes + 1);
    expect(esiServer.requests).toHaveLength(2);
    expect(esiServer.requests[1]?.headers.authorization).not.toBe(esiServer.requests[0]?.headers.authorization);
    expect(esi.info(response)?.retries).toBe(1);
  });

  it("does not loop on a second 401: the retry's answer is returned", async () => {
    const sso = await seeded();
    const esi = esiFor(sso);
    await esi.call("GetCharactersCharacterIdWallet", { character_id: PILOT });
    const refreshes = fake.counters.refreshGrants;
    esiServer.requests.length = 0;
    esiServer.reject401(2);
    const { response } = await esi.GET("/characters/{character_id}/wallet", { params: { path: { character_id: PILOT } } });
    expect(response.status).toBe(401);
    expect(fake.counters.refreshGrants).toBe(refreshes + 1);
    expect(esiServer.requests).toHaveLength(2);
  });

  it("invalid_grant: every waiting request fails with the same InvalidGrantError after one token request", async () => {
    const sso = await seeded();
    fake.revoke(fake.issuedRefreshTokens.at(-1)!);
    const esi = esiFor(sso);
    const failed: unknown[] = [];
    esi.events.on("token-refresh-failed", (payload) => failed.push(payload));
    const before = fake.counters.token;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => esi.GET("/characters/{character_id}/wallet", { params: { path: { character_id: PILOT } } })),
    );
    expect(fake.counters.token - before).toBe(1);
    const errors = outcomes.map((o) => (o.status === "rejected" ? o.reason : undefined));
    expect(errors[0]).toBeInstanceOf(InvalidGrantError);
    expect((errors[0] as Error).message).toMatch(/log .* in again/i);
    expect(new Set(errors).size).toBe(1); // the same error object for all
    expect(failed).toEqual([{ characterId: undefined, error: (errors[0] as Error).message }]);
    // Later calls fail at once, without asking SSO again, until the character logs in again.
    await expect(esi.call("GetCharactersCharacterIdWallet", { character_id: PILOT })).rejects.toBeInstanceOf(InvalidGrantError);
    expect(fake.counters.token - before).toBe(1);
    expect(esiServer.requests).toHaveLength(0);
  });

  it("a token without the operation's scope fails with MissingScopeError naming it, before any request", async () => {
    const sso = await seeded(PILOT, [WALLET]);
    const esi = esiFor(sso);
    await esi.call("GetCharactersCharacterIdWallet", { character_id: PILOT });
    esiServer.requests.length = 0;
    const tokenRequests = fake.counters.token;
    const error = await esi.call("GetCharactersCharacterIdOrders", { character_id: PILOT }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingScopeError);
    expect((error as Error).message).toContain(ORDERS);
    expect(esiServer.requests).toHaveLength(0);
    // Even with the access token expired, a token known to lack the scope is not refreshed first.
    await sso.updateToken({ access_token: sso.tokens.peek("default")!.accessToken, expires_in: -1 });
    await expect(esi.call("GetCharactersCharacterIdOrders", { character_id: PILOT })).rejects.toBeInstanceOf(MissingScopeError);
    expect(fake.counters.token).toBe(tokenRequests);
    expect(esiServer.requests).toHaveLength(0);
  });

  it("serves many characters from one Sso: esi.as(id), or the character_id of the path", async () => {
    const sso = ssoFor(fake);
    const refreshed: Array<number | undefined> = [];
    sso.on("token-refreshed", (p) => refreshed.push(p.characterId));
    for (const id of [PILOT, ALT]) {
      const saved = await fake.issueTokens({ characterId: id, scopes: [WALLET] });
      await sso.updateToken({ access_token: "", expires_in: -1, refresh_token: saved.refresh_token }, id);
    }
    const esi = esiFor(sso);
    expect(await esi.as(ALT).call("GetCharactersCharacterIdWallet", { character_id: ALT })).toBe(1234.5 + ALT);
    expect(await esi.call("GetCharactersCharacterIdWallet", { character_id: PILOT })).toBe(1234.5 + PILOT);
    expect(refreshed.sort()).toEqual([ALT, PILOT].sort());
    // Two token sets and nothing saying which: a clear error, nothing sent.
    esiServer.requests.length = 0;
    const error = await esi.GET("/characters/{character_id}/wallet", { params: { path: { character_id: 1 } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotLoggedInError);
    expect((error as Error).message).toMatch(/esi\.as\(characterId\)/);
    await expect(esi.as(123).call("GetCharactersCharacterIdWallet", { character_id: 123 })).rejects.toThrow(/No tokens for character 123/);
    expect(esiServer.requests).toHaveLength(0);
  });

  it("has the cache keep an answer under the character whose token signed it, never serving it to another", async () => {
    const sso = ssoFor(fake);
    for (const id of [PILOT, ALT]) {
      const saved = await fake.issueTokens({ characterId: id, scopes: [WALLET] });
      await sso.updateToken({ access_token: "", expires_in: -1, refresh_token: saved.refresh_token }, id);
    }
    const esi = esiFor(sso, { cache: {} });
    const sent = () => esiServer.requests.filter((r) => r.url === `/characters/${PILOT}/wallet`).length;

    // The base view acts for the path's character: the answer is PILOT's, whichever view asks.
    const first = await esi.GET("/characters/{character_id}/wallet", { params: { path: { character_id: PILOT } } });
    expect(esi.info(first.response)).toMatchObject({ cache: "miss", characterId: PILOT });
    const again = await esi.as(PILOT).GET("/characters/{character_id}/wallet", { params: { path: { character_id: PILOT } } });
    expect(esi.info(again.response)).toMatchObject({ cache: "hit", characterId: PILOT });
    expect(again.data).toBe(first.data);
    expect(sent()).toBe(1);

    // Another character asking for the same URL is sent to ESI with its own token, not given PILOT's answer.
    const other = await esi.as(ALT).GET("/characters/{character_id}/wallet", { params: { path: { character_id: PILOT } } });
    expect(esi.info(other.response)?.cache).not.toBe("hit");
    expect(sent()).toBe(2);
  });

  it("lets esi.as(id) use a bare saved refresh token once its refresh shows it is that character's", async () => {
    const sso = await seeded();
    const esi = esiFor(sso);
    await expect(esi.as(ALT).call("GetCharactersCharacterIdWallet", { character_id: ALT })).rejects.toThrow(/No tokens for character 95465499/);
    expect(await esi.as(PILOT).call("GetCharactersCharacterIdWallet", { character_id: PILOT })).toBe(1234.5 + PILOT);
    expect(esiServer.authorized()).toHaveLength(1);
  });

  it("reports refreshes on the client's events as well, without tokens", async () => {
    const sso = await seeded();
    const esi = esiFor(sso);
    const seen: unknown[] = [];
    esi.events.on("token-refreshed", (p) => seen.push(p));
    await esi.call("GetCharactersCharacterIdWallet", { character_id: PILOT });
    expect(seen).toEqual([{ characterId: PILOT, scopes: [WALLET, ORDERS], expiresAt: expect.any(Number) }]);
  });
});
