import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { SPEC_PATH } from "../fake-esi/spec-path.ts";
import { cliHomes, runCli } from "./run-cli.ts";

const freshHome = cliHomes();

let esi: FakeEsi;
let env: Record<string, string>;

beforeAll(async () => {
  esi = await startFakeEsi({ spec: SPEC_PATH });
  env = { ESIKIT_HOME: freshHome(), ESIKIT_ESI_URL: esi.url };
});
afterAll(() => esi.close());

/** Bad input fails before anything is sent: exit 2 and a message naming what was wrong and what would be right. */
describe.concurrent("esikit: bad input", () => {
  it("--help exits 0 and documents the exit codes", async ({ expect }) => {
    const run = await runCli(["--help"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Exit codes:\n  0  success\n  1  unexpected failure\n  2  bad usage");
  });

  it("a misspelt operationId: exit 2 with the closest names, nothing sent", async ({ expect }) => {
    const run = await runCli(["call", "GetCharacterWalet", "-p", "character_id=1"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown operation "GetCharacterWalet"\. Did you mean .*GetCharactersCharacterIdWallet/);
    expect(run.stdout).toBe("");
  });

  it("an unknown parameter: exit 2 listing the operation's parameters", async ({ expect }) => {
    const run = await runCli(["call", "GetMarketsRegionIdOrders", "-p", "region_id=10000002", "-p", "order_type=all", "-p", "typeid=34"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("GetMarketsRegionIdOrders has no parameter typeid. Its parameters: order_type (query, required), page (query), region_id (path, required), type_id (query).");
  });

  it("a bad parameter value: exit 2 with the client's message (parameter, value, what is allowed); checked before any token is read", async ({ expect }) => {
    const [notInteger, notInEnum, nobodyLoggedIn] = await Promise.all([
      runCli(["call", "GetMarketsRegionIdOrders", "-p", "region_id=abc", "-p", "order_type=sell"], env),
      runCli(["call", "GET /markets/10000002/orders?order_type=cheap"], env),
      runCli(["call", "GetCharactersCharacterIdWallet", "-p", "character_id=1.5"], env),
    ]);
    expect([notInteger.code, notInEnum.code, nobodyLoggedIn.code]).toEqual([2, 2, 2]);
    expect(notInteger.stderr).toBe('esikit: GetMarketsRegionIdOrders: region_id must be an integer (got "abc")\n');
    expect(notInEnum.stderr).toBe('esikit: GetMarketsRegionIdOrders: order_type must be one of "buy", "sell", "all" (got "cheap")\n');
    expect(nobodyLoggedIn.stderr).toBe("esikit: GetCharactersCharacterIdWallet: character_id must be an integer (got 1.5)\n");
  });

  it("a missing required parameter: exit 2 naming it", async ({ expect }) => {
    const run = await runCli(["call", "GET /markets/10000002/orders"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("GetMarketsRegionIdOrders needs --param order_type=…");
  });

  it("a path no operation answers: exit 2 with the nearest paths", async ({ expect }) => {
    const run = await runCli(["call", "GET /characters/90000001/walet"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Did you mean GET /characters/{character_id}/wallet");
  });

  it("--param without a value, --all-pages on an operation that is not paged", async ({ expect }) => {
    const [noValue, notPaged] = await Promise.all([runCli(["call", "GetStatus", "-p", "oops"], env), runCli(["call", "GetStatus", "--all-pages"], env)]);
    expect([noValue.code, notPaged.code]).toEqual([2, 2]);
    expect(noValue.stderr).toContain('--param needs name=value, got "oops"');
    expect(notPaged.stderr).toContain("GetStatus is not paged");
  });

  it("an unknown option or a value commander refuses: exit 2 (commander's own errors), not 1", async ({ expect }) => {
    const [option, format] = await Promise.all([runCli(["call", "GetStatus", "--pages"], env), runCli(["ops", "--format", "xml"], env)]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("unknown option '--pages'");
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("argument 'xml' is invalid. Allowed choices are table, json.");
  });

  it("an operation that needs a scope with nobody logged in: exit 4", async ({ expect }) => {
    const run = await runCli(["call", "GetCharactersCharacterIdWallet", "-p", "character_id=90000001"], env);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("nobody is logged in: run `esikit login` first");
  });

  it("an unknown scope at login: exit 2 with the closest scopes", async ({ expect }) => {
    const run = await runCli(["--client-id", "x", "login", "--scopes", "esi-wallet.read_character_walet.v1"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown scope "esi-wallet.read_character_walet.v1": did you mean esi-wallet.read_character_wallet.v1');
  });

  it("login without a client id: exit 4 saying where to give one", async ({ expect }) => {
    const run = await runCli(["login"], env);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("no client id: pass --client-id, set ESIKIT_CLIENT_ID");
  });
});

describe("esikit: failures after sending", () => {
  it("ESI cannot be reached: exit 5", async () => {
    const port = await closedPort();
    const run = await runCli(["call", "GetStatus"], { ...env, ESIKIT_ESI_URL: `http://127.0.0.1:${port}` });
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/GetStatus got no answer \(connection failed\) after 4 attempts \(ECONNREFUSED\)/);
  });

  it("none of the bad-input runs above reached ESI", () => {
    expect(esi.requests).toEqual([]);
  });

  it("ESI answers an error: exit 3 with ESI's message", async () => {
    esi.route("GetUniverseTypesTypeId", { status: 404, body: { error: "Type not found" } });
    const run = await runCli(["call", "GET /universe/types/1"], env);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("GetUniverseTypesTypeId failed with 404: Type not found");
    expect(esi.requests.map((r) => r.path)).toEqual(["/universe/types/1"]);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
