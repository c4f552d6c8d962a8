import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EsiError } from "../../src/index.ts";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { clientOf, sent, sleep, SPEC_PATH } from "./support.ts";

let fake: FakeEsi;
beforeAll(async () => {
  fake = await startFakeEsi({ spec: SPEC_PATH, auth: { required: false } });
});
beforeEach(() => fake.reset());
afterAll(() => fake.close());

const status = (esi: ReturnType<typeof clientOf>) => esi.GET("/status");

describe("cache: ESI's rules over real HTTP", () => {
  it("answers a second call before Expires from the cache, sending nothing", async () => {
    const esi = clientOf(fake);
    const outcomes: string[] = [];
    esi.events.on("response", (e) => outcomes.push(e.cache));
    const first = await status(esi);
    const second = await status(esi);
    expect(sent(fake, "GetStatus")).toHaveLength(1);
    expect(second.data).toEqual(first.data);
    expect(esi.info(first.response)?.cache).toBe("miss");
    expect(esi.info(second.response)?.cache).toBe("hit");
    expect(esi.info(second.response)?.operationId).toBe("GetStatus");
    expect(outcomes).toEqual(["miss", "hit"]);
  });

  it("after Expires sends If-None-Match, and a 304 gives back the kept body with the 304's fresh headers", async () => {
    fake.route("GetStatus", { maxAgeSeconds: 1 });
    const esi = clientOf(fake);
    const first = await status(esi);
    await sleep(1100);
    const again = await status(esi);
    const requests = sent(fake, "GetStatus");
    expect(requests).toHaveLength(2);
    expect(requests[1]!.headers["if-none-match"]).toBe(first.response.headers.get("etag"));
    expect(requests[1]!.headers["if-modified-since"]).toBe(first.response.headers.get("last-modified"));
    expect(fake.stats.notModified).toBe(1);
    expect(again.response.status).toBe(200);
    expect(again.data).toEqual(first.data);
    expect(esi.info(again.response)?.cache).toBe("revalidated");
    expect(Date.parse(again.response.headers.get("expires")!)).toBeGreaterThan(Date.parse(first.response.headers.get("expires")!));
    // The 304 made it fresh again: the next call sends nothing.
    await status(esi);
    expect(sent(fake, "GetStatus")).toHaveLength(2);
  });

  it("after Expires, changed data comes back new (200), not the kept body", async () => {
    fake.route("GetStatus", { maxAgeSeconds: 1 });
    const esi = clientOf(fake);
    const first = await status(esi);
    fake.touch("GetStatus");
    await sleep(1100);
    const changed = await status(esi);
    expect(changed.data).not.toEqual(first.data);
    expect(esi.info(changed.response)?.cache).toBe("miss");
  });

  it("never serves a response without Expires, max-age or cache seconds without asking ESI", async () => {
    // GetAlliancesAllianceIdIcons has no x-cache-age in the spec; the fake then sends only ETag/Last-Modified.
    const esi = clientOf(fake);
    const icons = () => esi.GET("/alliances/{alliance_id}/icons", { params: { path: { alliance_id: 99000001 } } });
    const first = await icons();
    expect(first.response.headers.get("expires")).toBeNull();
    const second = await icons();
    const third = await icons();
    expect(sent(fake, "GetAlliancesAllianceIdIcons")).toHaveLength(3);
    expect(esi.info(second.response)?.cache).toBe("revalidated");
    expect(third.data).toEqual(first.data);
  });

  it("never caches POST", async () => {
    const esi = clientOf(fake);
    const post = () => esi.POST("/universe/names", { body: [95465499] });
    const a = await post();
    await post();
    expect(sent(fake, "PostUniverseNames")).toHaveLength(2);
    expect(esi.info(a.response)?.cache).toBe("bypass");
    expect(sent(fake, "PostUniverseNames")[1]!.headers["if-none-match"]).toBeUndefined();
  });

  it("shares one request among identical GETs in flight at once, each caller with its own body", async () => {
    fake.set({ latencyMs: 150 });
    const esi = clientOf(fake);
    const results = await Promise.all(Array.from({ length: 12 }, () => status(esi)));
    expect(sent(fake, "GetStatus")).toHaveLength(1);
    for (const r of results) expect(r.data).toEqual(results[0]!.data);
    expect(new Set(results.map((r) => r.response)).size).toBe(12);
    // Different queries are different requests.
    await Promise.all([1, 2, 3].map((page) => esi.GET("/markets/{region_id}/orders", { params: { path: { region_id: 10000002 }, query: { order_type: "all", page } } })));
    expect(sent(fake, "GetMarketsRegionIdOrders")).toHaveLength(3);
  });

  it("shares public answers between character views (a public call acts for nobody; signed ones are keyed by character, test/auth)", async () => {
    const esi = clientOf(fake);
    await status(esi.as(90000001));
    await status(esi.as(90000001));
    const other = await status(esi.as(90000002));
    expect(sent(fake, "GetStatus")).toHaveLength(1);
    expect(esi.info(other.response)).toMatchObject({ cache: "hit", characterId: undefined });
  });

  it("with staleIfError, a 5xx gives back the kept body marked stale; without it, the error", async () => {
    fake.route("GetStatus", { maxAgeSeconds: 0 });
    const stale = clientOf(fake, { cache: { staleIfError: true } });
    const strict = clientOf(fake);
    const kept = await status(stale);
    await status(strict);
    fake.route("GetStatus", { status: 503 });
    const answer = await status(stale);
    expect(answer.response.status).toBe(200);
    expect(answer.data).toEqual(kept.data);
    expect(stale.info(answer.response)?.cache).toBe("stale");
    await expect(strict.call("GetStatus")).rejects.toMatchObject({ status: 503, operationId: "GetStatus" });
    await expect(strict.call("GetStatus")).rejects.toBeInstanceOf(EsiError);
  });

  it("with staleIfError, a dropped connection also gives back the kept body", async () => {
    fake.route("GetStatus", { maxAgeSeconds: 0 });
    const esi = clientOf(fake, { cache: { staleIfError: true } });
    const kept = await status(esi);
    fake.route("GetStatus", { drop: true });
    const answer = await status(esi);
    expect(answer.data).toEqual(kept.data);
    expect(esi.info(answer.response)?.cache).toBe("stale");
  });

  it("can be turned off", async () => {
    const esi = clientOf(fake, { cache: false });
    await status(esi);
    await status(esi);
    expect(sent(fake, "GetStatus")).toHaveLength(2);
  });
});
