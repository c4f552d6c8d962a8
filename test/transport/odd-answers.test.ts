import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EsiBadResponseError, EsiNetworkError } from "../../src/index.ts";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { clientOf, sent, SPEC_PATH } from "../cache/support.ts";

let fake: FakeEsi;
beforeAll(async () => {
  fake = await startFakeEsi({ spec: SPEC_PATH, latencyMs: 0 });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
});

/** Answers the first `n` requests of GetStatus oddly, the rest as ESI would. */
function oddFirst(n: number, odd: { notJson?: true | string; truncate?: true }) {
  let left = n;
  fake.route("GetStatus", { handler: () => (left-- > 0 ? odd : undefined) });
}

describe("odd answers", () => {
  it("a 200 whose body is not JSON is a typed error, never cached: the next call asks ESI again", async () => {
    fake.route("GetStatus", { notJson: "<html>upstream cache page</html>" });
    const esi = clientOf(fake);
    const error = await esi.call("GetStatus").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsiBadResponseError);
    expect(String(error)).toMatch(/GetStatus answered 200 with a body that is not JSON: "upstream cache page"/);
    fake.route("GetStatus", {});
    // ESI recovered: the answer comes from ESI, not a kept copy of the broken one.
    await expect(esi.call("GetStatus")).resolves.toHaveProperty("players");
    expect(sent(fake, "GetStatus")).toHaveLength(2);
  });

  it("a 200 that is not JSON is retried on a GET, and the good answer is kept", async () => {
    oddFirst(1, { notJson: true });
    const esi = clientOf(fake, { retry: { baseDelayMs: 1 } });
    const { data, response } = await esi.op.GetStatus();
    expect(data).toHaveProperty("players");
    expect(esi.info(response)).toMatchObject({ retries: 1, cache: "miss" });
    const again = await esi.op.GetStatus();
    expect(esi.info(again.response)?.cache).toBe("hit");
    expect(sent(fake, "GetStatus")).toHaveLength(2);
  });

  it("a body cut short (a lying Content-Length) is an EsiNetworkError, retried on a GET", async () => {
    oddFirst(1, { truncate: true });
    const esi = clientOf(fake, { retry: { baseDelayMs: 1 } });
    await expect(esi.call("GetStatus")).resolves.toHaveProperty("players");
    expect(sent(fake, "GetStatus")).toHaveLength(2);

    oddFirst(10, { truncate: true });
    const error = await clientOf(fake).call("GetStatus").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsiNetworkError);
    expect(error).toMatchObject({ reason: "truncated", operationId: "GetStatus" });
    expect(String(error)).toBe("EsiNetworkError: GetStatus got an answer cut short");
    // Its cause is scrubbed to a plain error: no Request, no headers.
    expect(inspect(error, { depth: Infinity, showHidden: true })).not.toMatch(/User-Agent|Headers|Request \{/);
  });
});
