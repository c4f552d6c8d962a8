import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { HAVE_REAL_SPECS, NO_SPECS_REASON, specFile } from "../support/spec-files.ts";
import { deleteKeys, REDIS_URL, redisAvailability, uniquePrefix } from "./support/redis-test-env.ts";
import { spawnWorkers, type WorkerMessage, type WorkerProcess } from "./support/worker-processes.ts";
import type { EsiWorkerInput } from "./workers/esi-worker.ts";

const availability = await redisAvailability();
const why = availability.why || (HAVE_REAL_SPECS ? "" : `skipped: ${NO_SPECS_REASON}`);
const ALLIANCE = { name: "Test Alliance", ticker: "TEST", creator_id: 90000001, creator_corporation_id: 98000001, date_founded: "2020-01-01T00:00:00Z" };
const CALL = { operationId: "GetAlliancesAllianceId", params: { alliance_id: 99000001 } };

describe.runIf(availability.run && HAVE_REAL_SPECS)(`4 workers share ESI's error-limit and rate-limit budgets in Redis (${REDIS_URL})${why ? ` — ${why}` : ""}`, () => {
  const prefixes: string[] = [];
  let redis: Redis;
  let fake: FakeEsi;
  let workers: WorkerProcess[] = [];

  /** Gives every worker a new client: these options, and Redis keys no earlier test used. */
  const configure = async (input: Partial<EsiWorkerInput>) => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    for (const w of workers) w.send({ type: "configure", input: { budgets: "redis", errorLimitThreshold: undefined, maxWaitMs: 60_000, retry: false, ...input, prefix } });
    await Promise.all(workers.map((w) => w.next("configured")));
  };
  const run = (group: WorkerProcess[], count: number, concurrency: number): Promise<WorkerMessage[]> => {
    for (const w of group) w.send({ type: "run", ...CALL, count, concurrency });
    return Promise.all(group.map((w) => w.next("ran")));
  };
  const errorsAtEsi = () => Object.entries(fake.stats.byStatus).reduce((sum, [status, n]) => sum + (Number(status) >= 400 && status !== "420" ? n : 0), 0);

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    fake = await startFakeEsi({ spec: specFile("openapi.json"), maxAgeSeconds: null, routes: { GetAlliancesAllianceId: { body: ALLIANCE } } });
    const input: EsiWorkerInput = { redisUrl: REDIS_URL, prefix: uniquePrefix(), esiUrl: fake.url, cache: false, retry: false };
    prefixes.push(input.prefix);
    workers = spawnWorkers("esi-worker.ts", 4, () => input);
    await Promise.all(workers.map((w) => w.next("ready")));
  }, 60_000);
  beforeEach(() => fake.reset());
  afterAll(async () => {
    for (const w of workers) w.send({ type: "exit" });
    await Promise.all(workers.map((w) => w.stop()));
    await fake?.close();
    if (redis) {
      for (const prefix of prefixes) await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });

  /**
   * Worker 1 spends the error window down to the threshold; then workers 2-4, which have not had a single
   * answer from ESI yet, each send 4 requests at once (every request fails with 502).
   */
  const lateJoiners = async (budgets: "redis" | "memory") => {
    // 30 errors per 5 s window: worker 1's 24 errors leave 6, the threshold.
    fake.set({ faultRate: 1, faultStatuses: [502], errorLimit: { limit: 30, windowSeconds: 5 } });
    await configure({ budgets, errorLimitThreshold: 6 });
    const [first, ...late] = workers as [WorkerProcess, ...WorkerProcess[]];
    await run([first], 24, 1);
    const started = Date.now();
    const ran = await run(late, 4, 4);
    return { ran, ms: Date.now() - started, errorLimited: fake.stats.errorLimited };
  };

  it("workers that join after another spent the window wait for it to reset instead of drawing 420s", { timeout: 60_000 }, async () => {
    const { ran, ms, errorLimited } = await lateJoiners("redis");
    console.info(`[redis error limit] late joiners, Redis budgets: ${errorLimited} 420s, ${errorsAtEsi()} errors at ESI, held ${ms} ms`);
    expect(errorLimited).toBe(0);
    expect(ran.map((r) => r.failures)).toEqual([{ 502: 4 }, { 502: 4 }, { 502: 4 }]);
    expect(ms).toBeGreaterThan(1000); // they waited for the window to reset
  });

  it("(with each worker's budgets in its own memory, every late joiner spends an error to learn the window: what the shared budget saves)", { timeout: 60_000 }, async () => {
    // Calls may not wait for the reset here: what each worker sends before it knows the window is what ESI counts.
    const spentBeforeReset = async (budgets: "redis" | "memory") => {
      fake.set({ faultRate: 1, faultStatuses: [502], errorLimit: { limit: 30, windowSeconds: 5 } });
      await configure({ budgets, errorLimitThreshold: 6, maxWaitMs: 0 });
      const [first, ...late] = workers as [WorkerProcess, ...WorkerProcess[]];
      await run([first], 24, 1);
      const before = errorsAtEsi();
      await run(late, 4, 4);
      const spent = errorsAtEsi() - before;
      fake.reset();
      return spent;
    };
    const shared = await spentBeforeReset("redis");
    const own = await spentBeforeReset("memory");
    console.info(`[redis error limit] late joiners that may not wait: ${shared} errors at ESI with Redis budgets, ${own} with per-process memory`);
    expect(shared).toBe(0);
    // One probe each (the cold start holds the rest): 3 errors ESI counted that a shared budget avoids.
    expect(own).toBe(3);
    expect(fake.stats.errorLimited).toBe(0);
  });

  it("4 workers, 160 calls, half of the attempts failing 502: ESI never answers 420", { timeout: 60_000 }, async () => {
    // ESI's 100 errors per window, the window shortened to 1 s: the run spends it more than once.
    fake.set({ faultRate: 0.5, faultStatuses: [502], errorLimit: { limit: 100, windowSeconds: 1 }, seed: 7 });
    // Each process counts only its own requests in flight: the threshold covers all of them (workers × concurrency × attempts).
    await configure({ errorLimitThreshold: 4 * 4 * 3, retry: { limit: 2, backoffLimitMs: 1 } });
    const ran = await run(workers, 40, 4);
    console.info(`[redis error limit] 4 workers × 40 calls: ${fake.stats.requests} requests, ${errorsAtEsi()} errors at ESI, ${fake.stats.errorLimited} 420s`);

    expect(fake.stats.errorLimited).toBe(0);
    expect(errorsAtEsi()).toBeGreaterThan(100); // more than one window's worth: the budget had to hold requests back
    for (const r of ran) expect((r.ok as number) + ((r.failures as Record<string, number>)["502"] ?? 0)).toBe(40);
  });

  it("4 workers, one rate-limit bucket: together they stay inside it, ESI never answers 429", { timeout: 60_000 }, async () => {
    // The incursion group's bucket shortened to 20 tokens per 1 s: 32 calls at 2 tokens each need about 3 windows.
    fake.set({ rateLimit: { maxTokens: 20, windowSeconds: 1 } });
    await configure({});
    for (const w of workers) w.send({ type: "run", operationId: "GetIncursions", params: {}, count: 8, concurrency: 4 });
    const ran = await Promise.all(workers.map((w) => w.next("ran")));
    console.info(`[redis rate limit] 4 workers × 8 calls, 20 tokens/s: ${fake.stats.rateLimited} 429s, ${ran.map((r) => `${r.ms} ms`).join(", ")}`);
    expect(fake.stats.rateLimited).toBe(0);
    expect(ran.map((r) => r.ok)).toEqual([8, 8, 8, 8]);
  });
});
