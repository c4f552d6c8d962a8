import type { TokenSet, TokenStore } from "./types.ts";

/**
 * Tokens in this process's memory: gone when it exits. Copies go in and out, so callers cannot change what is kept.
 * Several Sso instances of one process may share it: withLock and compareAndSet keep their rotations in order.
 */
export class MemoryTokenStore implements TokenStore {
  readonly #sets = new Map<string, TokenSet>();
  readonly #locks = new Map<string, Promise<unknown>>();

  get(key: string): TokenSet | undefined {
    const tokens = this.#sets.get(key);
    return tokens && structuredClone(tokens);
  }

  set(key: string, tokens: TokenSet): void {
    this.#sets.set(key, structuredClone(tokens));
  }

  delete(key: string): void {
    this.#sets.delete(key);
  }

  keys(): string[] {
    return [...this.#sets.keys()];
  }

  /** Goes through get and set, so a subclass that wraps them (a slow or failing store in a test) still sees the write. */
  async compareAndSet(key: string, expected: string | undefined, tokens: TokenSet): Promise<boolean> {
    if ((await this.get(key))?.refreshToken !== expected) return false;
    await this.set(key, tokens);
    return true;
  }

  /** One holder per key at a time, within this process. */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.#locks.get(key) ?? Promise.resolve()).then(() => fn());
    const tail = run.catch(() => undefined);
    this.#locks.set(key, tail);
    void tail.then(() => {
      if (this.#locks.get(key) === tail) this.#locks.delete(key);
    });
    return run;
  }
}
