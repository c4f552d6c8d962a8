import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileTokenStore } from "../../src/index.ts";
import { startFakeSso, type FakeSso } from "../../src/testing/fake-sso/index.ts";
import { bundleRefreshLoop, finished, printed, runBundle } from "../auth/fixtures/child-process.ts";

const KILLS = 20;
let fake: FakeSso;
let dir: string;
let bundle: string;
beforeAll(async () => {
  // "keep": the token before the newest stays valid, as a crash between SSO's answer and the save may leave it.
  fake = await startFakeSso({ rotation: "keep" });
  dir = await mkdtemp(join(tmpdir(), "esikit-crash-"));
  bundle = await bundleRefreshLoop(join(dir, "refresh-loop.mjs"));
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe("crash safety of the file store", () => {
  it(`holds the newest refresh token or the one before it after each of ${KILLS} SIGKILLs mid-refresh`, { timeout: 180_000 }, async () => {
    const file = join(dir, "tokens.json");
    const seed = await fake.issueTokens({ characterId: 2112625428, scopes: [] });
    await new FileTokenStore(file).set("default", { accessToken: "", refreshToken: seed.refresh_token, expiresAt: 0, scopes: [] });

    // Each child starts up while the one before it runs, and begins refreshing only when told to.
    const start = () => {
      const child = runBundle(bundle, { SSO_URL: fake.url, TOKEN_FILE: file, MODE: "loop", WAIT_FOR_GO: "1" });
      return { child, exit: finished(child), started: printed(child, "started"), ready: printed(child, "ready") };
    };
    let next = start();
    let survived = 0;
    let refreshes = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const before = fake.counters.refreshGrants;
      const { child, exit, started, ready } = next;
      await started;
      child.stdin?.write("go\n");
      if (kill < KILLS - 1) next = start();
      await ready;
      // A random moment within the loop: before, during or after a token request or a file write.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 60));
      child.kill("SIGKILL");
      const { signal, stderr } = await exit;
      expect(signal, stderr).toBe("SIGKILL");
      await new Promise((resolve) => setTimeout(resolve, 20)); // let the fake finish a request the child left behind
      refreshes += fake.counters.refreshGrants - before;

      const text = await readFile(file, "utf8");
      expect(text.length).toBeGreaterThan(0);
      const saved = JSON.parse(text) as { version: number; tokens: { default?: { refreshToken?: string } } };
      expect(saved.version).toBe(1);
      const issued = fake.issuedRefreshTokens;
      expect([issued.at(-1), issued.at(-2)]).toContain(saved.tokens.default?.refreshToken);
      survived++;
    }
    console.log(`[figure] SIGKILLs survived: ${survived}/${KILLS}; refreshes completed between kills: ${refreshes}`);
    expect(survived).toBe(KILLS);
    expect(refreshes).toBeGreaterThan(KILLS); // the kills landed mid-loop, not only before the first refresh

    // The next write sweeps the temporary files the killed processes left behind.
    const store = new FileTokenStore(file);
    await store.set("default", (await store.get("default"))!);
    expect((await readdir(dir)).sort()).toEqual(["refresh-loop.mjs", "tokens.json"]);
  });
});
