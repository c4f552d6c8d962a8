/**
 * The rotation rule across processes, for each store that can be shared: two app processes refreshing the same
 * characters against an SSO that rotates refresh tokens and refuses used ones.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSso } from "../../src/auth/create-sso.ts";
import { FileTokenStore } from "../../src/stores/file-token-store.ts";
import { RedisTokenStore } from "../../src/stores/redis/redis-token-store.ts";
import { SqliteTokenStore } from "../../src/stores/sqlite-token-store.ts";
import type { TokenStore } from "../../src/stores/types.ts";
import { DEFAULT_FAKE_CLIENT, startFakeSso, type FakeSso } from "../../src/testing/fake-sso/index.ts";
import { deleteKeys, REDIS_URL, redisAvailability, uniquePrefix } from "../redis/support/redis-test-env.ts";
import { spawnWorkers, type WorkerProcess } from "../redis/support/worker-processes.ts";
import type { TokenWorkerInput } from "./workers/token-worker.ts";

const TOKEN_WORKER = fileURLToPath(new URL("./workers/token-worker.ts", import.meta.url));
const REFRESHES = 500;
const CHARACTERS = [90000101, 90000102];
const redisRuns = (await redisAvailability()).run;
const kinds: Array<TokenWorkerInput["store"]> = ["file", "sqlite", ...(redisRuns ? (["redis"] as const) : [])];

describe.each(kinds)("the %s token store shared by two processes", (kind) => {
  let fake: FakeSso;
  let dir: string;
  let redis: Redis | undefined;
  let store: TokenStore;
  let closeStore: () => void = () => undefined;
  const prefix = uniquePrefix();
  let input: TokenWorkerInput;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    // "revoke": a rotated refresh token is refused from then on, so a lost write shows up as invalid_grant.
    fake = await startFakeSso({ rotation: "revoke" });
    dir = await mkdtemp(join(tmpdir(), `esikit-rotation-${kind}-`));
    const path = join(dir, kind === "file" ? "tokens.json" : "tokens.db");
    input = { store: kind, path, redisUrl: REDIS_URL, prefix, ssoUrl: fake.url, lockTtlMs: 5_000 };
    if (kind === "file") store = new FileTokenStore(path);
    else if (kind === "sqlite") {
      const sqlite = new SqliteTokenStore(path);
      store = sqlite;
      closeStore = () => sqlite.close();
    } else {
      redis = new Redis(REDIS_URL);
      store = new RedisTokenStore(redis, { prefix });
    }
  });
  afterAll(async () => {
    for (const worker of workers) worker.send({ type: "exit" });
    await Promise.all(workers.map((worker) => worker.stop()));
    closeStore();
    if (redis) {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
    await fake?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** As an app's login would: the character's tokens in the store, the access token already expired. */
  const seed = async (characterId: number) => {
    const issued = await fake.issueTokens({ characterId, scopes: ["esi-wallet.read_character_wallet.v1"] });
    await store.set(String(characterId), { accessToken: "", refreshToken: issued.refresh_token, expiresAt: 0, scopes: [], characterId });
    return issued;
  };
  /** The outcome of a "refresh" or "access" command (its "started" message is not needed here). */
  const nextResult = async (worker: WorkerProcess) => {
    await worker.next("started");
    return worker.next("result");
  };
  const newestIssuedFor = (characterId: number) => fake.issuedRefreshTokens.filter((token) => fake.inspectRefreshToken(token)?.characterId === characterId).at(-1);
  const start = async (count: number) => {
    const started = spawnWorkers(TOKEN_WORKER, count, () => input);
    workers.push(...started);
    await Promise.all(started.map((worker) => worker.next("ready")));
    return started;
  };

  it(`2 processes x 2 characters x ${REFRESHES} forced refreshes: no invalid_grant, no lost write`, { timeout: 600_000 }, async () => {
    for (const characterId of CHARACTERS) await seed(characterId);
    const [a, b] = (await start(2)) as [WorkerProcess, WorkerProcess];
    const grantsBefore = fake.counters.refreshGrants;
    const refusedBefore = fake.counters.refusedRefreshGrants;
    const startedAt = performance.now();
    for (const worker of [a, b]) worker.send({ type: "refresh-many", characters: CHARACTERS, count: REFRESHES });
    const results = await Promise.all([a.next("refreshed"), b.next("refreshed")]);
    const ms = Math.round(performance.now() - startedAt);
    const grants = fake.counters.refreshGrants - grantsBefore;
    console.info(
      `[figure] ${kind}: 2 processes x ${CHARACTERS.length} characters x ${REFRESHES} refreshes in ${ms} ms; ` +
        `${grants} token requests at SSO (the rest used the other process's fresh rotation); per process ${results.map((r) => `${String(r.ms)} ms`).join(", ")}`,
    );

    for (const result of results) {
      expect(result.firstFailure, `${kind}: a refresh failed`).toBeUndefined();
      expect(result).toMatchObject({ ok: CHARACTERS.length * REFRESHES, invalidGrant: 0, failed: 0 });
    }
    expect(fake.counters.refusedRefreshGrants - refusedBefore).toBe(0);
    // Each character holds the newest refresh token SSO issued for it, one SSO still accepts: no rotation was lost.
    for (const characterId of CHARACTERS) {
      const stored = await store.get(String(characterId));
      expect(stored?.refreshToken).toBe(newestIssuedFor(characterId));
      expect(fake.inspectRefreshToken(stored!.refreshToken!)).toEqual({ characterId, usable: true });
      expect(stored?.presentedBy).toBeUndefined();
    }
    expect(grants).toBeGreaterThanOrEqual(CHARACTERS.length * REFRESHES);
  });

  it("a login written by another process is used by a worker that had seen invalid_grant, without a restart", { timeout: 120_000 }, async () => {
    const characterId = 90000103;
    await seed(characterId);
    const [worker] = (await start(1)) as [WorkerProcess];
    worker.send({ type: "refresh", characterId });
    expect(await nextResult(worker)).toEqual({ type: "result", ok: true });

    // The player revokes the app: the worker's refresh token is refused from now on.
    fake.revoke((await store.get(String(characterId)))!.refreshToken!);
    worker.send({ type: "refresh", characterId });
    expect(await nextResult(worker)).toMatchObject({ ok: false, error: { name: "InvalidGrantError" } });
    const grants = fake.counters.refreshGrants;
    worker.send({ type: "access", characterId });
    expect(await nextResult(worker)).toMatchObject({ ok: false, error: { name: "InvalidGrantError" } });
    expect(fake.counters.refreshGrants).toBe(grants); // the refusal is remembered: SSO is not asked again

    // The player logs in again, through another process (this one: the app's login server).
    const login = await fake.issueTokens({ characterId, scopes: ["esi-wallet.read_character_wallet.v1"] });
    const loginServer = createSso({ ...DEFAULT_FAKE_CLIENT, callbackUrl: "http://127.0.0.1/cb", userAgent: "esikit-tests/1.0", ssoBaseUrl: fake.url, store });
    await loginServer.updateToken(login, characterId);

    worker.send({ type: "access", characterId });
    expect(await nextResult(worker)).toEqual({ type: "result", ok: true });
    expect(fake.counters.refreshGrants).toBe(grants); // the login's access token was fresh: used as it is
    worker.send({ type: "refresh", characterId });
    expect(await nextResult(worker)).toEqual({ type: "result", ok: true });
    expect((await store.get(String(characterId)))?.refreshToken).toBe(newestIssuedFor(characterId));
  });

  // The file store's own finding: plain writes of two processes into one file used to lose each other's keys.
  if (kind !== "file") return;
  it("2 processes x 150 writes of their own keys into one file: none lost, no lock or temporary file left", { timeout: 120_000 }, async () => {
    const [a, b] = (await start(2)) as [WorkerProcess, WorkerProcess];
    a.send({ type: "write-many", count: 150, tag: "a" });
    b.send({ type: "write-many", count: 150, tag: "b" });
    await Promise.all([a.next("written"), b.next("written")]);
    const keys = await store.keys();
    expect(keys.filter((key) => key.startsWith("a-"))).toHaveLength(150);
    expect(keys.filter((key) => key.startsWith("b-"))).toHaveLength(150);
    expect((await readdir(dir)).sort()).toEqual(["tokens.json"]);
  });
});
