import { randomUUID } from "node:crypto";
import { closeSync, openSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import type { TokenSet, TokenStore } from "./types.ts";

export interface SqliteTokenStoreOptions {
  /** Table name prefix: tokens go in `<prefix>_tokens`, refresh locks in `<prefix>_locks`. Default "esikit". */
  tablePrefix?: string;
  /**
   * How long a lock outlives a holder that died without releasing it, ms. A live holder renews it every third of
   * this while it works. Default 10 s.
   */
  lockTtlMs?: number;
  /** How often a waiting process looks at the lock again, ms. Default 25. */
  lockPollMs?: number;
  /** How long withLock waits for another holder before giving up, ms. Default 60 s. */
  lockWaitMs?: number;
}

interface TokenRow {
  key: string;
  access_token: string;
  refresh_token: string | null;
  expires_at: number;
  scopes: string;
  character_id: number | null;
  character_name: string | null;
  owner_hash: string | null;
  presented_by: string | null;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A TokenStore in SQLite (better-sqlite3): tokens survive restarts and are shared by every process that opens the
 * same file. Writes are committed before set() returns (synchronous=FULL for files it opens), so a rotated refresh
 * token is on disk before its access token is used. withLock is a lock row with a TTL that its holder renews while
 * it works (a dead holder's lock goes after the TTL); compareAndSet is one IMMEDIATE transaction, so even a holder
 * whose lock expired (paused past the TTL) cannot overwrite a newer token set.
 */
export class SqliteTokenStore implements TokenStore {
  readonly #db: Database.Database;
  /**
   * For what need not survive a power cut (lock rows, the in-flight marker): a second connection to the same
   * file with synchronous=OFF, so only token writes wait for the disk. The app's own database: that one.
   */
  readonly #light: Database.Database;
  readonly #ownsDb: boolean;
  readonly #tokens: string;
  readonly #locks: string;
  readonly #lockTtlMs: number;
  readonly #lockPollMs: number;
  readonly #lockWaitMs: number;
  readonly #compareAndSet: Database.Transaction<(key: string, expected: string | undefined, tokens: TokenSet) => boolean>;
  readonly #setMarker: Database.Statement;
  /** In-process waiters queue here instead of polling the table. */
  readonly #localLocks = new Map<string, Promise<unknown>>();

  /** `database`: a file path (created with mode 0600: it holds refresh tokens), ":memory:", or an open database the app owns. */
  constructor(database: string | Database.Database, options: SqliteTokenStoreOptions = {}) {
    const prefix = options.tablePrefix ?? "esikit";
    if (!NAME.test(prefix)) throw new TypeError(`SqliteTokenStore: tablePrefix must be letters, digits and _, got ${JSON.stringify(prefix)}`);
    this.#tokens = `${prefix}_tokens`;
    this.#locks = `${prefix}_locks`;
    this.#lockTtlMs = options.lockTtlMs ?? 10_000;
    this.#lockPollMs = options.lockPollMs ?? 25;
    this.#lockWaitMs = options.lockWaitMs ?? 60_000;
    if (typeof database === "string") {
      if (database !== ":memory:" && database !== "") closeSync(openSync(database, "a", 0o600));
      this.#db = new Database(database);
      this.#db.pragma("journal_mode = WAL");
      this.#db.pragma("synchronous = FULL");
      this.#db.pragma("busy_timeout = 5000");
      this.#ownsDb = true;
    } else {
      this.#db = database;
      this.#ownsDb = false;
    }
    const file = this.#db.name;
    if (this.#ownsDb && file !== ":memory:" && file !== "") {
      this.#light = new Database(file);
      this.#light.pragma("synchronous = OFF");
      this.#light.pragma("busy_timeout = 5000");
    } else {
      this.#light = this.#db;
    }
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS ${this.#tokens} (
        key TEXT PRIMARY KEY,
        access_token TEXT NOT NULL,
        refresh_token TEXT,
        expires_at INTEGER NOT NULL,
        scopes TEXT NOT NULL,
        character_id INTEGER,
        character_name TEXT,
        owner_hash TEXT,
        updated_at INTEGER NOT NULL,
        presented_by TEXT
      );
      CREATE TABLE IF NOT EXISTS ${this.#locks} (key TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at INTEGER NOT NULL);
    `);
    // Tables made by an earlier version lack the rotation bookkeeping column.
    const columns = this.#db.prepare(`PRAGMA table_info(${this.#tokens})`).all() as Array<{ name: string }>;
    if (!columns.some((column) => column.name === "presented_by")) this.#db.exec(`ALTER TABLE ${this.#tokens} ADD COLUMN presented_by TEXT`);
    this.#setMarker = this.#light.prepare(
      `UPDATE ${this.#tokens} SET presented_by = @presented_by
       WHERE key = @key AND refresh_token = @refresh_token AND access_token = @access_token AND expires_at = @expires_at
         AND scopes = @scopes AND character_id IS @character_id AND character_name IS @character_name AND owner_hash IS @owner_hash
         AND presented_by IS NOT @presented_by`,
    );
    const storedRefreshToken = this.#db.prepare(`SELECT refresh_token FROM ${this.#tokens} WHERE key = ?`);
    this.#compareAndSet = this.#db.transaction((key: string, expected: string | undefined, tokens: TokenSet): boolean => {
      const row = storedRefreshToken.get(key) as { refresh_token: string | null } | undefined;
      if ((row?.refresh_token ?? undefined) !== expected) return false;
      this.set(key, tokens);
      return true;
    });
  }

  get(key: string): TokenSet | undefined {
    const row = this.#db.prepare(`SELECT * FROM ${this.#tokens} WHERE key = ?`).get(key) as TokenRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  set(key: string, tokens: TokenSet): void {
    this.#db
      .prepare(
        `INSERT INTO ${this.#tokens} (key, access_token, refresh_token, expires_at, scopes, character_id, character_name, owner_hash, updated_at, presented_by)
         VALUES (@key, @access_token, @refresh_token, @expires_at, @scopes, @character_id, @character_name, @owner_hash, @updated_at, @presented_by)
         ON CONFLICT(key) DO UPDATE SET access_token = excluded.access_token, refresh_token = excluded.refresh_token,
           expires_at = excluded.expires_at, scopes = excluded.scopes, character_id = excluded.character_id,
           character_name = excluded.character_name, owner_hash = excluded.owner_hash, updated_at = excluded.updated_at,
           presented_by = excluded.presented_by`,
      )
      .run({
        key,
        access_token: tokens.accessToken,
        refresh_token: tokens.refreshToken ?? null,
        expires_at: tokens.expiresAt,
        scopes: JSON.stringify(tokens.scopes),
        character_id: tokens.characterId ?? null,
        character_name: tokens.characterName ?? null,
        owner_hash: tokens.ownerHash ?? null,
        updated_at: Date.now(),
        presented_by: tokens.presentedBy ?? null,
      });
  }

  /**
   * Writes only if the stored refresh token is still `expected`: read and write in one IMMEDIATE transaction.
   * A change of the in-flight marker alone is one UPDATE that checks every other field.
   */
  compareAndSet(key: string, expected: string | undefined, tokens: TokenSet): boolean {
    if (expected !== undefined && tokens.refreshToken === expected && this.#setMarker.run(markerRow(key, expected, tokens)).changes === 1) return true;
    return this.#compareAndSet.immediate(key, expected, tokens);
  }

  delete(key: string): void {
    this.#db.prepare(`DELETE FROM ${this.#tokens} WHERE key = ?`).run(key);
  }

  keys(): string[] {
    return (this.#db.prepare(`SELECT key FROM ${this.#tokens} ORDER BY key`).all() as Array<{ key: string }>).map((r) => r.key);
  }

  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    // Same process: wait in line behind the holder. Other processes: the lock row decides.
    const previous = this.#localLocks.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.#withRowLock(key, fn));
    const tail = run.catch(() => undefined);
    this.#localLocks.set(key, tail);
    void tail.then(() => {
      if (this.#localLocks.get(key) === tail) this.#localLocks.delete(key);
    });
    return run;
  }

  /** Closes the database if this store opened it. */
  close(): void {
    if (this.#light !== this.#db) this.#light.close();
    if (this.#ownsDb) this.#db.close();
  }

  async #withRowLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const holder = randomUUID();
    const acquire = this.#light.prepare(
      `INSERT INTO ${this.#locks} (key, holder, expires_at) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at WHERE ${this.#locks}.expires_at < ?`,
    );
    const giveUpAt = Date.now() + this.#lockWaitMs;
    for (;;) {
      const now = Date.now();
      if (acquire.run(key, holder, now + this.#lockTtlMs, now).changes === 1) break;
      if (now >= giveUpAt) throw new Error(`SqliteTokenStore: the token lock for ${key} is still held by another process after ${this.#lockWaitMs} ms`);
      await sleep(this.#lockPollMs);
    }
    // Renewed while the holder works: a slow SSO (three attempts of 10 s) cannot outlast the lock.
    const renew = this.#light.prepare(`UPDATE ${this.#locks} SET expires_at = ? WHERE key = ? AND holder = ?`);
    const renewal = setInterval(() => {
      try {
        renew.run(Date.now() + this.#lockTtlMs, key, holder);
      } catch {
        // busy or closed: the lock still holds until its TTL, and writes are compare-and-set anyway
      }
    }, Math.max(1, Math.floor(this.#lockTtlMs / 3)));
    renewal.unref();
    try {
      return await fn();
    } finally {
      clearInterval(renewal);
      this.#light.prepare(`DELETE FROM ${this.#locks} WHERE key = ? AND holder = ?`).run(key, holder);
    }
  }
}

/** The parameters of the marker-only UPDATE: every field must match the stored row but the marker. */
function markerRow(key: string, expected: string, tokens: TokenSet): Record<string, unknown> {
  return {
    key,
    refresh_token: expected,
    access_token: tokens.accessToken,
    expires_at: tokens.expiresAt,
    scopes: JSON.stringify(tokens.scopes),
    character_id: tokens.characterId ?? null,
    character_name: tokens.characterName ?? null,
    owner_hash: tokens.ownerHash ?? null,
    presented_by: tokens.presentedBy ?? null,
  };
}

function fromRow(row: TokenRow): TokenSet {
  const tokens: TokenSet = {
    accessToken: row.access_token,
    refreshToken: row.refresh_token ?? undefined,
    expiresAt: row.expires_at,
    scopes: JSON.parse(row.scopes) as string[],
  };
  if (row.character_id !== null) tokens.characterId = row.character_id;
  if (row.character_name !== null) tokens.characterName = row.character_name;
  if (row.owner_hash !== null) tokens.ownerHash = row.owner_hash;
  if (row.presented_by !== null) tokens.presentedBy = row.presented_by;
  return tokens;
}
