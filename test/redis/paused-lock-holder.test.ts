/**
 * The Redis lock has a TTL, so a holder paused past it (SIGSTOP here; a long GC pause or a slow SSO does the
 * same) loses it while its refresh is at SSO. The rotation rule must still give every worker the newest tokens:
 * nobody presents the refresh token that is already at SSO, and the paused holder's late write lands only over
 * the set it replaced.
 */
import { Redis } from "ioredis";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisTokenStore } from "../../src/stores/redis/redis-token-store.ts";
import { startFakeSso, type FakeSso } from "../../src/testing/fake-sso/index.ts";
import type { TokenWorkerInput } from "../stores/workers/token-worker.ts";
import { deleteKeys, REDIS_URL, redisAvailability, uniquePrefix } from "./support/redis-test-env.ts";
import { WorkerProcess } from "./support/worker-processes.ts";

const TOKEN_WORKER = fileURLToPath(new URL("../stores/workers/token-worker.ts", import.meta.url));
const availability = await redisAvailability();
const until = async (condition: () => boolean | Promise<boolean>, what: string, limitMs = 60_000) => {
  const giveUpAt = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe.runIf(availability.run)(`a refresh-lock holder paused past the TTL while at SSO (${REDIS_URL})${availability.why ? ` — ${availability.why}` : ""}`, () => {
  const prefix = uniquePrefix();
  let redis: Redis;
  let fake: FakeSso;
  let store: RedisTokenStore;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    store = new RedisTokenStore(redis, { prefix });
    // "revoke": a refresh token is refused once rotated, as the issue's invalid_grant showed.
    fake = await startFakeSso({ rotation: "revoke" });
  });
  afterAll(async () => {
    for (const worker of workers) {
      worker.child.kill("SIGCONT");
      await worker.stop();
    }
    await fake.close();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  const newestIssuedFor = (characterId: number) => fake.issuedRefreshTokens.filter((token) => fake.inspectRefreshToken(token)?.characterId === characterId).at(-1);

  it.each([
    ["before the holder resumes (the rotated token waits in its socket)", 800, true],
    ["after the holder resumes", 4_000, false],
  ])("SSO answers %s: no invalid_grant anywhere, the newest tokens stored", { timeout: 120_000 }, async (_when, ssoDelayMs, waitForAnswer) => {
    const characterId = ssoDelayMs === 800 ? 90000201 : 90000202;
    const seeded = await fake.issueTokens({ characterId, scopes: [] });
    await store.set(String(characterId), { accessToken: "", refreshToken: seeded.refresh_token, expiresAt: 0, scopes: [], characterId });
    const input: TokenWorkerInput = { store: "redis", redisUrl: REDIS_URL, prefix, ssoUrl: fake.url, lockTtlMs: 1_000 };
    const holder = new WorkerProcess(TOKEN_WORKER, input);
    const other = new WorkerProcess(TOKEN_WORKER, input);
    workers.push(holder, other);
    await Promise.all([holder.next("ready"), other.next("ready")]);
    const grants = fake.counters.refreshGrants;
    const refused = fake.counters.refusedRefreshGrants;
    const issued = fake.issuedRefreshTokens.length;
    const lockKey = `${prefix}tokens-lock:${characterId}`;

    // The holder's refresh reaches SSO, which holds it a while; the holder is stopped right then.
    fake.fail({ endpoint: "token", mode: "slow", delayMs: ssoDelayMs });
    const requests = fake.counters.token;
    holder.send({ type: "refresh", characterId });
    await until(() => fake.counters.token > requests, "the holder's token request");
    holder.child.kill("SIGSTOP");
    if (waitForAnswer) await until(() => fake.issuedRefreshTokens.length > issued, "SSO's answer to the stopped holder");
    // Its lock expires in Redis (it cannot renew while stopped): Redis says so, no clock of ours is compared.
    await until(async () => (await redis.exists(lockKey)) === 0, "the stopped holder's lock to expire");

    // Another worker needs the character now. It takes the lock, sees the holder's refresh in flight, and waits
    // for its outcome instead of presenting the same refresh token (the old code presented it at once).
    const tokenRequests = fake.counters.token;
    other.send({ type: "refresh", characterId });
    await other.next("started");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(fake.counters.token).toBe(tokenRequests);
    holder.child.kill("SIGCONT");

    const [holderResult, otherResult] = await Promise.all([holder.next("result"), other.next("result")]);
    expect(holderResult).toEqual({ type: "result", ok: true });
    expect(otherResult).toEqual({ type: "result", ok: true });
    expect(fake.counters.refusedRefreshGrants - refused).toBe(0);
    expect(fake.counters.refreshGrants - grants).toBe(1); // the other worker used the holder's rotation
    const stored = await store.get(String(characterId));
    expect(stored?.refreshToken).toBe(newestIssuedFor(characterId));
    expect(fake.inspectRefreshToken(stored!.refreshToken!)).toEqual({ characterId, usable: true });
    expect(stored?.presentedBy).toBeUndefined();

    // And both go on refreshing from there.
    for (const worker of [other, holder]) {
      worker.send({ type: "refresh", characterId });
      expect(await worker.next("result")).toEqual({ type: "result", ok: true });
    }
    expect((await store.get(String(characterId)))?.refreshToken).toBe(newestIssuedFor(characterId));
    expect(fake.counters.refusedRefreshGrants - refused).toBe(0);
  });
});
