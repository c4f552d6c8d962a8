import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEsiClient } from "../../src/index.ts";
import { fetchAllFromId, iterateFromId } from "../../src/paging/from-id.ts";
import { startFakeEsi, type FakeEsi, type FakeRequest } from "../../src/testing/fake-esi/index.ts";
import { HAVE_REAL_SPECS, NO_SPECS_REASON, specFile } from "../support/spec-files.ts";

const OP = "GetCharactersCharacterIdWalletTransactions";
const CHARACTER = 90000001;

/** Wallet transactions 1..total, newest (highest id) first, `pageSize` per answer, as ESI pages them with from_id. */
function transactions(total: number, pageSize: number, inclusive: boolean) {
  return (request: FakeRequest) => {
    const from = request.query.get("from_id");
    const below = from === null ? total + 1 : Number(from) + (inclusive ? 1 : 0);
    const ids = [];
    for (let id = Math.min(total, below - 1); id >= 1 && ids.length < pageSize; id--) ids.push(id);
    const body = ids.map((id) => ({
      transaction_id: id,
      date: "2026-08-01T00:00:00Z",
      type_id: 34,
      quantity: 1,
      unit_price: 5,
      client_id: 1,
      location_id: 60003760,
      is_buy: true,
      is_personal: true,
      journal_ref_id: id,
    }));
    return { body };
  };
}

describe.skipIf(!HAVE_REAL_SPECS)(`from_id paging against the fake ESI${HAVE_REAL_SPECS ? "" : ` (skipped: ${NO_SPECS_REASON})`}`, () => {
  let fake: FakeEsi;
  beforeAll(async () => {
    fake = await startFakeEsi({ spec: specFile("openapi.json"), maxAgeSeconds: null, auth: { required: false } });
  });
  afterAll(() => fake?.close());
  beforeEach(() => fake.reset());
  const client = () => createEsiClient({ userAgent: "esikit-tests/0 (from_id)", baseUrl: fake.url, cache: false });

  it("walks back with from_id = the smallest id seen until a page brings nothing new", async () => {
    fake.route(OP, { handler: transactions(120, 50, false) });
    const pages: number[][] = [];
    for await (const page of iterateFromId(client(), OP, { character_id: CHARACTER })) pages.push(page.map((t) => t.transaction_id));
    expect(pages.map((p) => p.length)).toEqual([50, 50, 20]);
    expect(pages.flat()).toEqual(Array.from({ length: 120 }, (_, i) => 120 - i));
    expect(fake.requests.map((r) => new URLSearchParams(r.query).get("from_id"))).toEqual([null, "71", "21", "1"]);
  });

  it("ends too when ESI includes the from_id record itself in the next page", async () => {
    fake.route(OP, { handler: transactions(120, 50, true) });
    const all = await fetchAllFromId(client(), OP, { character_id: CHARACTER });
    expect(all.map((t) => t.transaction_id)).toEqual(Array.from({ length: 120 }, (_, i) => 120 - i));
    expect(fake.stats.requests).toBe(4);
  });

  it("an empty wallet is one request", async () => {
    fake.route(OP, { handler: transactions(0, 50, false) });
    expect(await fetchAllFromId(client(), OP, { character_id: CHARACTER })).toEqual([]);
    expect(fake.stats.requests).toBe(1);
  });
});
