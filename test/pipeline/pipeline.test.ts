import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEsiClient, EsiThrottledError, MemoryBudgetStore, MemoryCacheStore, type CachedResponse, type Sso } from "../../src/index.ts";
import { startFakeSso, type FakeSso } from "../../src/testing/fake-sso/index.ts";
import { ssoFor, USER_AGENT, WALLET } from "../auth/setup.ts";
import { json, startRecordingServer } from "../support/recording-server.ts";

const PILOT = 2112625428;
const ALT = 95465499;
const WALLET_PATH = "/characters/{character_id}/wallet";

let sso: FakeSso;
let forced401 = 0;
let server: Awaited<ReturnType<typeof startRecordingServer>>;

/**
 * ESI as far as these tests need it: the wallet route answers the balance of the character whose token signed the
 * request (whatever the path says), with cache, rate-limit and error-limit headers; GetStatus is public.
 */
beforeAll(async () => {
  sso = await startFakeSso({ character: { characterId: PILOT, name: "CCP Zoetrope" } });
  server = await startRecordingServer((req, res) => {
    const limits = { "X-ESI-Error-Limit-Remain": "90", "X-ESI-Error-Limit-Reset": "60" };
    if (req.url.startsWith("/status")) return json(res, 200, { players: 1 }, { ...limits, "Cache-Control": "no-store" });
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    const token = bearer ? sso.inspectAccessToken(bearer) : undefined;
    if (forced401 > 0 || !token || token.expired) {
      forced401 = Math.max(0, forced401 - 1);
      return json(res, 401, { error: "token is expired" }, { ...limits, "X-ESI-Error-Limit-Remain": "89" });
    }
    // A slow answer, so concurrent calls really are in flight together.
    setTimeout(() => {
      json(res, 200, token.characterId, {
        ...limits,
        "X-ESI-Error-Limit-Remain": "77",
        "Cache-Control": "max-age=300",
        "X-Ratelimit-Group": "char-wallet",
        "X-Ratelimit-Limit": "150/15m",
        "X-Ratelimit-Remaining": "140",
        "X-Ratelimit-Used": "2",
      });
    }, 5);
  });
});
afterAll(async () => {
  await server.close();
  await sso.close();
});
beforeEach(() => {
  server.requests.length = 0;
  forced401 = 0;
});

async function ssoWith(...characters: number[]): Promise<Sso> {
  const auth = ssoFor(sso);
  for (const id of characters) await auth.updateToken(await sso.issueTokens({ characterId: id, scopes: [WALLET], expiresIn: 3600 }), id);
  return auth;
}

/** A budget store that remembers which buckets were charged and what ESI said of them. */
class WatchedBudgets extends MemoryBudgetStore {
  readonly taken: string[] = [];
  readonly observed: Array<{ bucket: string; remaining: number }> = [];
  override take(bucket: string, cost: number, maxTokens: number, windowMs: number) {
    this.taken.push(bucket);
    return super.take(bucket, cost, maxTokens, windowMs);
  }
  override observe(bucket: string, remaining: number, maxTokens: number, windowMs: number, releaseAt?: number) {
    this.observed.push({ bucket, remaining });
    return super.observe(bucket, remaining, maxTokens, windowMs, releaseAt);
  }
}

/** A cache store that remembers the keys it was given. */
class WatchedCache extends MemoryCacheStore {
  readonly keys: string[] = [];
  override set(key: string, value: CachedResponse) {
    this.keys.push(key);
    super.set(key, value);
  }
}

describe("one call, one state", () => {
  it("two character views sharing one init object, concurrently, 20 rounds: each gets its own answer", async () => {
    const esi = createEsiClient({ userAgent: USER_AGENT, baseUrl: server.url, auth: await ssoWith(PILOT, ALT), retry: false });
    for (let round = 0; round < 20; round++) {
      // The same init object for both, as an app reusing its request options would pass it.
      const init = { params: { path: { character_id: PILOT } }, headers: { "X-Round": String(round) } };
      const [a, b] = await Promise.all([esi.as(PILOT).GET(WALLET_PATH, init), esi.as(ALT).GET(WALLET_PATH, init)]);
      expect(a.data).toBe(PILOT);
      expect(b.data).toBe(ALT);
      expect(esi.info(a.response)?.characterId).toBe(PILOT);
      expect(esi.info(b.response)?.characterId).toBe(ALT);
    }
    // Each view's first answer was kept under its own character, and each later round was a hit of its own.
    const sentFor = (id: number) => server.requests.filter((r) => sso.inspectAccessToken(String(r.headers.authorization).slice(7))?.characterId === id);
    expect(sentFor(PILOT)).toHaveLength(1);
    expect(sentFor(ALT)).toHaveLength(1);
  });

  it("an app middleware answering from onRequest, 1,000 times, leaves no call in flight in the cache or the limits", async () => {
    const budgets = new WatchedBudgets();
    let answering = true;
    const esi = createEsiClient({
      userAgent: USER_AGENT,
      baseUrl: server.url,
      retry: false,
      // Threshold 80 against ESI's 90 errors left: 11 calls still counted in flight would hold every request.
      limits: { store: budgets, errorLimitThreshold: 80, maxWaitMs: 0 },
      cache: { dedupeWaitMs: 60_000 },
      middleware: [{ onRequest: () => (answering ? new Response(JSON.stringify({ players: 2 }), { status: 200, headers: { "Cache-Control": "no-store" } }) : undefined) }],
    });
    answering = false;
    await esi.call("GetStatus"); // learns the error window from ESI: 90 left
    answering = true;
    const answers = await Promise.all(Array.from({ length: 1000 }, () => esi.call("GetStatus")));
    expect(answers.every((a) => a.players === 2)).toBe(true);
    answering = false;
    // Sent at once: no admission still counted (maxWaitMs 0 would throw), no flight left to wait for.
    const started = Date.now();
    await expect(esi.call("GetStatus")).resolves.toEqual({ players: 1 });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(server.requests.filter((r) => r.url === "/status")).toHaveLength(2);
  });

  it("a 401 replay takes a budget token, has its headers read and is cached", async () => {
    const budgets = new WatchedBudgets();
    const esi = createEsiClient({ userAgent: USER_AGENT, baseUrl: server.url, auth: await ssoWith(PILOT), retry: false, limits: { store: budgets } });
    forced401 = 1;
    const first = await esi.as(PILOT).GET(WALLET_PATH, { params: { path: { character_id: PILOT } } });
    expect(first.data).toBe(PILOT);
    expect(esi.info(first.response)).toMatchObject({ retries: 1, cache: "miss" });
    expect(budgets.taken.filter((b) => b === `char-wallet:${PILOT}`)).toHaveLength(2);
    expect(budgets.observed).toContainEqual({ bucket: `char-wallet:${PILOT}`, remaining: 140 });
    expect(await budgets.errorWindow("esi-error-limit")).toMatchObject({ remain: 77 });
    const again = await esi.as(PILOT).GET(WALLET_PATH, { params: { path: { character_id: PILOT } } });
    expect(esi.info(again.response)?.cache).toBe("hit");
    expect(server.requests).toHaveLength(2);
  });

  it("for one call, the rate-limit bucket and the cache key name the same character", async () => {
    const budgets = new WatchedBudgets();
    const cache = new WatchedCache();
    // The base view, with one character's tokens: the call acts for that character, decided once.
    const esi = createEsiClient({ userAgent: USER_AGENT, baseUrl: server.url, auth: await ssoWith(PILOT), retry: false, limits: { store: budgets }, cache: { store: cache } });
    expect(await esi.call("GetCharactersCharacterIdWallet", { character_id: PILOT })).toBe(PILOT);
    expect(budgets.taken).toEqual([`char-wallet:${PILOT}`]);
    expect(cache.keys).toHaveLength(1);
    expect(cache.keys[0]).toContain(`character=${PILOT}`);
  });

  it("a wait longer than maxWaitMs fails at once with EsiThrottledError", async () => {
    const budgets = new MemoryBudgetStore();
    await budgets.observeErrorWindow("esi-error-limit", { remain: 0, resetAt: Date.now() + 3_600_000 });
    const esi = createEsiClient({ userAgent: USER_AGENT, baseUrl: server.url, limits: { store: budgets, maxWaitMs: 1000 } });
    await expect(esi.call("GetStatus")).rejects.toBeInstanceOf(EsiThrottledError);
    expect(server.requests).toHaveLength(0);
  });
});
