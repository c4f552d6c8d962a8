import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { SPEC_PATH } from "./spec-path.ts";

let fake: FakeEsi;
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${fake.url}${path}`, { headers });
const STATUS = "/status";
const ORDERS = "/markets/10000002/orders?order_type=all";
const JOBS = "/freelance-jobs";

beforeAll(async () => {
  fake = await startFakeEsi({ spec: SPEC_PATH });
});
beforeEach(() => fake.reset());
afterAll(() => fake.close());

describe("fake ESI knobs", () => {
  it("answers 304 to a matching If-None-Match, and a new ETag after touch()", async () => {
    const first = await get(STATUS);
    const etag = first.headers.get("etag")!;
    const again = await get(STATUS, { "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("expires")).not.toBeNull();
    fake.touch("GetStatus");
    const changed = await get(STATUS, { "If-None-Match": etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(fake.stats.notModified).toBe(1);
  });

  it("sets the cache lifetime per route, or sends no max-age/Expires at all", async () => {
    fake.route("GetStatus", { maxAgeSeconds: 7 });
    expect((await get(STATUS)).headers.get("cache-control")).toBe("public, max-age=7");
    fake.route("GetStatus", { maxAgeSeconds: null });
    const bare = await get(STATUS);
    expect(bare.headers.get("cache-control")).toBeNull();
    expect(bare.headers.get("expires")).toBeNull();
    expect(bare.headers.get("etag")).not.toBeNull();
  });

  it("serves X-Pages pages with distinct items and answers 404 past the last page", async () => {
    fake.set({ pages: 3, itemsPerPage: 4 });
    const ids = new Set<number>();
    for (const page of [1, 2, 3]) {
      const response = await get(`${ORDERS}&page=${page}`);
      expect(response.headers.get("x-pages")).toBe("3");
      const items = (await response.json()) as Array<{ order_id: number }>;
      expect(items).toHaveLength(4);
      for (const item of items) ids.add(item.order_id);
    }
    expect(ids.size).toBe(12);
    const past = await get(`${ORDERS}&page=4`);
    expect(past.status).toBe(404);
    expect(await past.json()).toEqual({ error: "Requested page does not exist!" });
  });

  it("walks a cursor route back to an empty end, and after= shows new and changed records", async () => {
    fake.route("GetFreelanceJobsListing", { cursorRecords: 23 });
    const seen: string[] = [];
    let query = "?limit=10";
    for (let i = 0; i < 10; i++) {
      const body = (await (await get(`${JOBS}${query}`)).json()) as { freelance_jobs: Array<{ id: string }>; cursor: { before?: string; after?: string } };
      if (body.freelance_jobs.length === 0) {
        expect(body.cursor.before).toBeUndefined();
        break;
      }
      seen.push(...body.freelance_jobs.map((j) => j.id));
      query = `?limit=10&before=${body.cursor.before}`;
    }
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);

    const head = (await (await get(`${JOBS}?limit=10`)).json()) as { cursor: { after: string } };
    const nothingNew = (await (await get(`${JOBS}?after=${head.cursor.after}`)).json()) as { freelance_jobs: unknown[]; cursor: { after: string } };
    expect(nothingNew.freelance_jobs).toEqual([]);
    fake.addCursorRecords("GetFreelanceJobsListing", 2);
    fake.modifyCursorRecord("GetFreelanceJobsListing", 0);
    const news = (await (await get(`${JOBS}?after=${nothingNew.cursor.after}`)).json()) as { freelance_jobs: Array<{ id: string }> };
    expect(news.freelance_jobs).toHaveLength(3);
    // Two new records, then the changed one (the oldest), seen again at the newest end.
    const [a, b, changed] = news.freelance_jobs.map((j) => j.id);
    expect(seen).not.toContain(a);
    expect(seen).not.toContain(b);
    expect(changed).toBe(seen[seen.length - 3]);
  });

  it("injects 5xx at a seeded rate, the same sequence for the same seed", async () => {
    fake.set({ faultRate: 0.3, seed: 42 });
    const run = async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await get(STATUS)).status);
      return statuses;
    };
    const first = await run();
    const faults = first.filter((s) => s >= 500);
    expect(faults.length).toBeGreaterThan(4);
    expect(faults.length).toBeLessThan(24);
    expect(faults.every((s) => [502, 503, 504].includes(s))).toBe(true);
    fake.set({ seed: 42 });
    fake.set({ errorLimit: { limit: 100 } });
    expect(await run()).toEqual(first);
  });

  it("after `limit` errors in a window answers 420 until the window ends", async () => {
    fake.set({ errorLimit: { limit: 3, windowSeconds: 1 } });
    fake.route("GetStatus", { status: 503 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(STATUS)).status);
    expect(statuses).toEqual([503, 503, 503, 420, 420]);
    const limited = await get(STATUS);
    expect(limited.headers.get("x-esi-error-limit-remain")).toBe("0");
    expect(fake.stats.errorLimited).toBe(3);
    fake.route("GetStatus", undefined);
    await new Promise((r) => setTimeout(r, 1050));
    const after = await get(STATUS);
    expect(after.status).toBe(200);
    expect(after.headers.get("x-esi-error-limit-remain")).toBe("3");
  });

  it("spends rate-limit tokens by status and answers 429 with Retry-After when the bucket is spent", async () => {
    fake.set({ rateLimit: { windowSeconds: 2, maxTokens: 6 } });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) statuses.push((last = await get(STATUS)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last!.headers.get("retry-after")).toMatch(/^[12]$/);
    expect(last!.headers.get("x-ratelimit-limit")).toBe("6/2s");
    expect(last!.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(fake.stats.rateLimited).toBe(1);
    await new Promise((r) => setTimeout(r, 2050));
    expect((await get(STATUS)).status).toBe(200);
  });

  it("keeps one bucket per character: another character is not throttled", async () => {
    fake.set({ rateLimit: { windowSeconds: 60, maxTokens: 2 } });
    const token = (id: number) => `x.${Buffer.from(JSON.stringify({ sub: `CHARACTER:EVE:${id}` })).toString("base64url")}.y`;
    const wallet = (id: number) => get(`/characters/${id}/wallet`, { Authorization: `Bearer ${token(id)}` });
    const rateLimited = fake.operations.find((o) => o.operationId === "GetCharactersCharacterIdWallet")!.rateLimit;
    expect(rateLimited).not.toBeNull();
    expect((await wallet(1)).status).toBe(200);
    expect((await wallet(1)).status).toBe(429);
    expect((await wallet(2)).status).toBe(200);
  });

  it("answers HTML error pages, drops connections, and requires a Bearer on secured routes", async () => {
    fake.route("GetStatus", { html: true, status: 503 });
    const html = await get(STATUS);
    expect(html.status).toBe(503);
    expect(html.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await html.text()).toContain("<h1>503 Service Unavailable</h1>");
    fake.route("GetStatus", { drop: true });
    await expect(get(STATUS)).rejects.toThrow();
    expect(fake.stats.dropped).toBe(1);
    expect((await get("/characters/1/wallet")).status).toBe(401);
    fake.set({ auth: { validate: (t) => t === "good" } });
    expect((await get("/characters/1/wallet", { Authorization: "Bearer bad" })).status).toBe(401);
    expect((await get("/characters/1/wallet", { Authorization: "Bearer good" })).status).toBe(200);
    expect(fake.requests.at(-1)!.headers.authorization).toBeUndefined();
  });

  it("lets a handler answer, and counts requests by operation and status", async () => {
    fake.route("GetStatus", { handler: (req) => (req.query.get("x") === "1" ? { body: { players: 1, server_version: "v", start_time: "2026-01-01T00:00:00Z" } } : undefined) });
    expect(await (await get(`${STATUS}?x=1`)).json()).toMatchObject({ players: 1 });
    expect((await get(STATUS)).status).toBe(200);
    fake.route("GetStatus", { headers: { Warning: '299 - "This route is deprecated"' } });
    expect((await get(STATUS)).headers.get("warning")).toBe('299 - "This route is deprecated"');
    expect(fake.stats.byOperation.GetStatus).toBe(3);
    expect(fake.stats.byStatus["200"]).toBe(3);
    expect(fake.requests.map((r) => r.operationId)).toEqual(["GetStatus", "GetStatus", "GetStatus"]);
  });
});
