import { createHash, randomBytes } from "node:crypto";
import { closeSync, fchmodSync, fstatSync, fsync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, readdir, rm } from "node:fs/promises";
import { promisify } from "node:util";
import { basename, dirname, join } from "node:path";
import { EsiEventEmitter } from "../events.ts";
import { FileLock, type FileLockOptions } from "./file-lock.ts";
import { isAlive } from "./process-owner.ts";
import type { TokenSet, TokenStore } from "./types.ts";

const fsyncAsync = promisify(fsync);

interface TokenFile {
  version: 1;
  tokens: Record<string, TokenSet>;
}

export interface FileTokenStoreOptions {
  /** The lock files beside the token file (stale time, wait limit). */
  lock?: FileLockOptions;
}

/**
 * What a change of the file decided: false leaves it as it is (compare-and-set lost), true writes it, "marker"
 * writes it without fsyncing the directory (only the in-flight marker changed: advisory, so the rename need not
 * survive a power cut; the content is still fsynced, so the file is never torn).
 */
type Edit = (file: TokenFile) => boolean | "marker";

/**
 * Tokens in one JSON file, readable by its owner only (mode 0600; a file found wider is set back, with a
 * `store-permissions-fixed` event). Every write goes to a temporary file that is fsynced and renamed over the old
 * one, and the directory is fsynced: a crash leaves the old file or the new one, never a torn one.
 *
 * Safe for several processes on one machine (or a file system with working O_EXCL): every read-modify-write holds
 * `<file>.lock`, and a refresh holds `<file>.<key>.lock`; a lock left by a dead process is taken over at once, an
 * untouched one after its stale time. Writes of a rotated token are compare-and-set on the refresh token.
 */
export class FileTokenStore implements TokenStore {
  readonly path: string;
  readonly events = new EsiEventEmitter();
  readonly #lockOptions: FileLockOptions;
  readonly #writeLock: FileLock;
  /** In-process callers queue here, so only other processes are waited for by polling the lock file. */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #keyQueues = new Map<string, Promise<unknown>>();
  #swept = false;

  constructor(path: string, options: FileTokenStoreOptions = {}) {
    if (typeof path !== "string" || path === "") throw new TypeError("FileTokenStore needs the path of its file");
    this.path = path;
    this.#lockOptions = options.lock ?? {};
    // Held for one read-modify-write (a few ms): a waiter looks again sooner than for a refresh lock.
    this.#writeLock = new FileLock(`${path}.lock`, { pollMs: 1, ...this.#lockOptions });
  }

  async get(key: string): Promise<TokenSet | undefined> {
    return (await this.#read()).tokens[key];
  }

  async keys(): Promise<string[]> {
    return Object.keys((await this.#read()).tokens);
  }

  async set(key: string, tokens: TokenSet): Promise<void> {
    await this.#change((file) => {
      file.tokens[key] = tokens;
      return true;
    });
  }

  async delete(key: string): Promise<void> {
    await this.#change((file) => {
      if (!(key in file.tokens)) return false;
      delete file.tokens[key];
      return true;
    });
  }

  /** Writes only if the stored refresh token is still `expected`: read and write under the file's lock. */
  compareAndSet(key: string, expected: string | undefined, tokens: TokenSet): Promise<boolean> {
    return this.#change((file) => {
      const stored = file.tokens[key];
      if (stored?.refreshToken !== expected) return false;
      file.tokens[key] = tokens;
      return stored !== undefined && sameButMarker(stored, tokens) ? "marker" : true;
    });
  }

  /** Runs `fn` holding `<file>.<key>.lock`: one refresh per character across every process using the file. */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#keyQueues.get(key) ?? Promise.resolve();
    const run = previous.then(async () => {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      return new FileLock(`${this.path}.${lockName(key)}.lock`, this.#lockOptions).run(() => fn());
    });
    const tail = run.catch(() => undefined);
    this.#keyQueues.set(key, tail);
    void tail.then(() => {
      if (this.#keyQueues.get(key) === tail) this.#keyQueues.delete(key);
    });
    return run;
  }

  /** Read, change, write: under the file's lock, one at a time within this process. */
  #change(edit: Edit): Promise<boolean> {
    const run = this.#queue.then(async () => {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      if (!this.#swept) {
        this.#swept = true;
        await removeLeftovers(this.path, this.#lockOptions);
      }
      // A takeover of our lock (we were paused past its stale time) is seen before the rename: start again.
      for (let attempt = 0; ; attempt++) {
        const outcome = await this.#writeLock.run(async (stillHeld) => {
          const file = await this.#read();
          const change = edit(file);
          if (!change) return false;
          return (await this.#write(file, stillHeld, change === true)) ? true : undefined;
        });
        if (outcome !== undefined) return outcome;
        if (attempt >= 3) throw new Error(`Writing the token file ${this.path} failed: its lock kept being taken over by other processes`);
      }
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Reads the whole file (a few KB) synchronously: one step instead of four trips through the thread pool. */
  async #read(): Promise<TokenFile> {
    let text: string;
    try {
      const fd = openSync(this.path, "r");
      try {
        this.#fixMode(fd);
        text = readFileSync(fd, "utf8");
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, tokens: {} };
      throw new Error(`Reading the token file ${this.path} failed (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Never quote the content: it holds tokens.
      throw new Error(`The token file ${this.path} is not valid JSON (${text.length} bytes); esikit's own writes are atomic, so something else changed it`);
    }
    const file = parsed as Partial<TokenFile> | null;
    if (file?.version !== 1 || typeof file.tokens !== "object" || file.tokens === null) {
      throw new Error(`The token file ${this.path} is not an esikit token file (version 1)`);
    }
    return file as TokenFile;
  }

  /** A token file others can read is set back to 0600 before it is read (POSIX modes only). */
  #fixMode(fd: number): void {
    if (process.platform === "win32") return;
    const mode = fstatSync(fd).mode & 0o777;
    if ((mode & 0o077) === 0) return;
    fchmodSync(fd, 0o600);
    this.events.emit("store-permissions-fixed", { store: "file", path: this.path, previousMode: mode.toString(8).padStart(3, "0"), mode: "600" });
  }

  /** Answers false (nothing renamed) when the lock was taken over while the new file was being written. */
  async #write(file: TokenFile, stillHeld: () => boolean, durable: boolean): Promise<boolean> {
    const dir = dirname(this.path);
    const temp = `${this.path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    // Small synchronous steps; only the fsyncs, which wait for the disk, leave the event loop.
    const fd = openSync(temp, "wx", 0o600);
    try {
      writeFileSync(fd, JSON.stringify(file), "utf8");
      await fsyncAsync(fd);
    } catch (error) {
      closeSync(fd);
      rmSync(temp, { force: true });
      throw error;
    }
    closeSync(fd);
    try {
      if (!stillHeld()) {
        rmSync(temp, { force: true });
        return false;
      }
      renameSync(temp, this.path);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
    if (durable) await syncDirectory(dir);
    return true;
  }
}

/** True when two sets differ in their in-flight marker only. */
function sameButMarker(a: TokenSet, b: TokenSet): boolean {
  const { presentedBy: _a, ...restA } = a;
  const { presentedBy: _b, ...restB } = b;
  return JSON.stringify(restA) === JSON.stringify(restB);
}

/** A lock file name part for a key: the key itself when it is plain (character ids, "default"), else a hash. */
function lockName(key: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(key) ? key : `k${createHash("sha256").update(key).digest("hex").slice(0, 16)}`;
}

/**
 * A process killed mid-write leaves its temporary file, and maybe its lock files: removed once the process that
 * left them is gone (a live process's are left alone).
 */
async function removeLeftovers(path: string, lockOptions: FileLockOptions): Promise<void> {
  const prefix = `${basename(path)}.`;
  const dir = dirname(path);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const full = join(dir, name);
    const tempPid = Number(/^(\d+)\.[0-9a-f]+\.tmp$/.exec(rest)?.[1]);
    if (Number.isSafeInteger(tempPid)) {
      if (tempPid !== process.pid && !isAlive(tempPid)) await rm(full, { force: true });
    } else if (rest === "lock" || rest.endsWith(".lock") || rest.endsWith(".takeover")) {
      new FileLock(full, lockOptions).clearIfAbandoned();
    } else if (rest.endsWith(".stale")) {
      await rm(full, { force: true });
    }
  }
}

/** Makes the rename itself durable. Some platforms (Windows) cannot open a directory: there it is skipped. */
async function syncDirectory(dir: string): Promise<void> {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    await fsyncAsync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
