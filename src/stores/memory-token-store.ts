import type { TokenSet, TokenStore } from "./types.ts";

/** Tokens in this process's memory: gone when it exits. Copies go in and out, so callers cannot change what is kept. */
export class MemoryTokenStore implements TokenStore {
  readonly #sets = new Map<string, TokenSet>();

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
}
