import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { EsiEvents } from "../../src/events.ts";
import { FileTokenStore, MemoryTokenStore, type TokenSet, type TokenStore } from "../../src/index.ts";
import { FileLock } from "../../src/stores/file-lock.ts";

const set = (refreshToken: string): TokenSet => ({ accessToken: "a", refreshToken, expiresAt: 1, scopes: ["s"], characterId: 1 });

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), "esikit-tokens-"));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe.each([
  ["MemoryTokenStore", async () => new MemoryTokenStore() as TokenStore],
  ["FileTokenStore", async () => new FileTokenStore(join(await tempDir(), "tokens.json")) as TokenStore],
])("%s", (_name, make) => {
  it("keeps a token set per key, replaces it, deletes it, and lists keys", async () => {
    const store = await make();
    expect(await store.get("1")).toBeUndefined();
    await store.set("1", set("r1"));
    await store.set("2", set("r2"));
    await store.set("1", set("r1b"));
    expect((await store.get("1"))?.refreshToken).toBe("r1b");
    expect((await store.keys()).sort()).toEqual(["1", "2"]);
    await store.delete("2");
    expect(await store.keys()).toEqual(["1"]);
  });

  it("hands out copies: changing one does not change what is kept", async () => {
    const store = await make();
    const tokens = set("r1");
    await store.set("1", tokens);
    tokens.refreshToken = "changed";
    const read = await store.get("1");
    read!.refreshToken = "changed too";
    expect((await store.get("1"))?.refreshToken).toBe("r1");
  });

  it("compareAndSet writes only over the refresh token it expects, and says whether it wrote", async () => {
    const store = await make();
    expect(await store.compareAndSet!("1", "r0", set("r1"))).toBe(false); // nothing stored, "r0" expected
    expect(await store.compareAndSet!("1", undefined, set("r1"))).toBe(true);
    expect(await store.compareAndSet!("1", "r0", set("r2"))).toBe(false);
    expect((await store.get("1"))?.refreshToken).toBe("r1");
    expect(await store.compareAndSet!("1", "r1", set("r2"))).toBe(true);
    expect((await store.get("1"))?.refreshToken).toBe("r2");
  });

  it("withLock lets one holder in per key at a time, and different keys together", async () => {
    const store = await make();
    const log: string[] = [];
    const hold = (name: string) => async () => {
      log.push(`${name} in`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      log.push(`${name} out`);
    };
    await Promise.all([store.withLock!("1", hold("a")), store.withLock!("1", hold("b")), store.withLock!("2", hold("c"))]);
    const one = log.filter((line) => !line.startsWith("c"));
    expect(one).toEqual(["a in", "a out", "b in", "b out"]);
    expect(log.indexOf("c in")).toBeLessThan(log.indexOf("a out")); // key 2 did not wait for key 1
  });
});

describe("FileTokenStore", () => {
  it("writes a file only its owner can read, and leaves no temporary or lock file behind", async () => {
    const dir = await tempDir();
    const store = new FileTokenStore(join(dir, "tokens.json"));
    await store.set("1", set("r1"));
    await store.withLock("1", async () => store.compareAndSet("1", "r1", set("r2")));
    expect((await stat(join(dir, "tokens.json"))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(["tokens.json"]);
    expect(JSON.parse(await readFile(join(dir, "tokens.json"), "utf8"))).toMatchObject({ version: 1, tokens: { "1": { refreshToken: "r2" } } });
  });

  it.skipIf(process.platform === "win32")("sets a token file others can read back to 0600 when it reads it, and says so in an event without a token", async () => {
    const path = join(await tempDir(), "tokens.json");
    await new FileTokenStore(path).set("1", set("r-secret-refresh"));
    await chmod(path, 0o644);
    const store = new FileTokenStore(path);
    const events: Array<EsiEvents["store-permissions-fixed"]> = [];
    store.events.on("store-permissions-fixed", (event) => events.push(event));
    expect((await store.get("1"))?.refreshToken).toBe("r-secret-refresh");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(events).toEqual([{ store: "file", path, previousMode: "644", mode: "600" }]);
    await store.get("1");
    expect(events).toHaveLength(1); // fixed once; 0600 since
    expect(JSON.stringify(events)).not.toContain("r-secret-refresh");
  });

  it("removes the temporary and lock files a killed process left behind, and not a live process's", async () => {
    const dir = await tempDir();
    const orphan = "tokens.json.99999999.0a1b2c.tmp"; // no such process
    const live = `tokens.json.${process.ppid}.0a1b2c.tmp`; // a process that is running
    await writeFile(join(dir, orphan), '{"version":1,"tok');
    await writeFile(join(dir, live), "{}");
    const { hostname } = await import("node:os");
    await writeFile(join(dir, "tokens.json.1.lock"), JSON.stringify({ host: hostname(), pid: 99999999, id: "dead" }));
    await writeFile(join(dir, "tokens.json.2.lock"), JSON.stringify({ host: hostname(), pid: process.ppid, id: "alive" }));
    await new FileTokenStore(join(dir, "tokens.json")).set("1", set("r1"));
    expect((await readdir(dir)).sort()).toEqual(["tokens.json", "tokens.json.2.lock", live].sort());
  });

  it("takes over at once a lock whose holder died, and after the stale time one nobody touches", async () => {
    const dir = await tempDir();
    const { hostname } = await import("node:os");
    const path = join(dir, "x.lock");
    await writeFile(path, JSON.stringify({ host: hostname(), pid: 99999999, id: "dead" }));
    await expect(new FileLock(path, { waitMs: 1_000 }).run(async () => "taken")).resolves.toBe("taken");
    // A holder on another host (its pid cannot be checked) that stopped touching the file: stale after staleMs.
    await writeFile(path, JSON.stringify({ host: "elsewhere", pid: 1, id: "remote" }));
    const old = new Date(Date.now() - 5_000);
    const { utimes } = await import("node:fs/promises");
    await utimes(path, old, old);
    await expect(new FileLock(path, { staleMs: 2_000, waitMs: 1_000 }).run(async () => "taken")).resolves.toBe("taken");
    expect(await readdir(dir)).toEqual([]);
  });

  it("waits for a live holder and gives up with an error naming the lock", async () => {
    const path = join(await tempDir(), "x.lock");
    let release!: () => void;
    const held = new FileLock(path).run(() => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(new FileLock(path, { waitMs: 100 }).run(async () => "never")).rejects.toThrow(/x\.lock is still held by another process after 100 ms/);
    release();
    await held;
  });

  it("loses no write when many happen at once", async () => {
    const store = new FileTokenStore(join(await tempDir(), "tokens.json"));
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.set(String(i), set(`r${i}`))));
    expect((await store.keys()).length).toBe(50);
  });

  it("says so, without quoting it, when the file is not its own", async () => {
    const path = join(await tempDir(), "tokens.json");
    await writeFile(path, '{"refresh": "secret-looking-value"', { mode: 0o600 });
    const error = await new FileTokenStore(path).get("1").catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/not valid JSON/);
    expect((error as Error).message).not.toContain("secret-looking-value");
    await writeFile(path, "[]");
    await expect(new FileTokenStore(path).keys()).rejects.toThrow(/not an esikit token file/);
  });
});
