import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEsiClient, generation, ResponseValidationError } from "../../src/index.ts";
import { startFakeEsi, type FakeEsi } from "../../src/testing/index.ts";

let fake: FakeEsi;
beforeAll(async () => {
  fake = await startFakeEsi(); // no spec: the package's generation's
});
afterAll(() => fake.close());

describe("esikit/testing and validation default to the generation's spec", () => {
  it("serves every operation of the shipped generation when given no spec", async () => {
    expect(fake.operations.map((op) => op.operationId).sort()).toEqual([...generation.operationIds].sort());
    const esi = createEsiClient({ userAgent: "esikit-tests/1.0 (tests@example.com)", baseUrl: fake.url, validate: true });
    await expect(esi.call("GetStatus")).resolves.toHaveProperty("players");
  });

  it("validate: true checks answers against that spec", async () => {
    fake.route("GetStatus", { body: { players: "many", server_version: "1", start_time: "2026-01-01T00:00:00Z" } });
    const esi = createEsiClient({ userAgent: "esikit-tests/1.0 (tests@example.com)", baseUrl: fake.url, validate: true, cache: false });
    const error = await esi.call("GetStatus").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(String(error)).toMatch(/GetStatus: response body at "\/players" must be integer/);
  });
});
