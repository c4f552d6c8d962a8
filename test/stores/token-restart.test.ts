import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSso, FileTokenStore } from "../../src/index.ts";
import { DEFAULT_FAKE_CLIENT, startFakeSso, type FakeSso } from "../../src/testing/fake-sso/index.ts";
import { finished, runWithTsx } from "../auth/fixtures/child-process.ts";

let fake: FakeSso;
let dir: string;
// "revoke": a rotated refresh token is refused afterwards, so each run succeeds only with the newest one.
beforeAll(async () => {
  fake = await startFakeSso({ rotation: "revoke" });
  dir = await mkdtemp(join(tmpdir(), "esikit-restart-"));
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the rotated refresh token across a process restart", () => {
  it("is kept in the file store: each new process refreshes with the token the last one received", async () => {
    const file = join(dir, "tokens.json");
    const seed = await fake.issueTokens({ characterId: 2112625428, scopes: ["esi-wallet.read_character_wallet.v1"] });
    const sso = createSso({ ...DEFAULT_FAKE_CLIENT, callbackUrl: "http://127.0.0.1/cb", userAgent: "esikit-tests/1.0", ssoBaseUrl: fake.url, store: new FileTokenStore(file) });
    await sso.updateToken({ access_token: "", expires_in: -1, refresh_token: seed.refresh_token });

    for (const run of [1, 2]) {
      const result = await finished(runWithTsx({ SSO_URL: fake.url, TOKEN_FILE: file, MODE: "once" }));
      expect(result.stderr, `run ${run}`).toBe("");
      expect(result.code).toBe(0);
      const saved = JSON.parse(await readFile(file, "utf8")) as { tokens: Record<string, { refreshToken: string; characterId: number }> };
      expect(saved.tokens.default?.refreshToken).toBe(fake.issuedRefreshTokens.at(-1));
      expect(saved.tokens.default?.characterId).toBe(2112625428);
    }
    expect(fake.counters.refreshGrants).toBe(2);
  });
});
