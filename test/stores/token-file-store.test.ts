import { mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileTokenStore, MemoryTokenStore, type TokenSet, type TokenStore } from "../../src/index.ts";

const set = (refreshToken: string): TokenSet => ({ accessToken: "a", refreshToken, expiresAt: 1, scopes: ["s"], characterId: 1 });

describe.each([
  ["MemoryTokenStore", async () => new MemoryTokenStore() as TokenStore],
  ["FileTokenStore", async () => new FileTokenStore(join(await mkdtemp(join(tmpdir(), "esikit-tokens-")), "tokens.json")) as TokenStore],
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
});

describe("FileTokenStore", () => {
  it("writes a file only its owner can read, and leaves no temporary file behind", async () => {
    const dir = await mkdtemp(join(tmpdir(), "esikit-tokens-"));
    const store = new FileTokenStore(join(dir, "tokens.json"));
    await store.set("1", set("r1"));
    expect((await stat(join(dir, "tokens.json"))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(["tokens.json"]);
    expect(JSON.parse(await readFile(join(dir, "tokens.json"), "utf8"))).toMatchObject({ version: 1, tokens: { "1": { refreshToken: "r1" } } });
  });

  it("removes the temporary file a killed process left behind, and not a live process's", async () => {
    const dir = await mkdtemp(join(tmpdir(), "esikit-tokens-"));
    const orphan = "tokens.json.99999999.0a1b2c.tmp"; // no such process
    const live = `tokens.json.${process.ppid}.0a1b2c.tmp`; // a process that is running
    await writeFile(join(dir, orphan), '{"version":1,"tok');
    await writeFile(join(dir, live), "{}");
    await new FileTokenStore(join(dir, "tokens.json")).set("1", set("r1"));
    expect((await readdir(dir)).sort()).toEqual(["tokens.json", live].sort());
  });

  it("loses no write when many happen at once", async () => {
    const store = new FileTokenStore(join(await mkdtemp(join(tmpdir(), "esikit-tokens-")), "tokens.json"));
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.set(String(i), set(`r${i}`))));
    expect((await store.keys()).length).toBe(50);
  });

  it("says so, without quoting it, when the file is not its own", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "esikit-tokens-")), "tokens.json");
    await writeFile(path, '{"refresh": "secret-looking-value"');
    const error = await new FileTokenStore(path).get("1").catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/not valid JSON/);
    expect((error as Error).message).not.toContain("secret-looking-value");
    await writeFile(path, "[]");
    await expect(new FileTokenStore(path).keys()).rejects.toThrow(/not an esikit token file/);
  });
});
