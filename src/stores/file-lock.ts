import { randomUUID } from "node:crypto";
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { isDeadOwner, newOwner, type ProcessOwner as Owner } from "./process-owner.ts";

export interface FileLockOptions {
  /**
   * A lock file whose holder has not touched it for this long counts as abandoned, ms. The holder touches it
   * every third of this while it works. A lock left by a dead process on this host is taken at once. Default 10 s.
   */
  staleMs?: number;
  /** How long to wait for another holder before giving up, ms. Default 60 s. */
  waitMs?: number;
  /** How often a waiter looks again, ms (plus up to as much of jitter). Default 2: a look is three small system calls. */
  pollMs?: number;
}

/**
 * A lock shared by every process that can see `lockPath`: the file is created exclusively (O_EXCL) and holds its
 * owner (host, pid, a random id). A waiter takes over a lock whose owner is a dead process on this host, or that
 * nobody touched for `staleMs`; the takeover itself runs under a second lock file so two waiters cannot both take
 * it. Unlike an advisory flock, it works the same on every platform and file system Node runs on.
 *
 * The file operations are synchronous on purpose: each touches a few bytes of metadata, and a round trip through
 * libuv's thread pool per step costs more than the step (a refresh takes and releases locks several times).
 */
export class FileLock {
  readonly path: string;
  readonly #staleMs: number;
  readonly #waitMs: number;
  readonly #pollMs: number;

  constructor(lockPath: string, options: FileLockOptions = {}) {
    this.path = lockPath;
    this.#staleMs = positive("staleMs", options.staleMs ?? 10_000);
    this.#waitMs = positive("waitMs", options.waitMs ?? 60_000);
    this.#pollMs = positive("pollMs", options.pollMs ?? 2);
  }

  /** Runs `fn` holding the lock. `fn` gets `stillHeld()`: false once another process took the lock over. */
  async run<T>(fn: (stillHeld: () => boolean) => Promise<T>): Promise<T> {
    const owner = newOwner();
    await this.#acquire(owner);
    const touch = setInterval(() => {
      try {
        const now = new Date();
        utimesSync(this.path, now, now);
      } catch {
        // gone: the release or a takeover tells
      }
    }, Math.max(1, Math.floor(this.#staleMs / 3)));
    touch.unref();
    try {
      return await fn(() => readOwner(this.path)?.id === owner.id);
    } finally {
      clearInterval(touch);
      // Only our own: after a takeover the file belongs to someone else.
      if (readOwner(this.path)?.id === owner.id) rmSync(this.path, { force: true });
    }
  }

  /** Removes the lock file if its holder abandoned it (the same guarded takeover a waiter does). */
  clearIfAbandoned(): void {
    if (this.#isAbandoned(this.path)) this.#takeOver();
  }

  async #acquire(owner: Owner): Promise<void> {
    const giveUpAt = Date.now() + this.#waitMs;
    for (;;) {
      if (createExclusive(this.path, owner)) return;
      if (this.#isAbandoned(this.path)) this.#takeOver();
      else if (Date.now() >= giveUpAt) {
        throw new Error(`The lock ${this.path} is still held by another process after ${this.#waitMs} ms`);
      } else await sleep(this.#pollMs + Math.random() * this.#pollMs);
    }
  }

  /** Abandoned: its owner is a dead process on this host, or nobody touched it for staleMs. */
  #isAbandoned(path: string): boolean {
    if (isDeadOwner(readOwner(path))) return true;
    try {
      return Date.now() - statSync(path).mtimeMs > this.#staleMs;
    } catch {
      return false; // gone meanwhile: the next attempt to create it tells
    }
  }

  /** Removes an abandoned lock, under a takeover lock so that two waiters never both remove (one the other's new lock). */
  #takeOver(): void {
    const guard = `${this.path}.takeover`;
    if (!createExclusive(guard, newOwner())) {
      // A takeover lasts microseconds: one still there is left by a dead process.
      if (this.#isAbandoned(guard)) moveAside(guard);
      return;
    }
    try {
      if (this.#isAbandoned(this.path)) moveAside(this.path);
    } finally {
      rmSync(guard, { force: true });
    }
  }
}

/** Removes a lock file by renaming it first (atomic), so a reader never sees a half-removed one. */
function moveAside(path: string): void {
  const aside = `${path}.${randomUUID()}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else removed it
  }
  rmSync(aside, { force: true });
}

function createExclusive(path: string, owner: Owner): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new Error(`Creating the lock file ${path} failed (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  try {
    writeSync(fd, JSON.stringify(owner));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The owner written in a lock file; undefined when it is gone or still being written. */
function readOwner(path: string): Owner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, "utf8")) as Partial<Owner>;
    return typeof owner.host === "string" && typeof owner.pid === "number" && typeof owner.id === "string" ? (owner as Owner) : undefined;
  } catch {
    return undefined;
  }
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new TypeError(`FileLock: ${name} must be a positive number of ms, got ${String(value)}`);
  return value;
}
