import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bulk } from "../../src/bulk.ts";
import { createEsiClient } from "../../src/index.ts";
import { EsiError } from "../../src/errors.ts";
import type { EsiEvents } from "../../src/events.ts";
import { EsiThrottledError } from "../../src/limits/throttled-error.ts";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { startFakeEsiProcess } from "./fake-esi-process.ts";
import { HAVE_REAL_SPECS, NO_SPECS_REASON, specFile } from "../support/spec-files.ts";

// A fixed small body: the run measures the client, not the fake's sample generator.
const ALLIANCE = { name: "Test Alliance", ticker: "TEST", creator_id: 90000001, creator_corporation_id: 98000001, date_founded: "2020-01-01T00:00:00Z" };

describe.skipIf(!HAVE_REAL_SPECS)(`error limit against the fake ESI${HAVE_REAL_SPECS ? "" : ` (skipped: ${NO_SPECS_REASON})`}`, () => {
  let fake: FakeEsi;
  beforeAll(async () => {
    fake = await startFakeEsi({ spec: specFile("openapi.json"), maxAgeSeconds: null });
  });
  afterAll(() => fake?.close());
  beforeEach(() => {
    fake.reset();
    fake.route("GetAlliancesAllianceId", { body: ALLIANCE });
  });

  it("holds requests when the error window runs low, so ESI never answers 420", async () => {
    // Every request fails; 50 errors per 1 s window: 200 errors need 4 windows or more.
    fake.set({ faultRate: 1, faultStatuses: [502], errorLimit: { limit: 50, windowSeconds: 1 } });
    const esi = createEsiClient({ userAgent: "esikit-tests/0 (limits)", baseUrl: fake.url, retry: false, limits: { errorLimitThreshold: 5 } });
    const holds: Array<EsiEvents["throttled"]> = [];
    esi.events.on("throttled", (event) => holds.push(event));
    const started = Date.now();
    const results = await bulk(Array.from({ length: 200 }, (_, i) => i + 1), (alliance_id) => esi.call("GetAlliancesAllianceId", { alliance_id }), { concurrency: 8 });

    expect(results.every((r) => !r.ok && r.error instanceof EsiError && r.error.status === 502)).toBe(true);
    expect(fake.stats.errorLimited).toBe(0);
    expect(fake.stats.requests).toBe(200);
    expect(holds.length).toBeGreaterThan(0);
    expect(holds.every((h) => h.reason === "error-limit" && h.waitMs <= 1000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
  });

  it("a 420 waits for the window to reset, then is sent once more", async () => {
    // Another process (limits off) spends the error window: this client learns of it from the 420.
    fake.set({ errorLimit: { limit: 10, windowSeconds: 2 } });
    fake.route("GetAlliancesAllianceId", { status: 404 });
    const careless = createEsiClient({ userAgent: "esikit-tests/0 (careless)", baseUrl: fake.url, limits: false, retry: false });
    await Promise.all(Array.from({ length: 10 }, (_, i) => careless.op.GetAlliancesAllianceId({ alliance_id: i + 1 })));
    expect(fake.stats.byStatus[404]).toBe(10);
    fake.route("GetAlliancesAllianceId", { body: ALLIANCE });

    const esi = createEsiClient({ userAgent: "esikit-tests/0 (limits)", baseUrl: fake.url });
    const holds: Array<EsiEvents["throttled"]> = [];
    const retries: Array<EsiEvents["retry"]> = [];
    esi.events.on("throttled", (event) => holds.push(event));
    esi.events.on("retry", (event) => retries.push(event));
    const { data, response } = await esi.op.GetAlliancesAllianceId({ alliance_id: 99000001 });

    expect(response.status).toBe(200);
    expect(data).toEqual(ALLIANCE);
    expect(fake.stats.errorLimited).toBe(1);
    expect(esi.info(response)?.retries).toBe(1);
    expect(holds).toHaveLength(1);
    expect(holds[0]).toMatchObject({ operationId: "GetAlliancesAllianceId", reason: "error-limit" });
    expect(holds[0]!.waitMs).toBeGreaterThan(0);
    expect(retries).toMatchObject([{ operationId: "GetAlliancesAllianceId", reason: "status 420" }]);
  });

  it("fails a held request with EsiThrottledError, unsent, when the reset is further away than maxWaitMs", async () => {
    fake.set({ errorLimit: { limit: 3, windowSeconds: 2 } });
    fake.route("GetAlliancesAllianceId", { status: 404 });
    const esi = createEsiClient({ userAgent: "esikit-tests/0 (limits)", baseUrl: fake.url, limits: { errorLimitThreshold: 1, maxWaitMs: 100 } });
    for (const alliance_id of [1, 2]) await expect(esi.call("GetAlliancesAllianceId", { alliance_id })).rejects.toMatchObject({ status: 404 });
    // One error left, at the threshold: the next request would have to wait ~2 s for the reset.
    const error = await esi.call("GetAlliancesAllianceId", { alliance_id: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsiThrottledError);
    expect(error).toMatchObject({ reason: "error-limit", operationId: "GetAlliancesAllianceId" });
    expect(fake.stats.requests).toBe(2);
    expect(fake.stats.errorLimited).toBe(0);
  });

  it("10,000 requests with 30% injected 502s: ESI never answers 420, each request succeeds or ends in a typed error", { timeout: 180_000 }, async () => {
    // The fake in its own process, so the client has a core to itself. The error window (250 errors per second)
    // binds once the client sends more than ~800 requests a second: then requests are held, and no 420 may follow.
    const server = await startFakeEsiProcess({
      spec: specFile("openapi.json"),
      maxAgeSeconds: null,
      faultRate: 0.3,
      faultStatuses: [502],
      errorLimit: { limit: 250, windowSeconds: 1 },
      seed: 42,
      routes: { GetAlliancesAllianceId: { body: ALLIANCE } },
    });
    try {
      const esi = createEsiClient({
        userAgent: "esikit-tests/0 (limits)",
        baseUrl: server.url,
        cache: false, // distinct requests anyway: keep the run about limits
        retry: { limit: 2, backoffLimitMs: 1 },
        // Above concurrency x retries: a hard guarantee even if every request in flight fails every attempt.
        limits: { errorLimitThreshold: 50 },
      });
      let retries = 0;
      let holds = 0;
      esi.events.on("retry", () => retries++);
      esi.events.on("throttled", () => holds++);

      const started = performance.now();
      const cpu = process.cpuUsage();
      const ids = Array.from({ length: 10_000 }, (_, i) => 99_000_000 + i);
      const results = await bulk(ids, (alliance_id) => esi.call("GetAlliancesAllianceId", { alliance_id }), { concurrency: 16 });
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);

      const failures = results.filter((r) => !r.ok);
      expect(results.filter((r) => r.ok)).toHaveLength(10_000 - failures.length);
      for (const failure of failures) {
        expect(failure.error).toBeInstanceOf(EsiError);
        expect(failure.error).toMatchObject({ status: 502, retries: 2, operationId: "GetAlliancesAllianceId" });
      }
      const stats = await server.stats();
      expect(stats.errorLimited).toBe(0);
      expect(stats.requests).toBe(10_000 + retries);
      console.info(
        `error limit: 10,000 requests, 30% 502s in ${seconds.toFixed(1)} s (client CPU ${((used.user + used.system) / 1e6).toFixed(1)} s): ` +
          `${stats.requests} sent, ${retries} retries, ${failures.length} typed 502 errors after 2 retries, ${holds} holds, 420s: ${stats.errorLimited}`,
      );
    } finally {
      await server.close();
    }
  });
});
