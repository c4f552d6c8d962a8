import { describe, expect, it } from "vitest";
import { parseWindow } from "../../scripts/lib/operation-table.ts";
import { fixture, tableOf } from "./helpers.ts";

const row = async (file: string, id: string) => {
  const found = (await tableOf(fixture(file))).get(id);
  if (!found) throw new Error(`${id} is not in the table of ${file}`);
  return found;
};

describe("operation table from an OpenAPI 3.1 spec", () => {
  const file = "openapi-3.1.json";

  it("lists every operation, sorted by operationId", async () => {
    expect([...(await tableOf(fixture(file))).keys()]).toEqual([
      "GetCharactersCharacterIdWallet",
      "GetCorporationsCorporationIdWalletsDivisionTransactions",
      "GetCorporationsJobsListing",
      "GetMarketsRegionIdOrders",
      "GetStatus",
      "PostUniverseNames",
    ]);
  });

  it("reads a scoped operation: scopes, cache seconds, rate limit with its window in seconds", async () => {
    expect(await row(file, "GetCharactersCharacterIdWallet")).toEqual({
      operationId: "GetCharactersCharacterIdWallet",
      method: "get",
      path: "/characters/{character_id}/wallet",
      summary: "A character's balance",
      scopes: ["esi-wallet.read_character_wallet.v1"],
      roles: [],
      cacheSeconds: 120,
      rateLimit: { group: "char-wallet", maxTokens: 150, windowSeconds: 900 },
      paging: null,
      // Every parameter with its schema resolved; X-Compatibility-Date and If-None-Match are the client's to fill.
      parameters: [
        { name: "character_id", in: "path", required: true, schema: { type: "integer", format: "int64" } },
        { name: "X-Compatibility-Date", in: "header", required: true, schema: { type: "string", enum: ["2026-01-01"] }, clientFilled: true },
        { name: "If-None-Match", in: "header", required: false, schema: { type: "string" }, clientFilled: true },
      ],
      hasBody: false,
    });
  });

  it("keeps only the validation keywords of a parameter's schema", async () => {
    const orders = await row(file, "GetMarketsRegionIdOrders");
    expect(orders.parameters.filter((p) => !p.clientFilled)).toEqual([
      { name: "region_id", in: "path", required: true, schema: { type: "integer" } },
      { name: "page", in: "query", required: false, schema: { type: "integer", minimum: 1 } },
      { name: "order_type", in: "query", required: true, schema: { enum: ["buy", "sell", "all"] } },
    ]);
  });

  it("tells the three paging kinds apart", async () => {
    expect((await row(file, "GetMarketsRegionIdOrders")).paging).toBe("page");
    expect((await row(file, "GetCorporationsJobsListing")).paging).toBe("cursor");
    expect((await row(file, "GetCorporationsCorporationIdWalletsDivisionTransactions")).paging).toBe("from_id");
    expect((await row(file, "GetStatus")).paging).toBeNull();
  });

  it("merges path-level parameters and reads roles", async () => {
    const tx = await row(file, "GetCorporationsCorporationIdWalletsDivisionTransactions");
    expect(tx.roles).toEqual(["Accountant", "Junior_Accountant"]);
    expect(tx.parameters.map(({ name, in: where, required, clientFilled }) => ({ name, in: where, required, clientFilled }))).toEqual([
      { name: "corporation_id", in: "path", required: true, clientFilled: undefined },
      { name: "X-Compatibility-Date", in: "header", required: true, clientFilled: true },
      { name: "division", in: "path", required: true, clientFilled: undefined },
      { name: "from_id", in: "query", required: false, clientFilled: undefined },
    ]);
    expect(tx.parameters.find((p) => p.name === "division")?.schema).toEqual({ type: "integer", minimum: 1, maximum: 7 });
    expect(tx.rateLimit).toEqual({ group: "corp-wallet", maxTokens: 300, windowSeconds: 900 });
  });

  it("marks a body and a public operation", async () => {
    const names = await row(file, "PostUniverseNames");
    expect(names).toMatchObject({ method: "post", hasBody: true, scopes: [], rateLimit: null, cacheSeconds: null });
    expect(names.parameters.map((p) => p.name)).toEqual(["X-Compatibility-Date"]);
    expect(await row(file, "GetStatus")).toMatchObject({ scopes: [], roles: [], rateLimit: null, hasBody: false });
    expect((await row(file, "GetMarketsRegionIdOrders")).rateLimit).toEqual({ group: "market", maxTokens: 300, windowSeconds: 60 });
  });
});

describe("operation table from an OpenAPI 3.0 spec", () => {
  const file = "openapi-3.0.json";

  it("reads the same fields, with x-client-cache-ttl as the cache time", async () => {
    expect(await row(file, "GetCharactersCharacterIdWallet")).toMatchObject({
      scopes: ["esi-wallet.read_character_wallet.v1"],
      cacheSeconds: 120,
      rateLimit: { group: "char-wallet", maxTokens: 150, windowSeconds: 900 },
    });
    expect((await row(file, "GetCharactersCharacterIdWallet")).parameters.filter((p) => !p.clientFilled).map((p) => p.name)).toEqual(["character_id"]);
  });

  it("finds cursor paging from before/after parameters without x-pagination", async () => {
    expect((await row(file, "GetCampaignsObjectivesListing")).paging).toBe("cursor");
    expect((await row(file, "GetMarketsRegionIdOrders")).paging).toBe("page");
    expect((await row(file, "GetCharactersCharacterIdWalletTransactions")).paging).toBe("from_id");
    expect((await row(file, "PostUniverseIds")).hasBody).toBe(true);
    expect((await row(file, "GetStatus")).scopes).toEqual([]);
  });
});

describe("operation table from a Swagger 2.0 spec", () => {
  const file = "swagger-2.0.json";

  it("reads evesso scopes and x-cached-seconds, and marks token and datasource as the client's", async () => {
    expect(await row(file, "get_characters_character_id_wallet")).toEqual({
      operationId: "get_characters_character_id_wallet",
      method: "get",
      path: "/characters/{character_id}/wallet/",
      summary: "A character's balance",
      scopes: ["esi-wallet.read_character_wallet.v1"],
      roles: [],
      cacheSeconds: 120,
      rateLimit: null,
      paging: null,
      parameters: [
        { name: "character_id", in: "path", required: true, schema: { type: "integer", format: "int32" } },
        { name: "datasource", in: "query", required: false, schema: { type: "string", enum: ["tranquility"], default: "tranquility" }, clientFilled: true },
        { name: "If-None-Match", in: "header", required: false, schema: { type: "string" }, clientFilled: true },
        { name: "token", in: "query", required: false, schema: { type: "string" }, clientFilled: true },
      ],
      hasBody: false,
    });
  });

  it("pages by page where the response declares X-Pages, by from_id on transactions", async () => {
    const market = await row(file, "get_markets_structures_structure_id");
    expect(market).toMatchObject({ paging: "page", cacheSeconds: 300 });
    expect(market.parameters.filter((p) => !p.clientFilled).map((p) => [p.name, p.in, p.required])).toEqual([
      ["structure_id", "path", true],
      ["page", "query", false],
    ]);
    expect((await row(file, "get_characters_character_id_wallet_transactions")).paging).toBe("from_id");
  });

  it("turns a body parameter into a request body", async () => {
    const names = await row(file, "post_universe_names");
    expect(names).toMatchObject({ method: "post", hasBody: true });
    expect(names.parameters.every((p) => p.clientFilled)).toBe(true);
    expect((await row(file, "get_status")).cacheSeconds).toBe(30);
  });
});

describe("parseWindow", () => {
  it("reads ESI's window sizes into seconds and refuses anything else", () => {
    expect([parseWindow("15m"), parseWindow("1m"), parseWindow("30s"), parseWindow("1h"), parseWindow("1d")]).toEqual([900, 60, 30, 3600, 86400]);
    expect(parseWindow("fifteen minutes")).toBeNull();
    expect(parseWindow("15")).toBeNull();
  });
});
