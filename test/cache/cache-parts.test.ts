import { describe, expect, it } from "vitest";
import { cacheKey } from "../../src/cache/cache-key.ts";
import { freshness } from "../../src/cache/freshness.ts";
import { MemoryCacheStore } from "../../src/stores/memory-cache-store.ts";
import type { CachedResponse } from "../../src/stores/types.ts";

const T0 = Date.UTC(2026, 7, 4, 12, 0, 0);
const http = (ms: number) => new Date(ms).toUTCString();

describe("cache key", () => {
  const key = (url: string, characterId: number | undefined, language = "en", date: string | null = "2026-08-04") => cacheKey("GET", url, characterId, language, date);
  it("covers method, path, sorted query, character, language and compatibility date", () => {
    const a = "https://esi.evetech.net/markets/1/orders?page=2&order_type=all";
    const b = "https://esi.evetech.net/markets/1/orders?order_type=all&page=2";
    expect(key(a, 7)).toBe(key(b, 7));
    expect(key(a, 7)).not.toBe(key(a, 8));
    expect(key(a, undefined)).not.toBe(key(a, 7));
    expect(key(b, 7)).not.toBe(key("https://esi.evetech.net/markets/1/orders?order_type=all&page=3", 7));
    expect(key(b, 7)).not.toBe(key(b, 7, "de"));
    expect(key(b, 7)).not.toBe(key(b, 7, "en", "2026-07-21"));
    expect(cacheKey("GET", b, 7, "en", null)).not.toBe(cacheKey("HEAD", b, 7, "en", null));
  });
});

describe("freshness", () => {
  it("takes Cache-Control max-age first, even over Expires", () => {
    const headers = new Headers({ "Cache-Control": "public, max-age=60", Expires: http(T0 + 3_600_000), Date: http(T0) });
    expect(freshness(headers, T0, 300).freshUntil).toBe(T0 + 60_000);
  });
  it("reads Expires relative to Date, so a skewed local clock does not matter", () => {
    const serverNow = T0 - 3_600_000; // the server's clock is an hour behind ours
    const headers = new Headers({ Expires: http(serverNow + 120_000), Date: http(serverNow) });
    expect(freshness(headers, T0, 300).freshUntil).toBe(T0 + 120_000);
  });
  it("falls back to the operation's cache seconds, and without any is never fresh", () => {
    expect(freshness(new Headers(), T0, 300).freshUntil).toBe(T0 + 300_000);
    expect(freshness(new Headers(), T0, null)).toEqual({ storable: true, freshUntil: T0 });
  });
  it("reads an unreadable Expires as already expired, and no-store as not storable", () => {
    expect(freshness(new Headers({ Expires: "0" }), T0, 300).freshUntil).toBe(T0);
    expect(freshness(new Headers({ "Cache-Control": "no-store", Expires: http(T0 + 60_000) }), T0, 300).storable).toBe(false);
    expect(freshness(new Headers({ "Cache-Control": "no-cache" }), T0, 300).freshUntil).toBe(T0);
  });
});

describe("MemoryCacheStore", () => {
  const entry = (body: string): CachedResponse => ({ status: 200, headers: [["content-type", "application/json"]], body, storedAt: T0, freshUntil: T0 });

  it("stays within its byte bound, evicting the least recently used entries", () => {
    const store = new MemoryCacheStore({ maxBytes: 20_000 });
    const body = "x".repeat(1_000); // about 2.2 kB an entry
    for (let i = 0; i < 5; i++) store.set(`k${i}`, entry(body));
    store.get("k0"); // used: k1 is now the least recently used
    for (let i = 5; i < 12; i++) {
      store.set(`k${i}`, entry(body));
      expect(store.size).toBeLessThanOrEqual(20_000);
    }
    expect(store.entries).toBeLessThan(12);
    expect(store.get("k0")).toBeDefined();
    expect(store.get("k1")).toBeUndefined();
    expect(store.get("k11")?.body).toBe(body);
  });

  it("keeps entries past their freshness: only eviction drops them", () => {
    const store = new MemoryCacheStore();
    store.set("old", { ...entry("{}"), freshUntil: 0 });
    expect(store.get("old")).toBeDefined();
  });

  it("refuses a bound that is not a positive number of bytes", () => {
    expect(() => new MemoryCacheStore({ maxBytes: 0 })).toThrow(/maxBytes/);
  });
});
