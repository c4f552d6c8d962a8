import { connect, createServer, type AddressInfo, type Socket } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisBudgetStore } from "../../src/stores/redis/redis-budget-store.ts";
import { RedisStoreError } from "../../src/stores/redis/redis-store-error.ts";
import { connectRedisStores } from "../../src/stores/redis/redis-stores.ts";
import { RedisCacheStore } from "../../src/stores/redis/redis-cache-store.ts";
import { RedisTokenStore } from "../../src/stores/redis/redis-token-store.ts";
import type { CachedResponse, TokenSet } from "../../src/stores/types.ts";
import { deleteKeys, REDIS_URL, redisAvailability, uniquePrefix } from "./support/redis-test-env.ts";

const availability = await redisAvailability();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(availability.run)(`Redis stores (${REDIS_URL})${availability.why ? ` — ${availability.why}` : ""}`, () => {
  const prefix = uniquePrefix();
  let redis: Redis;
  let other: Redis; // a second connection: what another process sees
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    other = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await deleteKeys(redis, prefix);
    redis.disconnect();
    other.disconnect();
  });

  describe("RedisTokenStore", () => {
    const tokens: TokenSet = { accessToken: "at-1", refreshToken: "rt-1", expiresAt: 1_800_000_000_000, scopes: ["esi-wallet.read_character_wallet.v1"], characterId: 90000001 };

    it("shares token sets between connections: set, get, keys, delete", async () => {
      const mine = new RedisTokenStore(redis, { prefix });
      const theirs = new RedisTokenStore(other, { prefix });
      expect(await theirs.get("90000001")).toBeUndefined();
      await mine.set("90000001", tokens);
      await mine.set("default", { ...tokens, characterId: undefined });
      expect(await theirs.get("90000001")).toEqual(tokens);
      expect((await theirs.keys()).sort()).toEqual(["90000001", "default"]);
      await theirs.set("90000001", { ...tokens, refreshToken: "rt-2" });
      expect((await mine.get("90000001"))?.refreshToken).toBe("rt-2");
      await mine.delete("90000001");
      expect(await theirs.get("90000001")).toBeUndefined();
      expect(await theirs.keys()).toEqual(["default"]);
    });

    it("keeps apps with different prefixes apart", async () => {
      await new RedisTokenStore(redis, { prefix: `${prefix}app-a:` }).set("1", tokens);
      expect(await new RedisTokenStore(redis, { prefix: `${prefix}app-b:` }).get("1")).toBeUndefined();
    });

    it("runs withLock sections for one key one at a time, and for different keys side by side", async () => {
      const a = new RedisTokenStore(redis, { prefix });
      const b = new RedisTokenStore(other, { prefix });
      const log: string[] = [];
      const section = (store: RedisTokenStore, key: string, name: string) =>
        store.withLock(key, async () => {
          log.push(`${name}+`);
          await sleep(60);
          log.push(`${name}-`);
          return name;
        });
      const results = await Promise.all([section(a, "7", "a7"), section(b, "7", "b7"), section(b, "8", "b8")]);
      expect(results).toEqual(["a7", "b7", "b8"]);
      // Key 7: one section ends before the other starts. Key 8 ran during one of them.
      const a7 = [log.indexOf("a7+"), log.indexOf("a7-")];
      const b7 = [log.indexOf("b7+"), log.indexOf("b7-")];
      expect(a7[1]! < b7[0]! || b7[1]! < a7[0]!).toBe(true);
      expect(log.indexOf("b8+")).toBeLessThan(Math.max(a7[1]!, b7[1]!));
    });

    it("frees the lock when the section throws", async () => {
      const store = new RedisTokenStore(redis, { prefix, lock: { waitTimeoutMs: 500 } });
      await expect(store.withLock("9", async () => Promise.reject(new Error("SSO down")))).rejects.toThrow("SSO down");
      await expect(store.withLock("9", async () => "again")).resolves.toBe("again");
    });
  });

  describe("RedisCacheStore", () => {
    const entry = (freshForMs: number): CachedResponse => ({
      status: 200,
      headers: [["content-type", "application/json"], ["etag", '"abc"']],
      body: '{"name":"Jita"}',
      etag: '"abc"',
      storedAt: Date.now(),
      freshUntil: Date.now() + freshForMs,
    });

    it("serves an entry one connection stored to another", async () => {
      const value = entry(60_000);
      await new RedisCacheStore(redis, { prefix }).set("GET /universe/systems/30000142", value);
      expect(await new RedisCacheStore(other, { prefix }).get("GET /universe/systems/30000142")).toEqual(value);
    });

    it("lets Redis drop an entry once it is stale for longer than keepStaleMs", async () => {
      const store = new RedisCacheStore(redis, { prefix, keepStaleMs: 100 });
      await store.set("short", entry(50));
      const ttl = await redis.pttl(`${prefix}cache:short`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(150);
      expect(await store.get("short")).toBeDefined();
      await sleep(200);
      expect(await store.get("short")).toBeUndefined();
    });

    it("keeps a stale entry for revalidation, and deletes on request", async () => {
      const store = new RedisCacheStore(redis, { prefix });
      await store.set("stale", entry(-1000)); // already expired: still useful for If-None-Match
      expect((await store.get("stale"))?.etag).toBe('"abc"');
      await store.delete("stale");
      expect(await store.get("stale")).toBeUndefined();
    });
  });

  describe("RedisBudgetStore", () => {
    let n = 0;
    const bucket = () => `${prefix}b${++n}`;

    it("spends tokens up to the limit across connections, then says how long until the oldest come back", async () => {
      const a = new RedisBudgetStore(redis, { prefix });
      const b = new RedisBudgetStore(other, { prefix });
      const name = bucket();
      for (let i = 0; i < 5; i++) expect((await (i % 2 ? a : b).take(name, 2, 10, 300)).granted).toBe(true);
      const refused = await a.take(name, 2, 10, 300);
      expect(refused.granted).toBe(false);
      expect(refused.granted === false && refused.waitMs).toBeGreaterThan(200);
      expect(refused.granted === false && refused.waitMs).toBeLessThanOrEqual(300);
      expect((await b.take(bucket(), 2, 10, 300)).granted).toBe(true);
      await sleep(320);
      expect((await b.take(name, 2, 10, 300)).granted).toBe(true);
    });

    it("grants exactly the budget to many concurrent takers", async () => {
      const stores = [new RedisBudgetStore(redis, { prefix }), new RedisBudgetStore(other, { prefix })];
      const name = bucket();
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => stores[i % 2]!.take(name, 2, 30, 60_000)));
      expect(results.filter((r) => r.granted)).toHaveLength(15);
    });

    it("settles a ticket at its real cost: nothing for a 5xx, more for a 4xx", async () => {
      const store = new RedisBudgetStore(redis, { prefix });
      const name = bucket();
      const first = await store.take(name, 2, 6, 60_000);
      const second = await store.take(name, 2, 6, 60_000);
      if (!first.granted || !second.granted) throw new Error("expected tokens");
      await store.settle(name, first.ticket, 0);
      expect((await store.take(name, 2, 6, 60_000)).granted).toBe(true);
      await store.settle(name, second.ticket, 5);
      expect((await store.take(name, 2, 6, 60_000)).granted).toBe(false);
    });

    it("spends what ESI reports as gone, and lets it come back when ESI says", async () => {
      const store = new RedisBudgetStore(redis, { prefix });
      const name = bucket();
      await store.observe(name, 4, 10, 60_000); // another app spent 6
      expect((await store.take(name, 2, 10, 60_000)).granted).toBe(true);
      expect((await store.take(name, 2, 10, 60_000)).granted).toBe(true);
      expect((await store.take(name, 2, 10, 60_000)).granted).toBe(false);

      const later = bucket();
      await store.observe(later, 0, 10, 60_000, Date.now() + 150);
      const refused = await store.take(later, 2, 10, 60_000);
      expect(refused.granted === false && refused.waitMs).toBeLessThanOrEqual(150);
      await sleep(170);
      expect((await store.take(later, 2, 10, 60_000)).granted).toBe(true);
    });

    it("lets a cost above the whole budget through once the bucket is empty", async () => {
      expect((await new RedisBudgetStore(redis, { prefix }).take(bucket(), 5, 4, 1000)).granted).toBe(true);
    });

    it("merges error windows: lowest remain of one window, a later window replaces, an earlier one is ignored", async () => {
      const a = new RedisBudgetStore(redis, { prefix });
      const b = new RedisBudgetStore(other, { prefix });
      const t = Date.now();
      expect(await a.observeErrorWindow("e", { remain: 80, resetAt: t + 30_000 })).toEqual({ remain: 80, resetAt: t + 30_000 });
      expect((await b.observeErrorWindow("e", { remain: 90, resetAt: t + 30_400 })).remain).toBe(80);
      expect((await b.observeErrorWindow("e", { remain: 60, resetAt: t + 29_700 })).remain).toBe(60);
      expect(await a.observeErrorWindow("e", { remain: 99, resetAt: t + 90_000 })).toEqual({ remain: 99, resetAt: t + 90_000 });
      expect(await b.observeErrorWindow("e", { remain: 1, resetAt: t + 31_000 })).toEqual({ remain: 99, resetAt: t + 90_000 });
      expect(await b.errorWindow("e")).toEqual({ remain: 99, resetAt: t + 90_000 });
      expect(await a.errorWindow("other")).toBeUndefined();
    });
  });
});

describe.runIf(availability.run)(`Redis lost after start-up (${REDIS_URL})${availability.why ? ` — ${availability.why}` : ""}`, () => {
  it("fails a store step with a RedisStoreError within seconds, instead of queueing it forever", async () => {
    // A TCP relay to Redis that the test can take away, as a network outage would.
    const target = new URL(REDIS_URL);
    const sockets = new Set<Socket>();
    const relay = createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
    const port = (relay.address() as AddressInfo).port;
    const stores = await connectRedisStores({ url: `redis://127.0.0.1:${port}`, prefix: uniquePrefix() });
    await stores.tokens.keys();
    relay.close();
    for (const s of sockets) s.destroy();
    const started = Date.now();
    const error = await Promise.resolve(stores.tokens.get("1")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisStoreError);
    expect((error as Error).message).toMatch(/^Redis store: reading tokens of 1 failed: /);
    expect(Date.now() - started).toBeLessThan(5000);
    await stores.close();
  });
});
