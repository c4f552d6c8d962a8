import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEsiClient } from "../../src/index.ts";
import { EsiError } from "../../src/errors.ts";
import { EsiThrottledError } from "../../src/limits/throttled-error.ts";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { HAVE_REAL_SPECS, NO_SPECS_REASON, specFile } from "../support/spec-files.ts";

const JOB = "00000000-0000-4000-8000-000000000001";

describe.skipIf(!HAVE_REAL_SPECS)(`waits longer than maxWaitMs, through the client${HAVE_REAL_SPECS ? "" : ` (skipped: ${NO_SPECS_REASON})`}`, () => {
  let fake: FakeEsi;
  beforeAll(async () => {
    fake = await startFakeEsi({ spec: specFile("openapi.json"), maxAgeSeconds: null });
  });
  afterAll(() => fake?.close());
  beforeEach(() => fake.reset());

  /** A client with the default limits, and how many times it reported waiting. */
  const client = () => {
    const esi = createEsiClient({ userAgent: "esikit-tests/0 (huge waits)", baseUrl: fake.url, retry: false, cache: false });
    const counts = { throttled: 0 };
    esi.events.on("throttled", () => counts.throttled++);
    return { esi, counts };
  };

  for (const [what, retryAfter] of [
    ["Retry-After: 999999999", "999999999"],
    ["a Retry-After date years ahead", "Fri, 01 Jan 2100 00:00:00 GMT"],
  ] as const) {
    it(`${what}: the 429 comes back at once, nothing waits, and the spent bucket refuses the next call unsent`, async () => {
      fake.route("GetFreelanceJobsDetail", {
        handler: () => ({ status: 429, body: { error: "Too many requests" }, headers: { "Retry-After": retryAfter, "X-Ratelimit-Remaining": "0" } }),
      });
      const { esi, counts } = client();
      const first = await esi.call("GetFreelanceJobsDetail", { job_id: JOB }).catch((e: unknown) => e);
      expect(first).toBeInstanceOf(EsiError);
      expect(first).toMatchObject({ status: 429 });
      expect(fake.stats.requests).toBe(1);

      const second = await esi.call("GetFreelanceJobsDetail", { job_id: JOB }).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(EsiThrottledError);
      expect(second).toMatchObject({ reason: "rate-limit", group: "freelance-job", maxWaitMs: 60_000 });
      expect((second as EsiThrottledError).waitMs).toBeGreaterThan(60_000);
      expect(fake.stats.requests).toBe(1);
      expect(counts.throttled).toBe(0);
    });
  }

  it("an error-limit reset of 999999999 s with no errors left: the next call is an EsiThrottledError at once, unsent", async () => {
    fake.route("GetAlliancesAllianceId", {
      handler: () => ({ status: 404, body: { error: "Not found" }, headers: { "X-ESI-Error-Limit-Remain": "0", "X-ESI-Error-Limit-Reset": "999999999" } }),
    });
    const { esi, counts } = client();
    await expect(esi.call("GetAlliancesAllianceId", { alliance_id: 99000001 })).rejects.toMatchObject({ status: 404 });
    const error = await esi.call("GetStatus").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsiThrottledError);
    expect(error).toMatchObject({ reason: "error-limit", operationId: "GetStatus", waitMs: expect.any(Number) });
    expect((error as EsiThrottledError).waitMs).toBeGreaterThan(999_000_000_000);
    expect(fake.stats.requests).toBe(1);
    expect(counts.throttled).toBe(0);
  });

  it("a 420 whose reset is 999999999 s away comes back at once instead of waiting", async () => {
    fake.route("GetStatus", {
      handler: () => ({ status: 420, body: { error: "error limited" }, headers: { "X-ESI-Error-Limit-Remain": "0", "X-ESI-Error-Limit-Reset": "999999999" } }),
    });
    const { esi, counts } = client();
    await expect(esi.call("GetStatus")).rejects.toMatchObject({ status: 420 });
    expect(fake.stats.requests).toBe(1);
    expect(counts.throttled).toBe(0);
  });
});
