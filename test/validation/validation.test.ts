import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { ResponseValidationError } from "../../src/validation/response-validation-error.ts";
import { SpecValidators } from "../../src/validation/spec-validators.ts";
import { clientOf, SPEC_PATH } from "../cache/support.ts";

let fake: FakeEsi;
beforeAll(async () => {
  fake = await startFakeEsi({ spec: SPEC_PATH, auth: { required: false } });
});
beforeEach(() => fake.reset());
afterAll(() => fake.close());

describe("opt-in response validation", () => {
  it("lets bodies that match the spec through", async () => {
    const esi = clientOf(fake, { validate: { spec: SPEC_PATH } });
    const status = await esi.call("GetStatus");
    expect(typeof status.players).toBe("number");
    const orders = await esi.call("GetMarketsRegionIdOrders", { region_id: 10000002, order_type: "all" });
    expect(orders.length).toBeGreaterThan(0);
  });

  it("rejects a body that drifted from the spec, naming the operation, the JSON pointer and the value", async () => {
    fake.route("GetStatus", { body: { players: "many", server_version: "1", start_time: "2026-01-01T00:00:00Z" } });
    const esi = clientOf(fake, { validate: { spec: SPEC_PATH } });
    const error = await esi.call("GetStatus").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error).toMatchObject({ operationId: "GetStatus", pointer: "/players", value: "many" });
    expect((error as Error).message).toMatch(/^GetStatus: response body at "\/players" must be integer \(got "many"\)/);
  });

  it("names a missing required property by its pointer", async () => {
    fake.route("GetStatus", { body: { players: 1, start_time: "2026-01-01T00:00:00Z" } });
    const esi = clientOf(fake, { validate: { spec: SPEC_PATH } });
    await expect(esi.call("GetStatus")).rejects.toMatchObject({ pointer: "/server_version", value: undefined });
  });

  it("is off unless asked for", async () => {
    fake.route("GetStatus", { body: { players: "many" } });
    expect(await clientOf(fake).call("GetStatus")).toEqual({ players: "many" });
  });

  it("compiles each operation's validator once, on first use", () => {
    const validators = new SpecValidators(SPEC_PATH);
    const first = validators.forRoute("GET", "/status");
    expect(first).toBeTypeOf("function");
    expect(validators.forRoute("get", "/status")).toBe(first);
    expect(validators.forRoute("DELETE", "/characters/{character_id}/contacts")).toBeNull();
  });

  it("says what is wrong with a spec it cannot use", () => {
    expect(() => new SpecValidators({ swagger: "2.0", paths: {} })).toThrow(/OpenAPI 3\.x.*"2\.0"/);
    expect(() => new SpecValidators({})).toThrow(/no paths/);
  });
});
