/**
 * Every error path that has a secret within reach, driven for real: each error is printed the ways an app prints
 * errors (util.inspect with every hidden property at any depth, String, JSON.stringify) with its whole cause chain,
 * and scanned for the client secret, every access and refresh token the fake SSO issued, the PKCE code verifier and
 * the Redis password: whole, and as any 12-character piece (a cut-off prefix counts as a leak).
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { inspect } from "node:util";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEsiClient, createSso, EsiNetworkError, InvalidGrantError, MemoryTokenStore, SsoError, TokenVerificationError, type Sso, type TokenSet } from "../../src/index.ts";
import { connectRedis } from "../../src/stores/redis/connect-redis.ts";
import { RedisStoreError } from "../../src/stores/redis/redis-store-error.ts";
import { RedisTokenStore } from "../../src/stores/redis/redis-token-store.ts";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { startFakeSso, type FakeSso } from "../../src/testing/fake-sso/index.ts";
import { deleteKeys, REDIS_URL, redisAvailability, uniquePrefix } from "../redis/support/redis-test-env.ts";
import { HAVE_REAL_SPECS, specFile } from "../support/spec-files.ts";

const PILOT = 90000401;
const WALLET = "esi-wallet.read_character_wallet.v1";
const USER_AGENT = "esikit-tests/1.0 (tests@example.com)";
const FRAGMENT = 12;
const random = () => randomBytes(24).toString("base64url");
const client = { clientId: "scan-app", clientSecret: `scan-secret-${random()}` };
const publicClient = { clientId: "scan-desktop-app" };
const redisPassword = `redis-pw-${random()}`;
const redisUser = `esikit-scan-${process.pid}`;
/** Secrets the test makes up itself (code verifiers, made-up tokens); the fake's issued tokens are added at scan time. */
const ownSecrets: string[] = [client.clientSecret, Buffer.from(`${client.clientId}:${client.clientSecret}`).toString("base64"), redisPassword];
const redisRuns = (await redisAvailability()).run;

let fake: FakeSso;
let esi: FakeEsi | undefined;
let closedPort: number;
const events: unknown[] = [];
let scanned = 0;

/** Everything an app may print of an error, its causes included. */
function printed(error: unknown): string {
  const parts = [inspect(error, { depth: Infinity, showHidden: true }), String(error), JSON.stringify(error) ?? ""];
  const seen = new Set<unknown>();
  for (let at: unknown = error; at instanceof Error && !seen.has(at); at = at.cause) {
    seen.add(at);
    parts.push(String(at), JSON.stringify(at) ?? "", String(at.stack), inspect(Object.getOwnPropertyDescriptors(at), { depth: Infinity, showHidden: true }));
  }
  return parts.join("\n");
}

/** The secrets to look for, and the pieces of each: a JWT's common header is skipped (every JWT shares it). */
function secretsAndPieces(): { secrets: string[]; pieces: Map<string, string> } {
  const secrets = [...ownSecrets, ...fake.issuedRefreshTokens, ...fake.issuedAccessTokens];
  const pieces = new Map<string, string>();
  for (const secret of secrets) {
    const start = secret.startsWith("eyJ") ? secret.indexOf(".") + 1 : 0;
    for (let i = start; i + FRAGMENT <= secret.length; i++) pieces.set(secret.slice(i, i + FRAGMENT), secret);
  }
  return { secrets, pieces };
}

function expectNoSecret(label: string, error: unknown): void {
  expect(error, `${label}: an error was expected`).toBeInstanceOf(Error);
  const text = printed(error);
  const { secrets, pieces } = secretsAndPieces();
  const whole = secrets.filter((secret) => text.includes(secret));
  const fragments: string[] = [];
  for (let i = 0; i + FRAGMENT <= text.length; i++) {
    const piece = text.slice(i, i + FRAGMENT);
    if (pieces.has(piece)) fragments.push(piece);
  }
  expect(whole, `${label}: a whole secret in:\n${text.slice(0, 2000)}`).toEqual([]);
  expect(fragments, `${label}: a piece of a secret in:\n${text.slice(0, 2000)}`).toEqual([]);
  scanned++;
}

async function failure(work: () => Promise<unknown>): Promise<unknown> {
  return work().then(
    () => undefined,
    (error: unknown) => error,
  );
}

function ssoFor(extra: Partial<Parameters<typeof createSso>[0]> = {}): Sso {
  const sso = createSso({ ...client, callbackUrl: "http://127.0.0.1/callback", userAgent: USER_AGENT, ssoBaseUrl: fake.url, timeoutMs: 2_000, retryLimit: 1, ...extra });
  sso.on("token-refresh-failed", (event) => events.push(event));
  return sso;
}

/** An Sso holding PILOT's expired tokens. */
async function seeded(extra: Partial<Parameters<typeof createSso>[0]> = {}): Promise<{ sso: Sso; refreshToken: string }> {
  const sso = ssoFor(extra);
  const issued = await fake.issueTokens({ characterId: PILOT, scopes: [WALLET], clientId: client.clientId });
  await sso.updateToken({ access_token: issued.access_token, expires_in: -1, refresh_token: issued.refresh_token }, PILOT);
  return { sso, refreshToken: issued.refresh_token };
}

beforeAll(async () => {
  fake = await startFakeSso({ clients: [client, publicClient], character: { characterId: PILOT }, rotation: "revoke" });
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  if (HAVE_REAL_SPECS) {
    esi = await startFakeEsi({
      spec: specFile("openapi.json"),
      // The wallet route hangs: the client's timeout fires while its request carries the Bearer token.
      routes: { GetCharactersCharacterIdWallet: { latencyMs: 60_000 } },
    });
  }
});
afterAll(async () => {
  await esi?.close();
  await fake.close();
});

describe("no secret in any error, at any depth", () => {
  it("SSO refuses the refresh token (invalid_grant), on refresh() and again from memory", async () => {
    const { sso, refreshToken } = await seeded();
    fake.revoke(refreshToken);
    expectNoSecret("invalid_grant", await failure(() => sso.refresh()));
    const again = await failure(() => sso.accessToken());
    expect(again).toBeInstanceOf(InvalidGrantError);
    expectNoSecret("remembered invalid_grant", again);
  });

  it("SSO answers 500 until the retries run out, an HTML page, nothing in time, or cannot be reached", async () => {
    for (const knob of [{ mode: "500" as const, times: 2 }, { mode: "html" as const }, { mode: "slow" as const, delayMs: 1_500, times: 2 }]) {
      const { sso } = await seeded({ timeoutMs: 300 });
      await sso.metadata();
      fake.fail({ endpoint: "token", ...knob });
      const error = await failure(() => sso.refresh());
      expect(error).toBeInstanceOf(SsoError);
      expectNoSecret(`SSO ${knob.mode}`, error);
    }
    const down = ssoFor({ ssoBaseUrl: `http://127.0.0.1:${closedPort}`, retryLimit: 0 });
    const madeUp = `made-up-refresh-${random()}`;
    ownSecrets.push(madeUp);
    await down.updateToken({ access_token: "", expires_in: -1, refresh_token: madeUp }, PILOT);
    expectNoSecret("SSO unreachable", await failure(() => down.refresh()));
  });

  it("SSO echoes the whole request (secret, Basic header, refresh token, code verifier) in a 400, starting 180 characters in", async () => {
    const { sso } = await seeded();
    await sso.metadata();
    fake.fail({ endpoint: "token", mode: "echo" });
    const error = await failure(() => sso.refresh());
    expect((error as Error).message).toMatch(/EVE SSO answered 400 \(invalid_request: The request could not be processed/);
    expectNoSecret("echoed refresh", error);

    // A desktop app's login (PKCE): the code and the verifier echoed back.
    const desktop = createSso({ clientId: publicClient.clientId, callbackUrl: "http://127.0.0.1/callback", userAgent: USER_AGENT, ssoBaseUrl: fake.url });
    const start = await desktop.authorizationUrl({ scopes: [WALLET] });
    ownSecrets.push(start.codeVerifier!);
    const approved = await fetch(start.url, { redirect: "manual" });
    const callback = new URL(approved.headers.get("location")!).searchParams;
    ownSecrets.push(callback.get("code")!);
    fake.fail({ endpoint: "token", mode: "echo" });
    const exchange = await failure(() => desktop.exchangeCode(callback.get("code")!, { state: start.state, expectedState: start.state, codeVerifier: start.codeVerifier }));
    expect(exchange).toBeInstanceOf(SsoError);
    expectNoSecret("echoed code exchange", exchange);

    // Revoking, echoed.
    const revoking = await seeded();
    await revoking.sso.metadata();
    fake.fail({ endpoint: "revoke", mode: "echo" });
    expectNoSecret("echoed revoke", await failure(() => revoking.sso.revoke(PILOT)));
  });

  it("a wrong client secret (invalid_client)", async () => {
    const wrongSecret = `wrong-secret-${random()}`;
    ownSecrets.push(wrongSecret, Buffer.from(`${client.clientId}:${wrongSecret}`).toString("base64"));
    const { sso } = await seeded({ clientSecret: wrongSecret });
    expectNoSecret("invalid_client", await failure(() => sso.refresh()));
  });

  it("access tokens that fail verification: tampered, expired, not a JWT", async () => {
    const sso = ssoFor();
    const good = await fake.issueTokens({ characterId: PILOT, scopes: [WALLET], clientId: client.clientId });
    const tampered = `${good.access_token.slice(0, -6)}AAAAAA`;
    ownSecrets.push(tampered);
    const expired = await fake.issueTokens({ characterId: PILOT, scopes: [WALLET], clientId: client.clientId, expiresIn: -600 });
    const notJwt = `not-a-jwt-${random()}`;
    ownSecrets.push(notJwt);
    for (const [label, token] of [["tampered", tampered], ["expired", expired.access_token], ["not a JWT", notJwt]] as const) {
      const error = await failure(() => sso.verify(token));
      expect(error).toBeInstanceOf(TokenVerificationError);
      expectNoSecret(`verify: ${label}`, error);
    }
  });

  it("a token store that fails to save, its error quoting the tokens", async () => {
    const store = new MemoryTokenStore();
    const { sso } = await seeded({ store });
    // The disk fills up after the login was saved: the rotated tokens cannot be.
    store.set = (_key: string, tokens: TokenSet) => {
      throw new Error(`disk full while writing ${JSON.stringify(tokens)}`);
    };
    store.compareAndSet = async (_key: string, _expected: string | undefined, tokens: TokenSet) => {
      throw new Error(`disk full while writing ${JSON.stringify(tokens)}`);
    };
    expectNoSecret("store failure", await failure(() => sso.refresh()));
  });

  it.runIf(HAVE_REAL_SPECS)("ESI does not answer in time while the request carries the Bearer token (transport timeout)", async () => {
    const { sso } = await seeded();
    const client = createEsiClient({ userAgent: USER_AGENT, baseUrl: esi!.url, auth: sso, timeoutMs: 300, retry: false, cache: false });
    const error = await failure(() => client.call("GetCharactersCharacterIdWallet", { character_id: PILOT }));
    expect(error).toBeInstanceOf(EsiNetworkError);
    expectNoSecret("ESI timeout with a Bearer token", error);
  });

  it("ESI cannot be reached while the request carries the Bearer token (network down)", async () => {
    const { sso } = await seeded();
    const client = createEsiClient({ userAgent: USER_AGENT, baseUrl: `http://127.0.0.1:${closedPort}`, auth: sso, retry: false, cache: false });
    const error = await failure(() => client.call("GetCharactersCharacterIdWallet", { character_id: PILOT }));
    expect(error).toBeInstanceOf(EsiNetworkError);
    expectNoSecret("ESI unreachable with a Bearer token", error);
  });

  it("Redis is down, the URL holding a password", async () => {
    const error = await failure(() => connectRedis({ url: `redis://app:${redisPassword}@127.0.0.1:${closedPort}`, connectTimeoutMs: 500 }));
    expect(error).toBeInstanceOf(RedisStoreError);
    expectNoSecret("Redis down", error);
  });

  describe.runIf(redisRuns)("with a Redis that checks passwords (an ACL user)", () => {
    let admin: Redis;
    const prefix = uniquePrefix();
    const url = new URL(REDIS_URL);
    beforeAll(async () => {
      admin = new Redis(REDIS_URL);
      await admin.call("ACL", "SETUSER", redisUser, "on", `>${redisPassword}`, "~*", "&*", "+@all");
    });
    afterAll(async () => {
      await admin.call("ACL", "DELUSER", redisUser);
      await deleteKeys(admin, prefix);
      admin.disconnect();
    });

    it("a wrong password", async () => {
      const wrong = `wrong-pw-${random()}`;
      ownSecrets.push(wrong);
      const error = await failure(() => connectRedis({ url: `redis://${redisUser}:${wrong}@${url.host}`, connectTimeoutMs: 1_000 }));
      expect(error).toBeInstanceOf(RedisStoreError);
      expect((error as Error).message).toMatch(/refused the credentials/);
      expectNoSecret("Redis wrong password", error);
    });

    it("a write the server refuses (NOPERM): ioredis keeps the command's arguments, the token set among them", async () => {
      const readOnlyUser = `${redisUser}-ro`;
      await admin.call("ACL", "SETUSER", readOnlyUser, "on", `>${redisPassword}`, "~*", "+ping", "+info", "+hget", "+hkeys");
      const redis = await connectRedis({ url: `redis://${readOnlyUser}:${redisPassword}@${url.host}`, connectTimeoutMs: 1_000 });
      try {
        const store = new RedisTokenStore(redis, { prefix });
        const issued = await fake.issueTokens({ characterId: PILOT, scopes: [WALLET], clientId: client.clientId });
        const tokens: TokenSet = { accessToken: issued.access_token, refreshToken: issued.refresh_token, expiresAt: 0, scopes: [], characterId: PILOT };
        for (const [label, write] of [
          ["HSET", () => store.set(String(PILOT), tokens)],
          ["compare-and-set (EVALSHA)", () => store.compareAndSet(String(PILOT), issued.refresh_token, tokens)],
        ] as const) {
          const error = await failure(write);
          expect(error).toBeInstanceOf(RedisStoreError);
          expect((error as Error).message).toMatch(/NOPERM/);
          expectNoSecret(`Redis ${label} refused`, error);
        }
      } finally {
        redis.disconnect();
        await admin.call("ACL", "DELUSER", readOnlyUser);
      }
    });
  });

  it("and the token-refresh-failed events of all of the above", () => {
    expect(events.length).toBeGreaterThanOrEqual(4);
    expectNoSecret("events", new Error(JSON.stringify(events)));
    console.info(`[figure] secret scan: ${scanned} errors scanned (inspect, String, JSON, every cause), 0 hits`);
    expect(scanned).toBeGreaterThanOrEqual(redisRuns ? 20 : 17);
  });
});
