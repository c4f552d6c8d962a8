import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { HAVE_REAL_SPECS, NO_SPECS_REASON, specFile } from "../support/spec-files.ts";
import { readSpecRequests, requestProblems, type SpecOperationRequest } from "./spec-requests.ts";

// The checker of the conformance test must catch what issue 12 found on the wire: these requests are wrong on purpose.
describe.skipIf(!HAVE_REAL_SPECS)(`the conformance checker${HAVE_REAL_SPECS ? "" : ` (skipped: ${NO_SPECS_REASON})`}`, () => {
  let byId: Map<string, SpecOperationRequest>;
  beforeAll(() => {
    byId = new Map(readSpecRequests(JSON.parse(readFileSync(specFile("openapi.json"), "utf8"))).map((op) => [op.operationId, op]));
  });
  const headers = { "accept-language": "en", "x-compatibility-date": "2026-08-04" };
  const expectHeaders = { "Accept-Language": "en", "X-Compatibility-Date": "2026-08-04" };
  const none: { path: Record<string, unknown>; query: Record<string, unknown>; header: Record<string, unknown>; body: unknown } = { path: {}, query: {}, header: {}, body: undefined };
  const problems = (id: string, url: string, sent: Partial<typeof none> = {}, extra: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    requestProblems(byId.get(id)!, { method: extra.method ?? byId.get(id)!.method, url, headers: extra.headers ?? headers, body: extra.body ?? "" }, { ...none, ...sent }, expectHeaders);

  it("passes a valid request", () => {
    expect(problems("GetMarketsRegionIdOrders", "/markets/10000002/orders?order_type=sell&type_id=34", { path: { region_id: 10000002 }, query: { order_type: "sell", type_id: 34 } })).toEqual([]);
    expect(problems("GetCharactersCharacterIdSearch", "/characters/1/search?categories=agent,region&search=jita", { path: { character_id: 1 }, query: { categories: ["agent", "region"], search: "jita" } })).toEqual([]);
  });

  it("catches Node's default Accept-Language: * and a missing one", () => {
    expect(problems("GetStatus", "/status", {}, { headers: { ...headers, "accept-language": "*" } }).join()).toMatch(/header Accept-Language = "\*": \(value\) must be equal to one of the allowed values/);
    expect(problems("GetStatus", "/status", {}, { headers: { "x-compatibility-date": "2026-08-04" } })).toEqual(["header Accept-Language is missing"]);
  });

  it("catches an array sent as repeated keys, and an item the spec refuses", () => {
    expect(problems("GetCharactersCharacterIdSearch", "/characters/1/search?categories=agent&categories=region&search=jita", { path: { character_id: 1 }, query: { categories: ["agent", "region"], search: "jita" } }).join()).toMatch(
      /query categories sent 2 times/,
    );
    expect(problems("GetCharactersCharacterIdSearch", "/characters/1/search?categories=agent,pilot&search=jita", { path: { character_id: 1 }, query: { categories: ["agent", "pilot"], search: "jita" } }).join()).toMatch(
      /query categories = \["agent","pilot"\]: \/1 must be equal to one of the allowed values/,
    );
  });

  it("catches values the spec refuses, a path that left its segments, unknown and missing query parameters", () => {
    expect(problems("GetMarketsRegionIdOrders", "/markets/abc/orders?order_type=cheap", { path: { region_id: "abc" }, query: { order_type: "cheap" } }).join("\n")).toMatch(
      /path region_id = "abc": \(value\) must be integer\nquery order_type = "cheap": \(value\) must be equal to one of the allowed values/,
    );
    // /universe/types/.. as the URL parser leaves it.
    expect(problems("GetUniverseTypesTypeId", "/universe/", { path: { type_id: ".." } }).join()).toMatch(/has 3 segments, the template \/universe\/types\/\{type_id\} 4/);
    expect(problems("GetMarketsRegionIdOrders", "/markets/1/orders?typeid=3", { path: { region_id: 1 } }).join("\n")).toMatch(/query typeid is not a parameter[\s\S]*query order_type is required and missing/);
  });

  it("catches a value sent differently from what was given", () => {
    expect(problems("GetMarketsRegionIdOrders", "/markets/1/orders?order_type=sell", { path: { region_id: 2 }, query: { order_type: "sell" } })).toEqual(['path region_id is "1", sent 2']);
  });

  it("catches a body the spec refuses, one not sent as JSON, and one sent where none is taken", () => {
    const json = { ...headers, "content-type": "application/json" };
    expect(problems("PostUniverseNames", "/universe/names", { body: [1, 2] }, { headers: json, body: "[1,2]" })).toEqual([]);
    expect(problems("PostUniverseNames", "/universe/names", { body: ["x"] }, { headers: json, body: '["x"]' }).join()).toMatch(/body: \/0 must be integer/);
    expect(problems("PostUniverseNames", "/universe/names", { body: [1] }, { body: "[1]" }).join()).toMatch(/not application\/json/);
    expect(problems("PostUniverseNames", "/universe/names", { body: [1] }, { headers: json })).toEqual(["the body is required and was not sent"]);
    expect(problems("GetStatus", "/status", {}, { body: "{}" })).toEqual(["a body was sent to an operation that takes none"]);
  });
});
