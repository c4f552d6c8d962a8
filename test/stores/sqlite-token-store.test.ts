import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteTokenStore } from "../../src/stores/sqlite-token-store.ts";
import type { TokenSet } from "../../src/stores/types.ts";

const tokens = (n: number, extra: Partial<TokenSet> = {}): TokenSet => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  expiresAt: 1_700_000_000_000 + n,
  scopes: ["esi-wallet.read_character_wallet.v1", "esi-location.read_location.v1"],
  characterId: 90000000 + n,
  characterName: `Pilot ${n}`,
  ownerHash: `owner-${n}`,
  ...extra,
});

let dir: string;
const open: SqliteTokenStore[] = [];
const store = (file = join(dir, "tokens.db"), options?: ConstructorParameters<typeof SqliteTokenStore>[1]) => {
  const s = new SqliteTokenStore(file, options);
  open.push(s);
  return s;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "esikit-sqlite-"));
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("SqliteTokenStore", () => {
  it("keeps every field of a token set, and the newest one per key", () => {
    const s = store();
    s.set("90000001", tokens(1));
    s.set("90000001", tokens(2));
    expect(s.get("90000001")).toEqual(tokens(2));
    expect(s.get("90000009")).toBeUndefined();
  });

  it("keeps a set without a refresh token or character as such", () => {
    const s = store();
    s.set("default", { accessToken: "a", refreshToken: undefined, expiresAt: 5, scopes: [] });
    expect(s.get("default")).toEqual({ accessToken: "a", refreshToken: undefined, expiresAt: 5, scopes: [] });
  });

  it("lists and deletes keys", () => {
    const s = store();
    s.set("2", tokens(2));
    s.set("1", tokens(1));
    expect(s.keys()).toEqual(["1", "2"]);
    s.delete("1");
    expect(s.keys()).toEqual(["2"]);
    expect(s.get("1")).toBeUndefined();
  });

  it("survives a restart: a second store on the same file reads what the first wrote", () => {
    const file = join(dir, "tokens.db");
    const first = store(file);
    first.set("90000001", tokens(1));
    first.close();
    open.splice(open.indexOf(first), 1);
    expect(store(file).get("90000001")).toEqual(tokens(1));
  });

  it("creates its file readable by the owner only (it holds refresh tokens)", () => {
    const file = join(dir, "tokens.db");
    store(file).set("1", tokens(1));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("lives beside an app's own tables in a database the app opened, under its own prefix", () => {
    const db = new Database(join(dir, "app.db"));
    db.exec("CREATE TABLE sessions (id TEXT PRIMARY KEY)");
    const s = new SqliteTokenStore(db, { tablePrefix: "app" });
    s.set("1", tokens(1));
    s.close(); // does not close the app's database
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    expect(names).toEqual(["app_locks", "app_tokens", "sessions"]);
    db.close();
  });

  it("refuses a table prefix that is not a plain name", () => {
    expect(() => store(":memory:", { tablePrefix: "x; DROP TABLE y" })).toThrow(/tablePrefix/);
  });

  it("withLock runs one holder at a time for a key, across two stores on the same file (two processes)", async () => {
    const file = join(dir, "tokens.db");
    const a = store(file, { lockPollMs: 5 });
    const b = store(file, { lockPollMs: 5 });
    const log: string[] = [];
    const critical = (name: string) => async () => {
      log.push(`${name} in`);
      await sleep(40);
      log.push(`${name} out`);
      return name;
    };
    const results = await Promise.all([a.withLock("1", critical("a1")), b.withLock("1", critical("b")), a.withLock("1", critical("a2"))]);
    expect(results).toEqual(["a1", "b", "a2"]);
    for (let i = 0; i < log.length; i += 2) expect(log[i + 1]).toBe(log[i]!.replace(" in", " out"));
  });

  it("withLock lets different keys run together", async () => {
    const s = store();
    let inside = 0;
    let most = 0;
    const critical = async () => {
      most = Math.max(most, ++inside);
      await sleep(30);
      inside--;
    };
    await Promise.all([s.withLock("1", critical), s.withLock("2", critical)]);
    expect(most).toBe(2);
  });

  it("withLock frees the lock when the holder throws", async () => {
    const s = store();
    await expect(s.withLock("1", async () => Promise.reject(new Error("refresh failed")))).rejects.toThrow("refresh failed");
    await expect(s.withLock("1", async () => "next")).resolves.toBe("next");
  });

  it("takes over a lock whose holder died without releasing it once its TTL is over", async () => {
    const file = join(dir, "tokens.db");
    const dead = new Database(file);
    store(file); // creates the tables
    dead.prepare("INSERT INTO esikit_locks (key, holder, expires_at) VALUES (?, ?, ?)").run("1", "crashed", Date.now() + 100);
    dead.close();
    const started = Date.now();
    await expect(store(file, { lockPollMs: 5 }).withLock("1", async () => "mine")).resolves.toBe("mine");
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it("renews the lock while its holder works: a holder slower than the TTL keeps it", async () => {
    const file = join(dir, "tokens.db");
    // Renewed every third of the TTL: only an event loop stalled for two thirds of it (660 ms) could lose it.
    const holder = store(file, { lockTtlMs: 1_000, lockPollMs: 5 });
    const waiter = store(file, { lockTtlMs: 1_000, lockPollMs: 5 });
    const log: string[] = [];
    const slow = holder.withLock("1", async () => {
      log.push("holder in");
      await sleep(3_500); // three and a half TTLs
      log.push("holder out");
    });
    await sleep(20);
    await waiter.withLock("1", async () => {
      log.push("waiter in");
    });
    await slow;
    expect(log).toEqual(["holder in", "holder out", "waiter in"]);
  });

  it("compareAndSet writes only over the refresh token it expects, across two stores on one file", () => {
    const file = join(dir, "tokens.db");
    const a = store(file);
    const b = store(file);
    a.set("1", tokens(1));
    expect(b.compareAndSet("1", "refresh-1", tokens(2))).toBe(true);
    // a's view is stale: its write over refresh-1 must not land over b's newer set.
    expect(a.compareAndSet("1", "refresh-1", tokens(3))).toBe(false);
    expect(a.get("1")).toEqual(tokens(2));
    expect(a.compareAndSet("9", undefined, tokens(9))).toBe(true);
    expect(a.compareAndSet("9", undefined, tokens(10))).toBe(false);
  });

  it("keeps the in-flight marker of a set, and a change of the marker alone checks every other field", () => {
    const s = store();
    s.set("1", tokens(1));
    expect(s.compareAndSet("1", "refresh-1", { ...tokens(1), presentedBy: "host/1/a" })).toBe(true);
    expect(s.get("1")?.presentedBy).toBe("host/1/a");
    // Same refresh token but another access token: a full write, not a marker change.
    expect(s.compareAndSet("1", "refresh-1", { ...tokens(1), accessToken: "other" })).toBe(true);
    expect(s.get("1")).toEqual({ ...tokens(1), accessToken: "other" });
  });

  it("adds the marker column to a table an earlier version made", () => {
    const file = join(dir, "old.db");
    const old = new Database(file);
    old.exec(`CREATE TABLE esikit_tokens (key TEXT PRIMARY KEY, access_token TEXT NOT NULL, refresh_token TEXT, expires_at INTEGER NOT NULL,
      scopes TEXT NOT NULL, character_id INTEGER, character_name TEXT, owner_hash TEXT, updated_at INTEGER NOT NULL)`);
    old.prepare("INSERT INTO esikit_tokens VALUES ('1', 'a', 'r', 5, '[]', NULL, NULL, NULL, 0)").run();
    old.close();
    const s = store(file);
    expect(s.get("1")).toEqual({ accessToken: "a", refreshToken: "r", expiresAt: 5, scopes: [] });
    expect(s.compareAndSet("1", "r", { accessToken: "a", refreshToken: "r", expiresAt: 5, scopes: [], presentedBy: "h/1/x" })).toBe(true);
  });

  it("gives up waiting with an error naming the key", async () => {
    const file = join(dir, "tokens.db");
    const holder = store(file);
    const waiter = store(file, { lockPollMs: 5, lockWaitMs: 50 });
    let release!: () => void;
    const held = holder.withLock("90000001", () => new Promise<void>((resolve) => (release = resolve)));
    await sleep(5);
    await expect(waiter.withLock("90000001", async () => "never")).rejects.toThrow(/lock for 90000001/);
    release();
    await held;
  });
});
