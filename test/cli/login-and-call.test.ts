import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileTokenStore } from "../../src/stores/file-token-store.ts";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { startFakeSso, type FakeSso } from "../../src/testing/fake-sso/index.ts";
import { SPEC_PATH } from "../fake-esi/spec-path.ts";
import { cliHomes, logIn, runCli } from "./run-cli.ts";

const freshHome = cliHomes();

const WALLET = "esi-wallet.read_character_wallet.v1";
const LOCATION = "esi-location.read_location.v1";

let sso: FakeSso;
let esi: FakeEsi;
let home: string;
let env: Record<string, string>;

beforeAll(async () => {
  sso = await startFakeSso({ clients: [{ clientId: "cli-app" }], character: { characterId: 90000001, name: "Jita Trader" } });
  // ESI accepts only tokens the fake SSO issued and that are still valid.
  esi = await startFakeEsi({
    spec: SPEC_PATH,
    auth: { validate: (token) => { const t = sso.inspectAccessToken(token); return t && !t.expired && !t.revoked ? { characterId: t.characterId } : false; } },
  });
  home = freshHome();
  env = { ESIKIT_HOME: home, ESIKIT_ESI_URL: esi.url, ESIKIT_SSO_URL: sso.url };
});
afterAll(async () => {
  await esi.close();
  await sso.close();
});

describe("esikit login, token and call against the fake SSO and fake ESI", () => {
  it("login: PKCE flow through a 127.0.0.1 callback; prints who logged in with which scopes; tokens kept 0600", async () => {
    const { run, page } = await logIn(env, ["--scopes", WALLET, LOCATION]);
    expect(run.stderr).toContain("code_challenge_method=S256");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Logged in as Jita Trader (90000001) with scopes: ${WALLET} ${LOCATION}\n`);
    expect(page.text).toContain("Jita Trader is logged in");
    expect(statSync(join(home, "tokens.json")).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(home, "config.json"), "utf8"))).toEqual({ clientId: "cli-app" });
    // No token is ever printed.
    const saved = await new FileTokenStore(join(home, "tokens.json")).get("90000001");
    expect(run.stdout + run.stderr).not.toContain(saved!.accessToken);
    expect(run.stdout + run.stderr).not.toContain(saved!.refreshToken!);
  });

  it("call: a scoped operation with the character filled in, then token list", async () => {
    esi.route("GetCharactersCharacterIdWallet", { body: 1234567.89 });
    const [wallet, list] = await Promise.all([
      runCli(["call", "GetCharactersCharacterIdWallet"], env),
      runCli(["token", "list"], env),
    ]);
    expect(wallet.code).toBe(0);
    expect(JSON.parse(wallet.stdout)).toBe(1234567.89);
    expect(esi.requests.at(-1)).toMatchObject({ path: "/characters/90000001/wallet", authenticated: true, status: 200 });
    expect(list.stdout).toMatch(new RegExp(`^CHARACTER +NAME +ACCESS TOKEN +REFRESH +SCOPES\\n90000001 +Jita Trader +\\d+ min left +yes +${WALLET} ${LOCATION}\\n$`));
  });

  it("call: an expired access token is refreshed first and the rotated refresh token is kept", async () => {
    const store = new FileTokenStore(join(home, "tokens.json"));
    const before = (await store.get("90000001"))!;
    await store.set("90000001", { ...before, expiresAt: Date.now() - 1000 });
    const grants = sso.counters.refreshGrants;
    const run = await runCli(["call", "GET /characters/90000001/location", "--format", "table"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^field +value\nsolar_system_id +\d+/);
    expect(sso.counters.refreshGrants).toBe(grants + 1);
    const after = (await store.get("90000001"))!;
    expect(after.refreshToken).toBe(sso.issuedRefreshTokens.at(-1));
    expect(after.expiresAt).toBeGreaterThan(Date.now());
  });

  it("a second character: call asks which one; --character by name picks it; a missing scope is exit 4", async () => {
    sso.setLogin({ characterId: 90000002, name: "Amarr Hauler" });
    const { run } = await logIn(env, ["--scopes", WALLET]);
    expect(run.stdout).toBe(`Logged in as Amarr Hauler (90000002) with scopes: ${WALLET}\n`);
    const [ambiguous, byName, noScope] = await Promise.all([
      runCli(["call", "GetCharactersCharacterIdWallet"], env),
      runCli(["call", "GetCharactersCharacterIdWallet", "--character", "amarr hauler"], env),
      runCli(["call", "GetCharactersCharacterIdLocation", "--character", "90000002"], env),
    ]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain("2 characters are logged in: say which with --character id|name (logged in: ");
    expect(byName.code).toBe(0);
    expect(esi.requests.some((r) => r.path === "/characters/90000002/wallet" && r.status === 200)).toBe(true);
    expect(noScope.code).toBe(4);
    expect(noScope.stderr).toContain(`GetCharactersCharacterIdLocation needs the scope ${LOCATION}, which the token of character 90000002 lacks`);
  });

  it("token refresh and token revoke talk to SSO; a revoked character is gone", async () => {
    const refresh = await runCli(["token", "refresh", "Jita Trader"], env);
    expect(refresh.code).toBe(0);
    expect(refresh.stdout).toMatch(/^Refreshed Jita Trader \(90000001\): access token valid until \d{4}-/);
    const revokes = sso.counters.revoke;
    const revoke = await runCli(["token", "revoke", "90000002"], env);
    expect(revoke.stdout).toBe("Revoked the tokens of Amarr Hauler (90000002) and forgot them\n");
    expect(sso.counters.revoke).toBe(revokes + 1);
    const list = await runCli(["token", "list", "--format", "json"], env);
    expect((JSON.parse(list.stdout) as Array<{ characterId: number }>).map((c) => c.characterId)).toEqual([90000001]);
  });

  it("login: callbacks without the login's state get 400 and the login goes on; the real one logs in", async () => {
    sso.setLogin({ characterId: 90000003, name: "Caldari Miner" });
    const grants = sso.counters.codeGrants;
    const refused: number[] = [];
    const { run, page } = await logIn(env, [], async (callback) => {
      // What any web page could send the browser to: the code with another state, no state, an error.
      for (const query of [`code=${callback.searchParams.get("code")}&state=forged`, `code=${callback.searchParams.get("code")}`, "error=access_denied"]) {
        refused.push((await fetch(`${callback.origin}/callback?${query}`)).status);
      }
    });
    expect(refused).toEqual([400, 400, 400]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("Logged in as Caldari Miner (90000003) with no scopes\n");
    expect(page.status).toBe(200);
    expect(sso.counters.codeGrants).toBe(grants + 1);
  });
});

describe("esikit call --all-pages", () => {
  it("fetches every X-Pages page as one list, with one progress line per page on a non-terminal stderr", async () => {
    esi.route("GetMarketsRegionIdOrders", { pages: 4, itemsPerPage: 3 });
    const run = await runCli(["call", "GetMarketsRegionIdOrders", "-p", "region_id=10000002", "-p", "order_type=sell", "--all-pages"], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveLength(12);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe("GetMarketsRegionIdOrders: page 1/4, 3 items");
    expect(lines[3]).toBe("GetMarketsRegionIdOrders: page 4/4, 12 items");
    expect(run.stderr).not.toContain("\r");
    const pages = esi.requests.filter((r) => r.operationId === "GetMarketsRegionIdOrders").map((r) => new URLSearchParams(r.query).get("page") ?? "1");
    expect(pages.sort()).toEqual(["1", "2", "3", "4"]);
  });
});
