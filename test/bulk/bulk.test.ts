import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bulk } from "../../src/bulk.ts";
import { createEsiClient } from "../../src/index.ts";
import { EsiError, EsiUsageError } from "../../src/errors.ts";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { HAVE_REAL_SPECS, NO_SPECS_REASON, specFile } from "../support/spec-files.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!HAVE_REAL_SPECS)(`bulk against the fake ESI${HAVE_REAL_SPECS ? "" : ` (skipped: ${NO_SPECS_REASON})`}`, () => {
  let fake: FakeEsi;
  let inFlight = 0;
  let maxInFlight = 0;
  beforeAll(async () => {
    fake = await startFakeEsi({ spec: specFile("openapi.json"), maxAgeSeconds: null });
  });
  afterAll(() => fake?.close());
  beforeEach(() => {
    fake.reset();
    inFlight = maxInFlight = 0;
    // Alliance n answers after (60 - n) ms, so answers arrive in reverse; ids divisible by 7 do not exist.
    fake.route("GetAlliancesAllianceId", {
      handler: async (request) => {
        const id = Number(request.params.alliance_id);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(Math.max(0, 60 - id));
        inFlight--;
        if (id % 7 === 0) return { status: 404, body: { error: "Alliance not found" } };
        return { body: { name: `Alliance ${id}`, ticker: `A${id}`, creator_id: 1, creator_corporation_id: 1, date_founded: "2020-01-01T00:00:00Z" } };
      },
    });
  });

  it("keeps input order, gives each item its own success or error, and never runs more than `concurrency` at once", async () => {
    const esi = createEsiClient({ userAgent: "esikit-tests/0 (bulk)", baseUrl: fake.url });
    const ids = Array.from({ length: 40 }, (_, i) => i + 1);
    const results = await bulk(ids, (alliance_id) => esi.call("GetAlliancesAllianceId", { alliance_id }), { concurrency: 5 });

    expect(results.map((r) => r.item)).toEqual(ids);
    expect(results.map((r) => r.index)).toEqual(ids.map((_, i) => i));
    for (const result of results) {
      if (result.item % 7 === 0) {
        expect(result.ok).toBe(false);
        expect(!result.ok && result.error).toBeInstanceOf(EsiError);
        expect(!result.ok && result.error).toMatchObject({ status: 404, operationId: "GetAlliancesAllianceId" });
      } else {
        expect(result).toMatchObject({ ok: true, value: { name: `Alliance ${result.item}` } });
      }
    }
    expect(maxInFlight).toBe(5);
  });

  it("a thrown error of the caller's own function stays with its item", async () => {
    const results = await bulk([1, 2, 3], async (n) => {
      if (n === 2) throw new Error("not this one");
      return n * 10;
    });
    expect(results).toEqual([
      { ok: true, item: 1, index: 0, value: 10 },
      { ok: false, item: 2, index: 1, error: new Error("not this one") },
      { ok: true, item: 3, index: 2, value: 30 },
    ]);
  });

  it("an aborted signal leaves the calls not yet started as errors, unsent", async () => {
    const esi = createEsiClient({ userAgent: "esikit-tests/0 (bulk)", baseUrl: fake.url });
    const controller = new AbortController();
    const results = await bulk(
      Array.from({ length: 10 }, (_, i) => i + 1),
      async (alliance_id) => {
        const data = await esi.call("GetAlliancesAllianceId", { alliance_id });
        controller.abort(new Error("enough"));
        return data;
      },
      { concurrency: 1, signal: controller.signal },
    );
    expect(results[0]!.ok).toBe(true);
    expect(results.slice(1).every((r) => !r.ok && (r.error as Error).message === "enough")).toBe(true);
    expect(fake.stats.requests).toBe(1);
  });

  it("refuses a concurrency below 1", async () => {
    await expect(bulk([1], async (n) => n, { concurrency: 0 })).rejects.toThrow(EsiUsageError);
  });
});
