import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compatibilityDate, createEsiClient, EsiError, EsiUsageError } from "../../src/index.ts";
import { json, startRecordingServer } from "../support/recording-server.ts";

type Server = Awaited<ReturnType<typeof startRecordingServer>>;
let server: Server;

beforeAll(async () => {
  server = await startRecordingServer((req, res) => {
    const url = new URL(req.url, "http://x");
    if (url.pathname === "/universe/names") return json(res, 200, [{ id: 95465499, name: "CCP Bartender", category: "character" }]);
    if (url.pathname.startsWith("/universe/types/404")) return json(res, 404, { error: "Type not found", status: 404 });
    if (url.pathname.startsWith("/universe/types/502")) {
      res.writeHead(502, { "Content-Type": "text/html" });
      return res.end("<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>");
    }
    if (url.pathname.startsWith("/characters/") && url.pathname.endsWith("/wallet")) return json(res, 200, 1234.5);
    return json(res, 200, {});
  });
});
afterAll(() => server.close());

const last = () => server.requests.at(-1)!;
const client = (extra: Partial<Parameters<typeof createEsiClient>[0]> = {}) =>
  createEsiClient({ userAgent: "esikit-tests/1.0 (tests@example.com)", baseUrl: server.url, retry: false, ...extra });

describe("createEsiClient", () => {
  it("sends the User-Agent and the spec's compatibility date on every request", async () => {
    const esi = client();
    const { data, error } = await esi.GET("/universe/types/{type_id}", { params: { path: { type_id: 587 } } });
    expect(error).toBeUndefined();
    expect(data).toEqual({});
    expect(last().url).toBe("/universe/types/587");
    expect(last().headers["user-agent"]).toBe("esikit-tests/1.0 (tests@example.com)");
    expect(last().headers["x-compatibility-date"]).toBe(compatibilityDate);
  });

  it("sends the User-Agent as X-User-Agent in a browser, where fetch drops User-Agent", async () => {
    await client({ browser: true }).GET("/universe/types/{type_id}", { params: { path: { type_id: 588 } } });
    expect(last().headers["x-user-agent"]).toBe("esikit-tests/1.0 (tests@example.com)");
  });

  it("lets a compatibility date be pinned", async () => {
    await client({ compatibilityDate: "2025-08-26" }).GET("/universe/types/{type_id}", { params: { path: { type_id: 589 } } });
    expect(last().headers["x-compatibility-date"]).toBe("2025-08-26");
  });

  it("sends no compatibility date for a legacy spec, whose version is not a date", async () => {
    await client({ compatibilityDate: "1.17" }).GET("/universe/types/{type_id}", { params: { path: { type_id: 590 } } });
    expect(last().headers["x-compatibility-date"]).toBeUndefined();
  });

  it("refuses to start without a userAgent, and says why", () => {
    expect(() => createEsiClient({ userAgent: " " })).toThrow(/userAgent.*identify/);
  });

  it("serialises path and query parameters, and JSON bodies, as ESI expects", async () => {
    const esi = client();
    await esi.GET("/markets/{region_id}/orders", { params: { path: { region_id: 10000002 }, query: { order_type: "sell", page: 3, type_id: 34 } } });
    expect(last().url).toBe("/markets/10000002/orders?order_type=sell&page=3&type_id=34");

    const names = await esi.POST("/universe/names", { body: [95465499, 30000142] });
    expect(names.data?.[0]?.name).toBe("CCP Bartender");
    expect(last().method).toBe("POST");
    expect(last().headers["content-type"]).toMatch(/application\/json/);
    expect(JSON.parse(last().body)).toEqual([95465499, 30000142]);
  });

  it("joins array query parameters with commas and writes booleans as true/false", async () => {
    const esi = client();
    await esi.op.GetCharactersCharacterIdMail({ character_id: 90000001, labels: [1, 4, 9], last_mail_id: 77 });
    expect(last().url).toBe("/characters/90000001/mail?labels=1,4,9&last_mail_id=77");
    await esi.op.GetCharactersCharacterIdIndustryJobs({ character_id: 90000001, include_completed: true });
    expect(last().url).toBe("/characters/90000001/industry/jobs?include_completed=true");
  });
});

describe("calls by operationId", () => {
  it("takes path and query parameters side by side, EsiPy-style", async () => {
    const esi = client();
    const { data } = await esi.op.GetCharactersCharacterIdWallet({ character_id: 90000002 });
    expect(data).toBe(1234.5);
    expect(last().url).toBe("/characters/90000002/wallet");
  });

  it("names the unknown parameter and lists the valid ones", async () => {
    const esi = client();
    // @ts-expect-error region is not a parameter of this operation
    await expect(esi.op.GetMarketsRegionIdOrders({ region_id: 1, order_type: "all", region: 2 })).rejects.toThrow(
      /GetMarketsRegionIdOrders has no parameter region \(its parameters: .*order_type.*page.*region_id.*type_id/,
    );
  });

  it("names a missing required parameter before sending anything", async () => {
    const before = server.requests.length;
    // @ts-expect-error order_type is required
    await expect(client().op.GetMarketsRegionIdOrders({ region_id: 1 })).rejects.toThrow(/needs order_type/);
    expect(server.requests.length).toBe(before);
  });

  it("checks values before sending, by path as by operationId: a bad one rejects with EsiUsageError", async () => {
    const before = server.requests.length;
    const esi = client();
    // @ts-expect-error order_type is an enum
    await expect(esi.GET("/markets/{region_id}/orders", { params: { path: { region_id: 1 }, query: { order_type: "cheap" } } })).rejects.toThrow(
      'GetMarketsRegionIdOrders: order_type must be one of "buy", "sell", "all" (got "cheap")',
    );
    // @ts-expect-error region_id is an integer
    await expect(esi.call("GetMarketsRegionIdOrders", { region_id: "abc", order_type: "all" })).rejects.toBeInstanceOf(EsiUsageError);
    await expect(esi.call("GetUniverseTypesTypeId", { type_id: ".." as unknown as number })).rejects.toBeInstanceOf(EsiUsageError);
    expect(server.requests.length).toBe(before);
  });

  it("answers undefined for an operationId the spec does not have", () => {
    expect((client().op as unknown as Record<string, unknown>).GetNoSuchThing).toBeUndefined();
  });
});

describe("throwing calls", () => {
  it("return the data on success", async () => {
    await expect(client().call("GetCharactersCharacterIdWallet", { character_id: 90000003 })).resolves.toBe(1234.5);
  });

  it("throw an EsiError carrying status, operation and ESI's error body", async () => {
    const error = await client()
      .call("GetUniverseTypesTypeId", { type_id: 404 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsiError);
    expect(error).toMatchObject({
      status: 404,
      operationId: "GetUniverseTypesTypeId",
      method: "GET",
      path: "/universe/types/{type_id}",
      body: { error: "Type not found", status: 404 },
    });
    expect((error as EsiError).message).toBe("GetUniverseTypesTypeId failed with 404: Type not found");
  });

  it("turn a load balancer's HTML page into a typed error with a short excerpt", async () => {
    const error = (await client()
      .call("GetUniverseTypesTypeId", { type_id: 502 })
      .catch((e: unknown) => e)) as EsiError;
    expect(error).toBeInstanceOf(EsiError);
    expect(error.status).toBe(502);
    expect(error.body).toBeUndefined();
    expect(error.excerpt).toBe("502 Bad Gateway nginx");
  });

  it("reject an unknown operationId with a usage error", async () => {
    const call = client().call as unknown as (id: string) => Promise<unknown>;
    await expect(call("GetNoSuchThing")).rejects.toBeInstanceOf(EsiUsageError);
  });
});

describe("character views", () => {
  it("are made once per character and know who they act for", () => {
    const esi = client();
    expect(esi.as(90000001)).toBe(esi.as(90000001));
    expect(esi.as(90000001).characterId).toBe(90000001);
    expect(esi.characterId).toBeUndefined();
    expect(() => esi.as(-5)).toThrow(/positive integer/);
  });
});
