import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import type { TokenSet, TokenStore } from "./types.ts";

interface TokenFile {
  version: 1;
  tokens: Record<string, TokenSet>;
}

/**
 * Tokens in one JSON file, readable by its owner only (mode 0600). Every write goes to a temporary file that is
 * fsynced and then renamed over the old one, and the directory is fsynced: a crash at any moment leaves either
 * the old file or the new one, never a torn or empty one. Writes within a process are serialised; the file is
 * read again on every get, so several processes see each other's refreshes (without a cross-process lock).
 */
export class FileTokenStore implements TokenStore {
  readonly path: string;
  #queue: Promise<unknown> = Promise.resolve();
  #swept = false;

  constructor(path: string) {
    if (typeof path !== "string" || path === "") throw new TypeError("FileTokenStore needs the path of its file");
    this.path = path;
  }

  async get(key: string): Promise<TokenSet | undefined> {
    return (await this.#read()).tokens[key];
  }

  async keys(): Promise<string[]> {
    return Object.keys((await this.#read()).tokens);
  }

  set(key: string, tokens: TokenSet): Promise<void> {
    return this.#change((file) => {
      file.tokens[key] = tokens;
    });
  }

  delete(key: string): Promise<void> {
    return this.#change((file) => {
      delete file.tokens[key];
    });
  }

  /** Read, change, write: one at a time within this process. */
  #change(edit: (file: TokenFile) => void): Promise<void> {
    const run = this.#queue.then(async () => {
      const file = await this.#read();
      edit(file);
      await this.#write(file);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #read(): Promise<TokenFile> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, tokens: {} };
      throw new Error(`Reading the token file ${this.path} failed (${(error as NodeJS.ErrnoException).code ?? "error"})`, { cause: error });
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

  async #write(file: TokenFile): Promise<void> {
    const dir = dirname(this.path);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (!this.#swept) {
      this.#swept = true;
      await removeOrphanedTempFiles(this.path);
    }
    const temp = `${this.path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(JSON.stringify(file), "utf8");
      await handle.sync();
    } catch (error) {
      await handle.close();
      await rm(temp, { force: true });
      throw error;
    }
    await handle.close();
    try {
      await rename(temp, this.path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    await syncDirectory(dir);
  }
}

/** A process killed mid-write leaves its temporary file: removed once the process that wrote it is gone. */
async function removeOrphanedTempFiles(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length))?.[1]);
    if (!name.startsWith(prefix) || !Number.isSafeInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    await rm(join(dirname(path), name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Makes the rename itself durable. Some platforms (Windows) cannot open a directory: there it is skipped. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close();
  }
}
