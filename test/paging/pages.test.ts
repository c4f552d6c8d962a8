import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEsiClient } from "../../src/index.ts";
import { EsiError } from "../../src/errors.ts";
import { EsiUsageError } from "../../src/errors.ts";
import { EsiPageError } from "../../src/paging/page-error.ts";
import { fetchAllPages, iteratePages } from "../../src/paging/pages.ts";
import { startFakeEsi, type FakeEsi, type FakeRequest } from "../../src/testing/fake-esi/index.ts";
import { HAVE_REAL_SPECS, NO_SPECS_REASON, specFile } from "../support/spec-files.ts";

const PAGES = 50;
const PER_PAGE = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!HAVE_REAL_SPECS)(`X-Pages paging against the fake ESI${HAVE_REAL_SPECS ? "" : ` (skipped: ${NO_SPECS_REASON})`}`, () => {
  let fake: FakeEsi;
  let inFlight = 0;
  let maxInFlight = 0;
  /** Market orders whose order_id says where they belong (page * 100 + position); later pages answer sooner. */
  const orders = async (request: FakeRequest) => {
    const page = Number(request.query.get("page") ?? "1");
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await sleep(Math.max(0, PAGES - page) / 5);
    inFlight--;
    const body = Array.from({ length: PER_PAGE }, (_, i) => ({ order_id: page * 100 + i, type_id: 34, is_buy_order: false }));
    return { body, headers: { "X-Pages": String(PAGES) } };
  };

  beforeAll(async () => {
    fake = await startFakeEsi({ spec: specFile("openapi.json") });
  });
  afterAll(() => fake?.close());
  beforeEach(() => {
    fake.reset();
    fake.route("GetMarketsRegionIdOrders", { handler: orders });
    inFlight = maxInFlight = 0;
  });

  // Requests of one region: pages an earlier test abandoned may still arrive after fake.reset().
  const sentFor = (regionId: number) => fake.requests.filter((r) => r.path === `/markets/${regionId}/orders`).length;
  const client = () => createEsiClient({ userAgent: "esikit-tests/0 (paging)", baseUrl: fake.url, retry: false });
  const expected = Array.from({ length: PAGES * PER_PAGE }, (_, n) => Math.floor(n / PER_PAGE + 1) * 100 + (n % PER_PAGE));

  it("fetchAllPages returns every item of 50 pages in page order, fetching at most `concurrency` pages at once", async () => {
    const esi = client();
    const items = await fetchAllPages(esi, "GetMarketsRegionIdOrders", { region_id: 10000002, order_type: "all" }, { concurrency: 6 });
    expect(items.map((o) => o.order_id)).toEqual(expected);
    expect(fake.requests.map((r) => new URLSearchParams(r.query).get("page") ?? "1").sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: PAGES }, (_, i) => String(i + 1)),
    );
    expect(maxInFlight).toBeLessThanOrEqual(6);
    expect(maxInFlight).toBeGreaterThan(1);
  });

  it("iteratePages yields page 1 first, then each page as it arrives", async () => {
    const esi = client();
    const seen: number[] = [];
    for await (const page of iteratePages(esi, "GetMarketsRegionIdOrders", { region_id: 10000002, order_type: "all" }, { concurrency: 10 })) {
      expect(page.pages).toBe(PAGES);
      expect(page.items.map((o) => o.order_id)).toEqual(Array.from({ length: PER_PAGE }, (_, i) => page.page * 100 + i));
      seen.push(page.page);
    }
    expect(seen[0]).toBe(1);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: PAGES }, (_, i) => i + 1));
    expect(seen).not.toEqual([...seen].sort((a, b) => a - b)); // later pages answered sooner: arrival order
  });

  it("stops fetching when the loop ends early", async () => {
    const esi = client();
    for await (const page of iteratePages(esi, "GetMarketsRegionIdOrders", { region_id: 10000030, order_type: "all" }, { concurrency: 2 })) {
      if (page.page !== 1) break;
    }
    await sleep(100);
    expect(sentFor(10000030)).toBeLessThan(10);
  });

  it("names the page that failed", async () => {
    fake.route("GetMarketsRegionIdOrders", {
      handler: (request) => (request.query.get("page") === "17" ? { status: 503, body: { error: "Service Unavailable" } } : orders(request)),
    });
    const error = await fetchAllPages(client(), "GetMarketsRegionIdOrders", { region_id: 10000002, order_type: "all" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsiPageError);
    expect(error).toBeInstanceOf(EsiError);
    expect(error).toMatchObject({ page: 17, pages: PAGES, status: 503, operationId: "GetMarketsRegionIdOrders" });
    expect((error as Error).message).toBe("GetMarketsRegionIdOrders page 17 of 50 failed with 503: Service Unavailable");
  });

  it("a route with one page (no X-Pages) is a single request", async () => {
    fake.route("GetMarketsRegionIdOrders", { itemsPerPage: 3 });
    const items = await fetchAllPages(client(), "GetMarketsRegionIdOrders", { region_id: 10000043, order_type: "all" });
    expect(items).toHaveLength(3);
    expect(sentFor(10000043)).toBe(1);
  });

  it("refuses an operation that is not paged with X-Pages, before sending", async () => {
    const esi = client();
    // @ts-expect-error GetAlliances has no page parameter
    await expect(fetchAllPages(esi, "GetAlliances")).rejects.toThrow(EsiUsageError);
    await expect(fetchAllPages(esi, "GetMarketsRegionIdOrders", { region_id: 1, order_type: "all" }, { concurrency: 0 })).rejects.toThrow(/concurrency/);
    expect(sentFor(1)).toBe(0);
  });
});
