import { expectTypeOf, test } from "vitest";
import { createEsiClient, MemoryCacheStore, type CacheStore, type EsiClientOptions } from "../../src/index.ts";

test("cache options: false, or a store / byte bound / staleIfError", () => {
  createEsiClient({ userAgent: "a/1", cache: false });
  createEsiClient({ userAgent: "a/1", cache: { store: new MemoryCacheStore({ maxBytes: 1 << 20 }), staleIfError: true } });
  createEsiClient({ userAgent: "a/1", cache: { maxBytes: 10_000_000, dedupeWaitMs: 5_000 } });
  // @ts-expect-error caching is on by default: there is no `true`
  createEsiClient({ userAgent: "a/1", cache: true });
  // @ts-expect-error maxBytes is a number of bytes
  createEsiClient({ userAgent: "a/1", cache: { maxBytes: "10MB" } });
  expectTypeOf(new MemoryCacheStore()).toMatchTypeOf<CacheStore>();
});

test("validate takes true (the generation's spec), or a spec (a document or a path)", () => {
  createEsiClient({ userAgent: "a/1", validate: true });
  createEsiClient({ userAgent: "a/1", validate: { spec: "openapi.json" } });
  createEsiClient({ userAgent: "a/1", validate: { spec: { openapi: "3.1.0", paths: {} } } });
  // @ts-expect-error not a spec
  createEsiClient({ userAgent: "a/1", validate: { spec: 42 } });
  expectTypeOf<EsiClientOptions["retry"]>().toEqualTypeOf<import("../../src/retry/retry-layer.ts").RetryOptions | false | undefined>();
});
