import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEsiClient } from "../../src/index.ts";
import { connectRedisStores } from "../../src/stores/redis/redis-stores.ts";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { HAVE_REAL_SPECS, NO_SPECS_REASON, specFile } from "../support/spec-files.ts";
import { deleteKeys, REDIS_URL, redisAvailability, uniquePrefix } from "./support/redis-test-env.ts";
import { spawnWorkers, type WorkerMessage, type WorkerProcess } from "./support/worker-processes.ts";
import type { EsiWorkerInput } from "./workers/esi-worker.ts";

const availability = await redisAvailability();
const why = availability.why || (HAVE_REAL_SPECS ? "" : `skipped: ${NO_SPECS_REASON}`);
const ALLIANCE = { name: "Test Alliance", ticker: "TEST", creator_id: 90000001, creator_corporation_id: 98000001, date_founded: "2020-01-01T00:00:00Z" };

describe.runIf(availability.run && HAVE_REAL_SPECS)(`workers share one response cache in Redis (${REDIS_URL})${why ? ` — ${why}` : ""}`, () => {
  const prefix = uniquePrefix();
  let redis: Redis;
  let fake: FakeEsi;
  let workers: WorkerProcess[] = [];
  const run = (worker: WorkerProcess, operationId: string, params: Record<string, unknown>, count = 1): Promise<WorkerMessage> => {
    worker.send({ type: "run", operationId, params, count, concurrency: 1 });
    return worker.next("ran");
  };

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    fake = await startFakeEsi({
      spec: specFile("openapi.json"),
      routes: { GetStatus: { maxAgeSeconds: 60 }, GetAlliancesAllianceId: { body: ALLIANCE, maxAgeSeconds: 1 } },
    });
    const input: EsiWorkerInput = { redisUrl: REDIS_URL, prefix, esiUrl: fake.url };
    workers = spawnWorkers("esi-worker.ts", 2, () => input);
    await Promise.all(workers.map((w) => w.next("ready")));
  }, 60_000);
  afterAll(async () => {
    for (const w of workers) w.send({ type: "exit" });
    await Promise.all(workers.map((w) => w.stop()));
    await fake?.close();
    if (redis) {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });

  it("serves a response one worker fetched to another, before Expires, without a request", async () => {
    const [first, second] = workers as [WorkerProcess, WorkerProcess];
    expect((await run(first, "GetStatus", {})).caches).toEqual({ miss: 1 });
    expect(fake.stats.byOperation.GetStatus).toBe(1);
    const served = await run(second, "GetStatus", {}, 5);
    expect(served.caches).toEqual({ hit: 5 });
    expect(served.ok).toBe(5);
    expect(fake.stats.byOperation.GetStatus).toBe(1);
  });

  it("once it expires, another worker revalidates it with the first one's ETag and gets a 304", async () => {
    const [first, second] = workers as [WorkerProcess, WorkerProcess];
    const before = fake.stats.notModified;
    expect((await run(first, "GetAlliancesAllianceId", { alliance_id: 99000001 })).caches).toEqual({ miss: 1 });
    await new Promise((resolve) => setTimeout(resolve, 2100)); // past max-age=1 (Expires counts whole seconds)
    expect((await run(second, "GetAlliancesAllianceId", { alliance_id: 99000001 })).caches).toEqual({ revalidated: 1 });
    expect(fake.stats.notModified - before).toBe(1);
    expect(fake.stats.byOperation.GetAlliancesAllianceId).toBe(2);
  });

  it("a client given `...stores.clientOptions` reads the same cache (here, in the test's own process)", async () => {
    const stores = await connectRedisStores({ url: REDIS_URL, prefix });
    try {
      const esi = createEsiClient({ userAgent: "esikit-tests/1.0 (tests@example.com)", baseUrl: fake.url, ...stores.clientOptions });
      const requests = fake.stats.byOperation.GetStatus;
      const { response } = await esi.op.GetStatus();
      expect(esi.info(response)?.cache).toBe("hit");
      expect(fake.stats.byOperation.GetStatus).toBe(requests);
    } finally {
      await stores.close();
    }
  });
});
