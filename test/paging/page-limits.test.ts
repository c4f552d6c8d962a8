import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EsiUsageError } from "../../src/errors.ts";
import type { OperationInfo } from "../../src/generation.ts";
import { createEsiClient } from "../../src/index.ts";
import { DEFAULT_MAX_PAGES, DEFAULT_PAGE_CONCURRENCY, maxPagesOf, pageConcurrency, pagesAsTheyFree } from "../../src/paging/page-schedule.ts";
import { fetchAllPages, iteratePages } from "../../src/paging/pages.ts";
import { EsiPagesLimitError } from "../../src/paging/pages-limit-error.ts";
import { startFakeEsi, type FakeEsi, type FakeRequest } from "../../src/testing/fake-esi/index.ts";
import { HAVE_REAL_SPECS, NO_SPECS_REASON, specFile } from "../support/spec-files.ts";

const row = (rateLimit: OperationInfo["rateLimit"]): OperationInfo => ({
  operationId: "GetPaged",
  method: "get",
  path: "/paged",
  summary: "",
  scopes: [],
  roles: [],
  cacheSeconds: null,
  rateLimit,
  paging: "page",
  parameters: [],
  hasBody: false,
});

describe("pageConcurrency and maxPages", () => {
  it("defaults to 25 pages at once, lowered to what a rate-limited group's bucket pays for at once", () => {
    expect(DEFAULT_PAGE_CONCURRENCY).toBe(25);
    expect(pageConcurrency(row(null), undefined)).toBe(25);
    expect(pageConcurrency(row({ group: "market-order", maxTokens: 12000, windowSeconds: 900 }), undefined)).toBe(25);
    // char-killmail: 30 tokens per 15 min, 2 per page: 15 at once.
    expect(pageConcurrency(row({ group: "char-killmail", maxTokens: 30, windowSeconds: 900 }), undefined)).toBe(15);
    expect(pageConcurrency(row({ group: "tiny", maxTokens: 1, windowSeconds: 900 }), undefined)).toBe(1);
  });

  it("takes the caller's concurrency as given, and refuses one that is not a whole number of 1 or more", () => {
    expect(pageConcurrency(row({ group: "char-killmail", maxTokens: 30, windowSeconds: 900 }), 4)).toBe(4);
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity]) expect(() => pageConcurrency(row(null), bad)).toThrow(EsiUsageError);
  });

  it("caps pages at 10,000 by default; Infinity lifts the cap; nonsense is refused", () => {
    expect(DEFAULT_MAX_PAGES).toBe(10_000);
    expect(maxPagesOf(undefined)).toBe(10_000);
    expect(maxPagesOf(Infinity)).toBe(Infinity);
    expect(maxPagesOf(3)).toBe(3);
    for (const bad of [0, -5, 2.5, Number.NaN]) expect(() => maxPagesOf(bad)).toThrow(/maxPages must be a whole number/);
  });
});

describe("pagesAsTheyFree", () => {
  it("never has more than `concurrency` pages started and not yet handed over, whatever the page count", async () => {
    const resolvers = new Map<number, () => void>();
    let started = 0;
    const walk = pagesAsTheyFree(2, Number.MAX_SAFE_INTEGER, 3, (page) => {
      started++;
      return new Promise<number>((resolve) => resolvers.set(page, () => resolve(page)));
    });
    const first = walk.next();
    expect(started).toBe(3);
    resolvers.get(3)!();
    expect((await first).value).toEqual({ page: 3, value: 3 });
    // Handing page 3 over freed one place: page 5 started, and nothing else.
    expect(started).toBe(4);
    const second = walk.next();
    resolvers.get(2)!();
    expect((await second).value).toEqual({ page: 2, value: 2 });
    expect(started).toBe(5);
    await walk.return(undefined);
    resolvers.get(4)!();
    resolvers.get(5)!();
    await new Promise((r) => setImmediate(r));
    expect(started).toBe(5);
  });

  it("yields a failing page as an outcome (the caller decides), including a fetch that throws at once", async () => {
    const outcomes = [];
    for await (const outcome of pagesAsTheyFree(1, 3, 2, async (page) => {
      if (page === 2) throw new Error("boom");
      return page;
    })) outcomes.push(outcome);
    expect(outcomes).toHaveLength(3);
    expect(outcomes.find((o) => o.page === 2)).toMatchObject({ error: new Error("boom") });

    const sync: unknown[] = [];
    for await (const outcome of pagesAsTheyFree(1, 1, 1, () => {
      throw new Error("sync");
    })) sync.push(outcome);
    expect(sync).toMatchObject([{ page: 1, error: new Error("sync") }]);
  });
});

describe.skipIf(!HAVE_REAL_SPECS)(`X-Pages bounds against the fake ESI${HAVE_REAL_SPECS ? "" : ` (skipped: ${NO_SPECS_REASON})`}`, () => {
  let fake: FakeEsi;
  let inFlight = 0;
  let maxInFlight = 0;
  let latencyMs = 0;
  let xPages = "99999999";
  const orders = async (request: FakeRequest) => {
    const page = Number(request.query.get("page") ?? "1");
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    if (latencyMs) await new Promise((r) => setTimeout(r, latencyMs));
    inFlight--;
    return { body: [{ order_id: page, type_id: 34, is_buy_order: false }], headers: { "X-Pages": xPages } };
  };

  beforeAll(async () => {
    fake = await startFakeEsi({ spec: specFile("openapi.json"), maxAgeSeconds: null });
  });
  afterAll(() => fake?.close());
  beforeEach(() => {
    fake.reset();
    fake.route("GetMarketsRegionIdOrders", { handler: orders });
    inFlight = maxInFlight = latencyMs = 0;
    xPages = "99999999";
  });
  const client = () => createEsiClient({ userAgent: "esikit-tests/0 (paging)", baseUrl: fake.url, retry: false, cache: false });
  const sentFor = (regionId: number) => fake.requests.filter((r) => r.path === `/markets/${regionId}/orders`).length;

  it("X-Pages: 99999999 is an EsiPagesLimitError after page 1, nothing more sent", async () => {
    const error = await fetchAllPages(client(), "GetMarketsRegionIdOrders", { region_id: 10000002, order_type: "all" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsiPagesLimitError);
    expect(error).toMatchObject({ operationId: "GetMarketsRegionIdOrders", pages: 99_999_999, maxPages: 10_000 });
    expect((error as Error).message).toBe(
      "GetMarketsRegionIdOrders says it has 99999999 pages (X-Pages), more than maxPages 10000: nothing past page 1 was fetched (pass a larger maxPages to read them all)",
    );
    expect(sentFor(10000002)).toBe(1);
  });

  it("a lower maxPages is honoured at its edge", async () => {
    xPages = "5";
    await expect(fetchAllPages(client(), "GetMarketsRegionIdOrders", { region_id: 10000003, order_type: "all" }, { maxPages: 4 })).rejects.toBeInstanceOf(EsiPagesLimitError);
    const items = await fetchAllPages(client(), "GetMarketsRegionIdOrders", { region_id: 10000004, order_type: "all" }, { maxPages: 5 });
    expect(items.map((o) => o.order_id)).toEqual([1, 2, 3, 4, 5]);
  });

  it("with the cap lifted, 99999999 pages start only as others finish: reading 60 sends about 60", async () => {
    const seen: number[] = [];
    for await (const page of iteratePages(client(), "GetMarketsRegionIdOrders", { region_id: 10000005, order_type: "all" }, { maxPages: Infinity, concurrency: 5 })) {
      seen.push(page.page);
      if (seen.length === 60) break;
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(sentFor(10000005)).toBeGreaterThanOrEqual(60);
    expect(sentFor(10000005)).toBeLessThanOrEqual(60 + 5);
    expect(maxInFlight).toBeLessThanOrEqual(5);
  });

  it("reads 100 pages DEFAULT_PAGE_CONCURRENCY (25) at a time by default", async () => {
    xPages = "100";
    latencyMs = 100;
    const items = await fetchAllPages(client(), "GetMarketsRegionIdOrders", { region_id: 10000006, order_type: "all" });
    expect(items.map((o) => o.order_id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(DEFAULT_PAGE_CONCURRENCY).toBe(25);
    // 99 pages after the first, each held 100 ms by the server: the default is reached, never passed.
    expect(maxInFlight).toBe(DEFAULT_PAGE_CONCURRENCY);
  });
});
