/**
 * The rotation rule of TokenManager, within one process (the multi-process runs are in
 * test/stores/rotation-across-processes.test.ts and test/redis/paused-lock-holder.test.ts): in-flight markers,
 * lost compare-and-sets, refusals tied to the refused token. Refreshes go to the fake SSO over HTTP.
 */
import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidGrantError } from "../../src/auth/errors.ts";
import { createSsoHttp } from "../../src/auth/sso-http.ts";
import { TokenManager, type TokenManagerOptions } from "../../src/auth/token-manager.ts";
import { requestToken } from "../../src/auth/token-requests.ts";
import { MemoryTokenStore } from "../../src/stores/memory-token-store.ts";
import type { TokenSet } from "../../src/stores/types.ts";
import { DEFAULT_FAKE_CLIENT, startFakeSso, type FakeSso } from "../../src/testing/fake-sso/index.ts";
import { USER_AGENT } from "./setup.ts";

const PILOT = 90000301;
let fake: FakeSso;
beforeAll(async () => {
  fake = await startFakeSso({ rotation: "revoke" });
});
afterAll(() => fake.close());

const http = createSsoHttp({ userAgent: USER_AGENT, retryLimit: 0 });
const refreshAtFake: TokenManagerOptions["refresh"] = (refreshToken, characterId) =>
  requestToken(http, `${fake.url}/v2/oauth/token`, { clientId: DEFAULT_FAKE_CLIENT.clientId, clientSecret: DEFAULT_FAKE_CLIENT.clientSecret }, { grant_type: "refresh_token", refresh_token: refreshToken }, characterId);

/** A store holding one expired set for PILOT, and a manager that has read it. */
async function setUp(options: Partial<TokenManagerOptions> = {}) {
  const store = new MemoryTokenStore();
  const issued = await fake.issueTokens({ characterId: PILOT, scopes: [] });
  const expired: TokenSet = { accessToken: issued.access_token, refreshToken: issued.refresh_token, expiresAt: 0, scopes: [], characterId: PILOT };
  store.set(String(PILOT), expired);
  const manager = new TokenManager({ store, refresh: refreshAtFake, ...options });
  await manager.load();
  return { store, manager, expired, key: String(PILOT) };
}

/** What another process's successful refresh leaves in the store. */
async function rotatedElsewhere(): Promise<TokenSet> {
  const issued = await fake.issueTokens({ characterId: PILOT, scopes: [] });
  return { accessToken: issued.access_token, refreshToken: issued.refresh_token, expiresAt: Date.now() + 1_199_000, scopes: [], characterId: PILOT };
}

describe("the rotation rule", () => {
  it("waits for a refresh another live process has at SSO, then uses its tokens without asking SSO", async () => {
    const { store, manager, expired, key } = await setUp();
    // A live process (our parent) has the refresh token at SSO.
    store.set(key, { ...expired, presentedBy: `${hostname()}/${process.ppid}/other` });
    const grants = fake.counters.refreshGrants;
    const fresh = manager.fresh(key);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const theirs = await rotatedElsewhere();
    store.set(key, theirs); // its refresh lands
    const tokens = await fresh;
    expect(tokens.accessToken).toBe(theirs.accessToken);
    expect(tokens.presentedBy).toBeUndefined();
    expect(fake.counters.refreshGrants).toBe(grants);
  });

  it("does not wait for a marker a dead process left: it refreshes at once", async () => {
    const { store, manager, expired, key } = await setUp();
    store.set(key, { ...expired, presentedBy: `${hostname()}/99999999/crashed` });
    const grants = fake.counters.refreshGrants;
    const tokens = await manager.fresh(key);
    expect(fake.counters.refreshGrants).toBe(grants + 1);
    expect(store.get(key)?.refreshToken).toBe(tokens.refreshToken);
    expect(store.get(key)?.presentedBy).toBeUndefined();
  });

  it("does not wait for a marker of this process's own finished attempt (its clearing write had failed)", async () => {
    const { store, manager, expired, key } = await setUp();
    store.set(key, { ...expired, presentedBy: `${hostname()}/${process.pid}/finished-attempt` });
    const grants = fake.counters.refreshGrants;
    await manager.fresh(key);
    expect(fake.counters.refreshGrants).toBe(grants + 1);
  });

  it("stops waiting after the grace (a holder on another host that never came back) and presents the token itself", async () => {
    let now = Date.now();
    const { store, manager, expired, key } = await setUp({ now: () => now, inFlightGraceMs: 30_000, inFlightPollMs: 5 });
    store.set(key, { ...expired, presentedBy: "another-host/1234/gone" });
    const grants = fake.counters.refreshGrants;
    const fresh = manager.fresh(key);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.counters.refreshGrants).toBe(grants); // still waiting
    now += 30_001; // the injected clock passes the grace
    await fresh;
    expect(fake.counters.refreshGrants).toBe(grants + 1);
  });

  it("marks the set while its refresh token is at SSO, and clears the mark with the new set", async () => {
    const { store, manager, key } = await setUp();
    fake.fail({ endpoint: "token", mode: "slow", delayMs: 300 });
    const fresh = manager.fresh(key);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(store.get(key)?.presentedBy).toMatch(new RegExp(`^${hostname()}/${process.pid}/`));
    const tokens = await fresh;
    expect(store.get(key)).toEqual(tokens);
    expect(tokens.presentedBy).toBeUndefined();
  });

  it("a lost compare-and-set hands back the winner's tokens (another process wrote a newer set meanwhile)", async () => {
    let theirs: TokenSet | undefined;
    const store = new MemoryTokenStore();
    const manager = new TokenManager({
      store,
      // Another process writes its login while ours is at SSO (its lock expired, say).
      refresh: async (refreshToken, characterId) => {
        theirs = await rotatedElsewhere();
        store.set(String(PILOT), theirs);
        return refreshAtFake(refreshToken, characterId);
      },
    });
    const issued = await fake.issueTokens({ characterId: PILOT, scopes: [] });
    await manager.update({ access_token: issued.access_token, expires_in: -1, refresh_token: issued.refresh_token }, PILOT);
    const tokens = await manager.fresh(String(PILOT));
    expect(tokens.accessToken).toBe(theirs!.accessToken);
    expect(store.get(String(PILOT))?.refreshToken).toBe(theirs!.refreshToken); // ours did not overwrite theirs
  });

  it("remembers a refusal for the refused token only: a newer set in the store lifts it", async () => {
    const { store, manager, expired, key } = await setUp();
    fake.revoke(expired.refreshToken!);
    const failures: unknown[] = [];
    manager.events.on("token-refresh-failed", (event) => failures.push(event));
    await expect(manager.fresh(key)).rejects.toBeInstanceOf(InvalidGrantError);
    const grants = fake.counters.refreshGrants;
    await expect(manager.fresh(key)).rejects.toBeInstanceOf(InvalidGrantError);
    expect(fake.counters.refreshGrants).toBe(grants); // SSO not asked again for the same token
    expect(failures).toHaveLength(1);

    const login = await rotatedElsewhere();
    store.set(key, login); // a login by another process
    expect((await manager.fresh(key)).accessToken).toBe(login.accessToken);
    expect((await manager.fresh(key, { force: true })).refreshToken).not.toBe(login.refreshToken);
  });

  it("with a refused token whose set another process rotated meanwhile, takes theirs instead of failing", async () => {
    const store = new MemoryTokenStore();
    let theirs: TokenSet | undefined;
    const manager = new TokenManager({
      store,
      // Ours was paused past the lock: the other process rotated first, so SSO refuses the token we present.
      refresh: async (refreshToken, characterId) => {
        const rotated = await refreshAtFake(refreshToken, characterId);
        theirs = { accessToken: rotated.access_token, refreshToken: rotated.refresh_token, expiresAt: Date.now() + 1_199_000, scopes: [], characterId: PILOT };
        store.set(String(PILOT), theirs);
        return refreshAtFake(refreshToken, characterId);
      },
    });
    const issued = await fake.issueTokens({ characterId: PILOT, scopes: [] });
    await manager.update({ access_token: issued.access_token, expires_in: -1, refresh_token: issued.refresh_token }, PILOT);
    const tokens = await manager.fresh(String(PILOT));
    expect(tokens.accessToken).toBe(theirs!.accessToken);
  });
});
