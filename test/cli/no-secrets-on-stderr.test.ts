import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FileTokenStore } from "../../src/stores/file-token-store.ts";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { startFakeSso, type FakeSso } from "../../src/testing/fake-sso/index.ts";
import { SPEC_PATH } from "../fake-esi/spec-path.ts";
import { cliHomes, logIn, runCli, type CliRun } from "./run-cli.ts";

const freshHome = cliHomes();
const WALLET = "esi-wallet.read_character_wallet.v1";
/** More failures than any one command's retries (each test has its own fake SSO). */
const ALWAYS = 100;

let sso: FakeSso;
let esi: FakeEsi;
let esiRefusesTokens = false;
let store: FileTokenStore;
let env: Record<string, string>;
/** Every secret the CLI has held in the current test: tokens the fake SSO issued, tokens stored, codes it was sent. */
let secrets: Set<string>;

beforeAll(async () => {
  esi = await startFakeEsi({
    spec: SPEC_PATH,
    auth: {
      validate: (token) => {
        const t = sso.inspectAccessToken(token);
        return !esiRefusesTokens && t && !t.expired && !t.revoked ? { characterId: t.characterId } : false;
      },
    },
  });
});
afterAll(() => esi.close());

/** Each test: its own fake SSO (its failures last) and CLI folder, with Jita Trader logged in. */
beforeEach(async () => {
  sso = await startFakeSso({ clients: [{ clientId: "cli-app" }], character: { characterId: 90000001, name: "Jita Trader" } });
  const home = freshHome();
  store = new FileTokenStore(join(home, "tokens.json"));
  env = { ESIKIT_HOME: home, ESIKIT_ESI_URL: esi.url, ESIKIT_SSO_URL: sso.url, ESIKIT_CLIENT_ID: "cli-app" };
  const issued = await sso.issueTokens({ characterId: 90000001, name: "Jita Trader", scopes: [WALLET], clientId: "cli-app" });
  await store.set("90000001", {
    accessToken: issued.access_token,
    refreshToken: issued.refresh_token,
    expiresAt: Date.now() + issued.expires_in * 1000,
    scopes: [WALLET],
    characterId: 90000001,
    characterName: "Jita Trader",
  });
  secrets = new Set();
  esiRefusesTokens = false;
});
afterEach(() => sso.close());

/** Gathers every token issued or stored so far, then looks for each (and for anything token-shaped) in the run's output. */
async function expectNoSecret(run: CliRun) {
  for (const token of sso.issuedRefreshTokens) secrets.add(token);
  const tokens = await store.get("90000001");
  if (tokens) {
    secrets.add(tokens.accessToken);
    if (tokens.refreshToken) secrets.add(tokens.refreshToken);
  }
  const output = run.stdout + run.stderr;
  expect(run.stderr).toMatch(/^esikit: /m);
  for (const secret of secrets) if (secret) expect(output.includes(secret), `a secret (${secret.slice(0, 4)}…) in:\n${output}`).toBe(false);
  // Only access tokens are JWTs here; and no Authorization value, whoever's.
  expect(output).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
  expect(output).not.toMatch(/Bearer\s+\S/i);
}

async function expireAccessToken() {
  const tokens = (await store.get("90000001"))!;
  await store.set("90000001", { ...tokens, expiresAt: Date.now() - 60_000 });
}

/** Each run fails on purpose; its stdout and stderr must name no token, code or secret. */
describe("esikit: no token on stdout or stderr when SSO or ESI fails", () => {
  it("token refresh: SSO answers 500", async () => {
    sso.fail({ endpoint: "token", mode: "500", times: ALWAYS });
    const run = await runCli(["token", "refresh"], env);
    await expectNoSecret(run);
    expect(run.code).toBe(4);
  });

  it("token refresh: SSO answers an HTML page", async () => {
    sso.fail({ endpoint: "token", mode: "html", status: 502, times: ALWAYS });
    const run = await runCli(["token", "refresh"], env);
    await expectNoSecret(run);
    expect(run.code).toBe(4);
  });

  it("token refresh: SSO drops the connection", async () => {
    sso.fail({ endpoint: "token", mode: "drop", times: ALWAYS });
    const run = await runCli(["token", "refresh"], env);
    await expectNoSecret(run);
    expect(run.code).toBe(5);
  });

  it("call: the expired access token cannot be refreshed (SSO 500) inside the request", async () => {
    await expireAccessToken();
    sso.fail({ endpoint: "token", mode: "500", times: ALWAYS });
    const run = await runCli(["call", "GetCharactersCharacterIdWallet"], env);
    await expectNoSecret(run);
    expect(run.code).toBe(4);
  });

  it("call: ESI refuses the token (401 after a refresh)", async () => {
    esiRefusesTokens = true;
    const run = await runCli(["call", "GetCharactersCharacterIdWallet"], env);
    await expectNoSecret(run);
    expect(run.code).toBe(3);
  });

  it("call: ESI cannot be reached while the request carries a bearer token", async () => {
    const run = await runCli(["call", "GetCharactersCharacterIdWallet"], { ...env, ESIKIT_ESI_URL: `http://127.0.0.1:${await closedPort()}` });
    await expectNoSecret(run);
    expect(run.code).toBe(5);
  });

  it("token revoke: SSO answers 500", async () => {
    sso.fail({ endpoint: "revoke", mode: "500", times: ALWAYS });
    const run = await runCli(["token", "revoke"], env);
    await expectNoSecret(run);
    expect(run.code).toBe(4);
  });

  it("token refresh: SSO refuses the refresh token (invalid_grant)", async () => {
    const tokens = (await store.get("90000001"))!;
    sso.revoke(tokens.refreshToken!);
    const run = await runCli(["token", "refresh"], env);
    await expectNoSecret(run);
    expect(run.code).toBe(4);
  });

  it("login: SSO answers 500 when the code is traded", async () => {
    sso.fail({ endpoint: "token", mode: "500", times: ALWAYS });
    const { run, callback } = await logIn(env, ["--scopes", WALLET]);
    secrets.add(callback.searchParams.get("code")!);
    await expectNoSecret(run);
    expect(run.code).toBe(4);
  });

  it("login: tokens issued, but the keys to check them cannot be fetched", async () => {
    sso.fail({ endpoint: "jwks", mode: "drop", times: ALWAYS });
    const { run, callback } = await logIn(env, ["--scopes", WALLET]);
    secrets.add(callback.searchParams.get("code")!);
    await expectNoSecret(run);
    expect(run.code).toBe(4);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
