import type { Middleware } from "openapi-fetch";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEsiClient, type EsiClient } from "../../src/index.ts";
import type { EsiEvents } from "../../src/events.ts";
import { EsiThrottledError } from "../../src/limits/throttled-error.ts";
import { MemoryBudgetStore } from "../../src/stores/memory-budget-store.ts";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { HAVE_REAL_SPECS, NO_SPECS_REASON, specFile } from "../support/spec-files.ts";

const jobId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
// A public operation of the rate-limited group "freelance-job" (900 tokens / 15 min in the spec).
const call = (esi: EsiClient, i: number) => esi.call("GetFreelanceJobsDetail", { job_id: jobId(i) });

describe.skipIf(!HAVE_REAL_SPECS)(`rate limits against the fake ESI${HAVE_REAL_SPECS ? "" : ` (skipped: ${NO_SPECS_REASON})`}`, () => {
  let fake: FakeEsi;
  beforeAll(async () => {
    fake = await startFakeEsi({ spec: specFile("openapi.json"), maxAgeSeconds: null });
  });
  afterAll(() => fake?.close());
  beforeEach(() => {
    fake.reset();
    // Every group: 20 tokens per 2 s (10 successes), so a test can spend and regain a budget quickly.
    fake.set({ rateLimit: { maxTokens: 20, windowSeconds: 2 } });
  });

  const client = (options: Parameters<typeof createEsiClient>[0]["limits"] = {}) =>
    createEsiClient({ userAgent: "esikit-tests/0 (rate limits)", baseUrl: fake.url, limits: options });

  it("a burst of twice a group's budget waits for tokens instead of meeting 429", async () => {
    const esi = client();
    const throttled: Array<EsiEvents["throttled"]> = [];
    esi.events.on("throttled", (event) => throttled.push(event));
    const started = Date.now();
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => call(esi, i)));
    const elapsed = Date.now() - started;

    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(20);
    expect(fake.stats.rateLimited).toBe(0);
    expect(fake.stats.requests).toBe(20);
    // 10 fit in the first window; the other 10 had to wait for tokens spent at the start to come back.
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled[0]).toMatchObject({ operationId: "GetFreelanceJobsDetail", reason: "rate-limit", group: "freelance-job" });
  });

  it("two clients sharing one BudgetStore (two processes sharing Redis) stay inside one budget together", async () => {
    const store = new MemoryBudgetStore();
    const a = client({ store });
    const b = client({ store });
    const results = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => call(i % 2 ? a : b, i)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(16);
    expect(fake.stats.rateLimited).toBe(0);
  });

  it("a 429 waits Retry-After, then the request is sent again and succeeds", async () => {
    // Another process (no shared store) has spent the bucket: this client cannot know until ESI says 429.
    const other = client();
    await Promise.all(Array.from({ length: 10 }, (_, i) => call(other, i)));
    const esi = client();
    const throttled: Array<EsiEvents["throttled"]> = [];
    esi.events.on("throttled", (event) => throttled.push(event));

    const started = Date.now();
    const { data, response } = await esi.op.GetFreelanceJobsDetail({ job_id: jobId(99) });
    expect(response.status).toBe(200);
    expect(data).toBeDefined();
    expect(fake.stats.rateLimited).toBe(1);
    expect(esi.info(response)?.retries).toBe(1);
    expect(throttled[0]).toMatchObject({ reason: "rate-limit", group: "freelance-job" });
    expect(throttled[0]!.waitMs).toBeGreaterThanOrEqual(1000); // Retry-After, whole seconds
    expect(Date.now() - started).toBeGreaterThanOrEqual(throttled[0]!.waitMs - 5);
  });

  it("a 429 on a POST sends the same body again (a limiter deep in ESI, without rate-limit headers)", async () => {
    const bodies: string[] = [];
    fake.route("PostUniverseNames", {
      handler: (request) => {
        bodies.push(request.body);
        if (bodies.length === 1) return { status: 429, body: { error: "Too many requests" }, headers: { "Retry-After": "1" } };
        return { body: [{ id: 34, name: "Tritanium", category: "inventory_type" }] };
      },
    });
    const esi = client();
    const names = await esi.call("PostUniverseNames", { body: [34] });
    expect(names).toEqual([{ id: 34, name: "Tritanium", category: "inventory_type" }]);
    expect(bodies).toEqual(["[34]", "[34]"]);
  });

  it("fails with EsiThrottledError, sending nothing, when the wait would be longer than maxWaitMs", async () => {
    const esi = client({ maxWaitMs: 100 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => call(esi, i)));
    const sent = fake.stats.requests;
    const error = await call(esi, 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsiThrottledError);
    expect(error).toMatchObject({ reason: "rate-limit", group: "freelance-job", operationId: "GetFreelanceJobsDetail" });
    expect((error as Error).message).toMatch(/GetFreelanceJobsDetail not sent: rate-limit group freelance-job needs a wait of \d+ ms/);
    expect(fake.stats.requests).toBe(sent);
  });

  it("keeps a bucket per character for authenticated calls", async () => {
    // Assets are authenticated (esi-assets.read_assets.v1): ESI keeps a bucket per character. The fake reads the
    // character from the token's sub; this stands in for the auth plugin with an unsigned token per character.
    const bearer: Middleware = {
      onRequest({ request }) {
        const character = /\/characters\/(\d+)\//.exec(new URL(request.url).pathname)?.[1];
        const claims = Buffer.from(JSON.stringify({ sub: `CHARACTER:EVE:${character}` })).toString("base64url");
        request.headers.set("Authorization", `Bearer x.${claims}.x`);
        return request;
      },
    };
    fake.set({ pages: 20 }); // distinct pages: distinct requests, whatever a cache would share
    const esi = createEsiClient({ userAgent: "esikit-tests/0 (rate limits)", baseUrl: fake.url, middleware: [bearer] });
    const one = esi.as(90000001);
    const two = esi.as(90000002);
    const throttled: string[] = [];
    esi.events.on("throttled", (event) => throttled.push(event.group ?? ""));
    await Promise.all(Array.from({ length: 10 }, (_, i) => one.op.GetCharactersCharacterIdAssets({ character_id: 90000001, page: i + 1 })));
    expect(throttled).toEqual([]);
    // The first character's bucket is spent: one more call of it waits, while the second character's do not.
    const waited = one.op.GetCharactersCharacterIdAssets({ character_id: 90000001, page: 11 });
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => two.op.GetCharactersCharacterIdAssets({ character_id: 90000002, page: i + 1 })));
    expect(results.map((r) => r.response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(throttled).toEqual(["char-asset"]);
    expect((await waited).response.status).toBe(200);
    expect(fake.stats.rateLimited).toBe(0);
  });

  it("is off with limits: false: the same burst then meets 429s", async () => {
    const off = createEsiClient({ userAgent: "esikit-tests/0", baseUrl: fake.url, limits: false });
    await Promise.all(Array.from({ length: 12 }, (_, i) => off.op.GetFreelanceJobsDetail({ job_id: jobId(i) })));
    expect(fake.stats.rateLimited).toBeGreaterThan(0);
  });
});
