import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSso } from "../../src/auth/create-sso.ts";
import { RedisTokenStore } from "../../src/stores/redis/redis-token-store.ts";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { DEFAULT_FAKE_CLIENT, startFakeSso, type FakeSso } from "../../src/testing/fake-sso/index.ts";
import { HAVE_REAL_SPECS, NO_SPECS_REASON, specFile } from "../support/spec-files.ts";
import { deleteKeys, REDIS_URL, redisAvailability, uniquePrefix } from "./support/redis-test-env.ts";
import { spawnWorkers, type WorkerMessage, type WorkerProcess } from "./support/worker-processes.ts";
import type { EsiWorkerInput } from "./workers/esi-worker.ts";

const availability = await redisAvailability();
const why = availability.why || (HAVE_REAL_SPECS ? "" : `skipped: ${NO_SPECS_REASON}`);
const CHARACTER = 90000001;
const ORDERS_SCOPE = "esi-markets.read_character_orders.v1";
// Needs a scope, has no rate-limit group: the run measures token refreshes, not rate limiting.
const ORDERS = { operationId: "GetCharactersCharacterIdOrders", params: { character_id: CHARACTER } };
const fingerprint = (secret: string | undefined) => (secret ? createHash("sha256").update(secret).digest("hex").slice(0, 16) : undefined);

describe.runIf(availability.run && HAVE_REAL_SPECS)(`4 workers, 1 Redis, the fake SSO: one refresh for all (${REDIS_URL})${why ? ` — ${why}` : ""}`, () => {
  const prefix = uniquePrefix();
  const killPrefix = uniquePrefix();
  let redis: Redis;
  let sso: FakeSso;
  let esi: FakeEsi;
  let workers: WorkerProcess[] = [];

  const runAll = async (count: number): Promise<WorkerMessage[]> => {
    for (const w of workers) w.send({ type: "run", ...ORDERS, count, concurrency: count });
    return Promise.all(workers.map((w) => w.next("ran")));
  };
  /** As the app's login server would: the character's tokens in the shared store, the access token expired. */
  const seedExpiredTokens = async (keyPrefix: string) => {
    const seeded = await sso.issueTokens({ characterId: CHARACTER, scopes: [ORDERS_SCOPE], expiresIn: -60 });
    const login = createSso({
      clientId: DEFAULT_FAKE_CLIENT.clientId,
      callbackUrl: "http://127.0.0.1/callback",
      userAgent: "esikit-tests/1.0",
      ssoBaseUrl: sso.url,
      store: new RedisTokenStore(redis, { prefix: keyPrefix }),
    });
    await login.tokens.update({ access_token: seeded.access_token, expires_in: -60, refresh_token: seeded.refresh_token }, CHARACTER);
  };
  const tokensHeld = async () => {
    for (const w of workers) w.send({ type: "tokens" });
    return Promise.all(workers.map((w) => w.next("tokens")));
  };

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    // "revoke": a rotated refresh token is refused from then on, so a worker using a stale one fails loudly.
    sso = await startFakeSso({ rotation: "revoke" });
    esi = await startFakeEsi({
      spec: specFile("openapi.json"),
      maxAgeSeconds: null,
      // The 401s below count as errors at ESI; this file is about tokens, so the error window is kept out of the way.
      errorLimit: { limit: 10_000 },
      routes: { GetCharactersCharacterIdOrders: { body: [] } }, // a fixed body: the run measures tokens, not the fake

      // ESI accepts only access tokens the fake SSO issued and that have not expired by its clock.
      auth: {
        validate: (token) => {
          const issued = sso.inspectAccessToken(token);
          return issued !== undefined && !issued.expired && !issued.revoked ? { characterId: issued.characterId } : false;
        },
      },
    });
    await seedExpiredTokens(prefix);

    const input: EsiWorkerInput = { redisUrl: REDIS_URL, prefix, esiUrl: esi.url, ssoUrl: sso.url, characterId: CHARACTER, cache: false };
    workers = spawnWorkers("esi-worker.ts", 4, () => input);
    await Promise.all(workers.map((w) => w.next("ready")));
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) w.send({ type: "exit" });
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all([sso?.close(), esi?.close()]);
    if (redis) {
      await deleteKeys(redis, prefix);
      await deleteKeys(redis, killPrefix);
      redis.disconnect();
    }
  });

  it("1,000 concurrent calls on an expired token: exactly one token request, then every worker holds the rotated refresh token", { timeout: 90_000 }, async () => {
    const before = sso.counters.refreshGrants;
    const ran = await runAll(250);
    const refreshes = sso.counters.refreshGrants - before;
    console.info(`[redis tokens] 1,000 calls across 4 workers on an expired token: ${refreshes} token request(s), ${ran.map((r) => `${r.ms} ms`).join(", ")}`);

    expect(ran.map((r) => r.failures)).toEqual([{}, {}, {}, {}]);
    expect(ran.reduce((sum, r) => sum + (r.ok as number), 0)).toBe(1000);
    expect(refreshes).toBe(1);
    expect(esi.stats.byStatus["401"]).toBeUndefined(); // the expired access token never reached ESI
    const newest = fingerprint(sso.issuedRefreshTokens.at(-1));
    expect((await tokensHeld()).map((t) => t.refreshToken)).toEqual([newest, newest, newest, newest]);
  });

  it("when ESI rejects the token (401), the next refresh, by whichever worker, presents the rotated refresh token", async () => {
    sso.clock.advance(1200); // every access token issued so far has expired, by SSO's (and so ESI's) clock
    const before = sso.counters.refreshGrants;
    const ran = await runAll(25);

    // The fake SSO refuses rotated refresh tokens: a worker using a stale one would fail its calls here.
    expect(ran.map((r) => r.failures)).toEqual([{}, {}, {}, {}]);
    expect(sso.counters.refreshGrants - before).toBe(1);
    const newest = fingerprint(sso.issuedRefreshTokens.at(-1));
    const held = await tokensHeld();
    expect(held.map((t) => t.refreshToken)).toEqual([newest, newest, newest, newest]);
    expect(new Set(held.map((t) => t.accessToken)).size).toBe(1);
  });

  // Last: it kills a worker.
  it("the worker holding the refresh lock is killed (SIGKILL): another completes the refresh within the lock's TTL", { timeout: 60_000 }, async () => {
    const lockTtlMs = 2000;
    const [holder, waiter] = workers as [WorkerProcess, WorkerProcess];
    await seedExpiredTokens(killPrefix);
    for (const w of [holder, waiter]) w.send({ type: "configure", input: { prefix: killPrefix, lockTtlMs } });
    await Promise.all([holder.next("configured"), waiter.next("configured")]);
    sso.fail({ endpoint: "token", mode: "slow", delayMs: 60_000 }); // the holder's refresh hangs at SSO
    const tokenRequests = sso.counters.token;
    const issued = sso.issuedRefreshTokens.length;

    holder.send({ type: "run", ...ORDERS, count: 1, concurrency: 1 });
    while (sso.counters.token === tokenRequests) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await redis.exists(`${killPrefix}tokens-lock:${CHARACTER}`)).toBe(1); // held while its refresh is in flight
    waiter.send({ type: "run", ...ORDERS, count: 1, concurrency: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the waiter is now waiting for the lock
    holder.child.kill("SIGKILL");
    const killedAt = Date.now();
    const ran = await waiter.next("ran");
    const recoveredMs = Date.now() - killedAt;
    console.info(`[redis tokens] refresh-lock holder SIGKILLed: another worker refreshed and finished its call ${recoveredMs} ms later (lock TTL ${lockTtlMs} ms)`);

    expect(ran.failures).toEqual({});
    expect(ran.ok).toBe(1);
    expect(sso.issuedRefreshTokens.length - issued).toBe(1); // the waiter's refresh; the killed one never completed
  });
});
