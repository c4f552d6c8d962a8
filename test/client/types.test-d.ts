import { describe, expectTypeOf, it } from "vitest";
import { createEsiClient, type OperationData, type OperationParams } from "../../src/index.ts";

const esi = createEsiClient({ userAgent: "types/1.0" });

describe("typed calls by path", () => {
  it("give results the spec's types", async () => {
    const { data } = await esi.GET("/characters/{character_id}/wallet", { params: { path: { character_id: 1 } } });
    expectTypeOf(data).toEqualTypeOf<number | undefined>();
    const orders = await esi.GET("/markets/{region_id}/orders", { params: { path: { region_id: 1 }, query: { order_type: "all" } } });
    expectTypeOf(orders.data![0]!.price).toEqualTypeOf<number>();
    expectTypeOf(orders.data![0]!.is_buy_order).toEqualTypeOf<boolean>();
  });

  it("do not ask the app for the headers the client fills itself", () => {
    // X-Compatibility-Date is declared required (a one-value enum) on every operation of the spec.
    void esi.GET("/status", {});
    void esi.GET("/status");
  });

  it("reject a wrong parameter type", () => {
    // @ts-expect-error character_id is a number
    void esi.GET("/characters/{character_id}/wallet", { params: { path: { character_id: "90000001" } } });
  });

  it("reject a missing required path parameter", () => {
    // @ts-expect-error path.character_id is required
    void esi.GET("/characters/{character_id}/wallet", { params: { path: {} } });
    // @ts-expect-error params are required for this path
    void esi.GET("/characters/{character_id}/wallet");
  });

  it("reject an unknown path, and a method the path does not have", () => {
    // @ts-expect-error no such path
    void esi.GET("/characters/{character_id}/walet", { params: { path: { character_id: 1 } } });
    // @ts-expect-error the wallet is read-only
    void esi.POST("/characters/{character_id}/wallet", { params: { path: { character_id: 1 } } });
  });

  it("type request bodies", () => {
    void esi.POST("/universe/names", { body: [1, 2] });
    // @ts-expect-error ids are numbers
    void esi.POST("/universe/names", { body: ["1"] });
  });
});

describe("typed calls by operationId", () => {
  it("take flat parameters and give typed results", async () => {
    const { data } = await esi.op.GetCharactersCharacterIdWallet({ character_id: 1 });
    expectTypeOf(data).toEqualTypeOf<number | undefined>();
    // Header parameters sit beside the others, all optional: the client fills them itself.
    expectTypeOf<OperationParams<"GetMarketsRegionIdOrders">>().toEqualTypeOf<{
      region_id: number;
      order_type: "buy" | "sell" | "all";
      page?: number;
      type_id?: number;
      "Accept-Language"?: "en" | "de" | "fr" | "ja" | "ru" | "zh" | "ko" | "es";
      "If-None-Match"?: string;
      "If-Modified-Since"?: string;
      "X-Compatibility-Date"?: "2026-08-04";
      "X-Tenant"?: string;
    }>();
    expectTypeOf<OperationData<"GetCharactersCharacterIdWallet">>().toEqualTypeOf<number>();
    const balance = await esi.call("GetCharactersCharacterIdWallet", { character_id: 1 });
    expectTypeOf(balance).toEqualTypeOf<number>();
  });

  it("reject a misspelt operationId", () => {
    // @ts-expect-error misspelt
    void esi.op.GetCharactersCharacterIdWalet({ character_id: 1 });
    // @ts-expect-error misspelt
    void esi.call("GetCharactersCharacterIdWalet", { character_id: 1 });
  });

  it("reject missing, unknown and wrongly typed parameters", () => {
    // @ts-expect-error character_id is required
    void esi.op.GetCharactersCharacterIdWallet({});
    // @ts-expect-error params are required
    void esi.op.GetCharactersCharacterIdWallet();
    // @ts-expect-error unknown parameter
    void esi.op.GetCharactersCharacterIdWallet({ character_id: 1, page: 2 });
    // @ts-expect-error order_type is an enum
    void esi.op.GetMarketsRegionIdOrders({ region_id: 1, order_type: "both" });
  });

  it("need no arguments where the operation has none", () => {
    void esi.op.GetStatus();
    void esi.call("GetStatus");
  });
});
