import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EsiError } from "../../src/index.ts";
import type { EsiEvents } from "../../src/events.ts";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { EsiNetworkError } from "../../src/transport/network-error.ts";
import { clientOf, sent, sleep, SPEC_PATH } from "../cache/support.ts";

let fake: FakeEsi;
beforeAll(async () => {
  fake = await startFakeEsi({ spec: SPEC_PATH, auth: { required: false } });
});
beforeEach(() => fake.reset());
afterAll(() => fake.close());

/** A client that retries quickly (the backoff shape is the same, only shorter) and does not cache. */
const quick = (retry: Record<string, number> = {}, extra = {}) => clientOf(fake, { cache: false, retry: { baseDelayMs: 20, ...retry }, ...extra });
/** Fails the first `n` requests of GetStatus with `status`, then answers normally. */
const failFirst = (n: number, status: number) => {
  let seen = 0;
  fake.route("GetStatus", { handler: () => (seen++ < n ? { status, body: { error: "Bad gateway" } } : undefined) });
};

describe("transport: retries", () => {
  it("recovers from passing 502s, reporting each retry with the operation", async () => {
    failFirst(2, 502);
    const esi = quick();
    const retries: Array<EsiEvents["retry"]> = [];
    esi.events.on("retry", (e) => retries.push(e));
    const { data, response } = await esi.GET("/status");
    expect(response.status).toBe(200);
    expect(data).toHaveProperty("players");
    expect(sent(fake, "GetStatus")).toHaveLength(3);
    expect(esi.info(response)?.retries).toBe(2);
    expect(retries.map((r) => [r.operationId, r.attempt, r.reason])).toEqual([
      ["GetStatus", 1, "status 502"],
      ["GetStatus", 2, "status 502"],
    ]);
    // Exponential backoff with full jitter: attempt n waits at most base * 2^(n-1).
    expect(retries[0]!.delayMs).toBeLessThanOrEqual(20);
    expect(retries[1]!.delayMs).toBeLessThanOrEqual(40);
  });

  it("gives up after the limit with a typed EsiError carrying status and retry count", async () => {
    fake.route("GetStatus", { status: 503 });
    const error = await quick({ limit: 2 }).call("GetStatus").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsiError);
    expect(error).toMatchObject({ status: 503, operationId: "GetStatus", retries: 2 });
    expect(sent(fake, "GetStatus")).toHaveLength(3);
  });

  it("never retries POST", async () => {
    fake.route("PostUniverseNames", { status: 502 });
    const error = await quick().call("PostUniverseNames", { body: [95465499] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, retries: 0 });
    expect(sent(fake, "PostUniverseNames")).toHaveLength(1);
  });

  it("does not retry other errors (404, 400)", async () => {
    fake.route("GetStatus", { status: 404 });
    await expect(quick().call("GetStatus")).rejects.toMatchObject({ status: 404 });
    expect(sent(fake, "GetStatus")).toHaveLength(1);
  });

  it("retries dropped connections, and ends in an EsiNetworkError when none answers", async () => {
    let seen = 0;
    fake.route("GetStatus", { handler: () => (seen++ < 1 ? { drop: true } : undefined) });
    expect((await quick().GET("/status")).response.status).toBe(200);
    expect(sent(fake, "GetStatus")).toHaveLength(2);

    fake.route("GetStatus", { drop: true });
    const error = await quick({ limit: 2 }).call("GetStatus").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsiNetworkError);
    expect(error).toMatchObject({ operationId: "GetStatus", reason: "network", retries: 2, path: "/status" });
    expect((error as Error).message).toBe("GetStatus got no answer (connection failed) after 3 attempts");
  });

  it("times out each attempt, retries it, and names a timeout when every attempt is too slow", async () => {
    let seen = 0;
    fake.route("GetStatus", { handler: async () => (seen++ === 0 ? (await sleep(400), undefined) : undefined) });
    const started = Date.now();
    expect((await quick({}, { timeoutMs: 150 }).GET("/status")).response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(400);

    fake.route("GetStatus", { latencyMs: 400 });
    const error = await quick({ limit: 1 }, { timeoutMs: 100 }).call("GetStatus").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsiNetworkError);
    expect(error).toMatchObject({ reason: "timeout", retries: 1 });
  });

  it("starts no retry that would begin past the total time bound", async () => {
    fake.route("GetStatus", { status: 502 });
    // A clock whose sleeps pass at once: the bound is counted in the client's time, not the machine's.
    let now = 0;
    const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
    const error = await quick({ limit: 1000, baseDelayMs: 30, backoffLimitMs: 30, maxTotalMs: 250 }, { clock }).call("GetStatus").catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502 });
    // Backoffs of at most 30 ms each: it went on until the next one would have crossed 250 ms, and no further.
    expect(now).toBeGreaterThanOrEqual(250 - 30);
    expect(now).toBeLessThan(250);
    expect((error as EsiError).retries).toBeGreaterThanOrEqual(Math.floor(220 / 30));
    expect((error as EsiError).retries).toBeLessThan(1000);
    expect(sent(fake, "GetStatus")).toHaveLength((error as EsiError).retries + 1);
  });

  it("turns a non-JSON error body (a load balancer's page) into an EsiError with a short excerpt", async () => {
    fake.route("GetStatus", { html: true, status: 502 });
    const error = await quick({ limit: 1 }).call("GetStatus").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsiError);
    expect(error).toMatchObject({ status: 502, body: undefined, excerpt: "502 Bad Gateway 502 Bad Gateway nginx", retries: 1 });
    expect((error as Error).message).toBe("GetStatus failed with 502: 502 Bad Gateway 502 Bad Gateway nginx");
  });

  it("refuses retry settings that make no sense", () => {
    expect(() => clientOf(fake, { retry: { limit: -1 } })).toThrow(/retry\.limit must be a number of 0 or more/);
  });
});

describe("transport: Warning header", () => {
  it("surfaces 199 and 299 as warning events naming the operation", async () => {
    fake.route("GetStatus", { headers: { Warning: '299 - "This route is deprecated", 199 - "A newer version is available"' } });
    const esi = quick();
    const warnings: Array<EsiEvents["warning"]> = [];
    esi.events.on("warning", (w) => warnings.push(w));
    await esi.call("GetStatus");
    expect(warnings).toEqual([
      { operationId: "GetStatus", code: 299, text: "This route is deprecated" },
      { operationId: "GetStatus", code: 199, text: "A newer version is available" },
    ]);
  });
});
