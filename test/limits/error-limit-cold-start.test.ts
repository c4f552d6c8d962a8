import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEsiClient } from "../../src/index.ts";
import { EsiError } from "../../src/errors.ts";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { HAVE_REAL_SPECS, NO_SPECS_REASON, specFile } from "../support/spec-files.ts";

describe.skipIf(!HAVE_REAL_SPECS)(`error limit at cold start${HAVE_REAL_SPECS ? "" : ` (skipped: ${NO_SPECS_REASON})`}`, () => {
  let fake: FakeEsi;
  beforeAll(async () => {
    // ESI's window, shortened: 100 errors per 2 s, then 420 until it resets.
    fake = await startFakeEsi({ spec: specFile("openapi.json"), maxAgeSeconds: null, errorLimit: { limit: 100, windowSeconds: 2 } });
  });
  afterAll(() => fake?.close());

  it("150 concurrent requests that all fail, on a client that has seen no answer yet: 0 x 420", async () => {
    fake.route("GetAlliancesAllianceId", { status: 404 });
    const esi = createEsiClient({ userAgent: "esikit-tests/0 (cold start)", baseUrl: fake.url, retry: false });
    const results = await Promise.allSettled(Array.from({ length: 150 }, (_, i) => esi.call("GetAlliancesAllianceId", { alliance_id: 99_000_001 + i })));

    expect(fake.stats.errorLimited).toBe(0);
    expect(fake.stats.byStatus[420]).toBeUndefined();
    expect(fake.stats.requests).toBe(150);
    for (const result of results) {
      expect(result.status).toBe("rejected");
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(EsiError);
      expect((result as PromiseRejectedResult).reason).toMatchObject({ status: 404 });
    }
    // The first request went alone: no other was sent before its answer came back.
    const first = fake.requests[0]!;
    expect(fake.requests.filter((r) => r.at < first.at)).toHaveLength(0);
  });
});
