import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEsiClient } from "../../src/index.ts";
import { fetchAllRecords, fetchChanges } from "../../src/paging/cursor.ts";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { HAVE_REAL_SPECS, NO_SPECS_REASON, specFile } from "../support/spec-files.ts";

const OP = "GetFreelanceJobsListing";

describe.skipIf(!HAVE_REAL_SPECS)(`cursor paging against the fake ESI${HAVE_REAL_SPECS ? "" : ` (skipped: ${NO_SPECS_REASON})`}`, () => {
  let fake: FakeEsi;
  beforeAll(async () => {
    fake = await startFakeEsi({ spec: specFile("openapi.json"), maxAgeSeconds: null });
  });
  afterAll(() => fake?.close());
  beforeEach(() => {
    fake.reset();
    fake.route(OP, { cursorRecords: 95 });
  });
  const client = () => createEsiClient({ userAgent: "esikit-tests/0 (cursor)", baseUrl: fake.url, cache: false });

  it("backfills every record walking back with `before` until ESI has no more, then stops", async () => {
    const { records, after } = await fetchAllRecords(client(), OP, {}, { limit: 10 });
    expect(records).toHaveLength(95);
    expect(new Set(records.map((r) => r.id)).size).toBe(95);
    expect(after).toEqual(expect.any(String));
    // 10 pages of records (the last one short), then the empty answer that ends the walk.
    expect(fake.stats.requests).toBe(11);
    expect(fake.requests.slice(1).every((r) => new URLSearchParams(r.query).has("before"))).toBe(true);
  });

  it("polls with `after` for what is new or changed: each record once, at its newest version", async () => {
    const esi = client();
    const first = await fetchAllRecords(esi, OP, {}, { limit: 20 });
    const byOldest = first.records;
    // Nothing changed: nothing comes back, and the token stays usable.
    const none = await fetchChanges(esi, OP, {}, { after: first.after!, limit: 20 });
    expect(none.records).toEqual([]);

    fake.addCursorRecords(OP, 30);
    fake.modifyCursorRecord(OP, 0); // the oldest record changes: ESI lists it again at the newest end
    const changes = await fetchChanges(esi, OP, {}, { after: none.after, limit: 20 });
    expect(changes.records).toHaveLength(31);
    expect(new Set(changes.records.map((r) => r.id)).size).toBe(31);
    expect(changes.records.at(-1)!.id).toBe(byOldest[0]!.id);
    expect(changes.after).not.toBe(none.after);

    const again = await fetchChanges(esi, OP, {}, { after: changes.after });
    expect(again.records).toEqual([]);
  });

  it("a record that changes during a poll comes back once, at its newest version", async () => {
    const esi = client();
    const { after } = await fetchAllRecords(esi, OP, {}, { limit: 100 });
    fake.addCursorRecords(OP, 12);
    const walkedOnce = await fetchChanges(esi, OP, {}, { after: after!, limit: 10 });
    const changed = walkedOnce.records[1]!;
    // Between the poll's first and second page the second new record changes: ESI lists it again at the newest end,
    // so it is on the wire twice.
    let requests = 0;
    fake.route(OP, {
      handler: () => {
        if (++requests === 2) fake.modifyCursorRecord(OP, 96);
        return undefined;
      },
    });
    const polled = await fetchChanges(esi, OP, {}, { after: after!, limit: 10 });
    const ids = polled.records.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.at(-1)).toBe(changed.id);
    expect(requests).toBeGreaterThanOrEqual(3);
  });

  it("an empty list ends the walk at once", async () => {
    fake.route(OP, { cursorRecords: 0 });
    const { records } = await fetchAllRecords(client(), OP);
    expect(records).toEqual([]);
    expect(fake.stats.requests).toBe(1);
  });
});
