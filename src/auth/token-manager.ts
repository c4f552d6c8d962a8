import { EsiEventEmitter, type EsiEvents } from "../events.ts";
import type { TokenSet, TokenStore } from "../stores/types.ts";
import { InvalidGrantError, NotLoggedInError, SsoError } from "./errors.ts";
import { readUnverifiedClaims } from "./jwt.ts";
import type { TokenResponse } from "./token-requests.ts";

/** The events about tokens, emitted per character. Payloads never hold a token. */
export type TokenEventName = "token-refreshed" | "token-revoked" | "token-refresh-failed";
export type TokenEvents = Pick<EsiEvents, TokenEventName>;

/** The key of a token set whose character is not known yet (the seed flow: a refresh token and nothing else). */
export const UNNAMED_KEY = "default";

/** Tokens as an app hands them over: SSO's own field names. */
export interface TokenInput {
  access_token?: string;
  /** Seconds from now; -1 (or 0) marks the access token as already expired. */
  expires_in?: number;
  refresh_token?: string;
}

export interface TokenManagerOptions {
  store?: TokenStore;
  /** Asks SSO for new tokens (grant_type=refresh_token). */
  refresh: (refreshToken: string, characterId: number | undefined) => Promise<TokenResponse>;
  /** A token expiring within this many seconds counts as expired, so it does not expire in flight. Default 60. */
  expiryMarginSeconds?: number;
  now?: () => number;
}

interface Entry {
  tokens: TokenSet;
  /** The one refresh in flight: every caller for this character waits on it. */
  refreshing?: Promise<TokenSet>;
  /** SSO refused the refresh token: fail fast until the character logs in again. */
  refusal?: InvalidGrantError;
  /** The last write to the store. */
  saving?: Promise<void>;
  /** True while the newest tokens are not known to be in the store. */
  unsaved?: boolean;
}

/**
 * The token sets of every character one app holds, keyed by character id (or "default" before the character is
 * known). Refreshes are single-flight per character; a rotated refresh token reaches the store before the new
 * access token is handed out; events report refreshes, failures and revocations.
 */
export class TokenManager {
  readonly events = new EsiEventEmitter();
  readonly marginSeconds: number;
  readonly #store: TokenStore | undefined;
  readonly #refresh: TokenManagerOptions["refresh"];
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  #loading: Promise<void> | undefined;

  constructor(options: TokenManagerOptions) {
    this.#store = options.store;
    this.#refresh = options.refresh;
    this.#now = options.now ?? Date.now;
    this.marginSeconds = options.expiryMarginSeconds ?? 60;
    if (!(this.marginSeconds >= 0)) throw new TypeError(`expiryMarginSeconds must be 0 or more, got ${String(options.expiryMarginSeconds)}`);
  }

  /** Reads the store's token sets once; sets already in memory win (they are newer). */
  load(): Promise<void> {
    const store = this.#store;
    if (!store) return Promise.resolve();
    this.#loading ??= (async () => {
      for (const key of await store.keys()) {
        if (this.#entries.has(key)) continue;
        const tokens = await store.get(key);
        if (tokens && !this.#entries.has(key)) this.#entries.set(key, { tokens });
      }
    })().catch((error: unknown) => {
      this.#loading = undefined;
      throw error;
    });
    return this.#loading;
  }

  /** The keys of the token sets held (after load()). */
  keys(): string[] {
    return [...this.#entries.keys()];
  }

  /** The character ids known, from the keys and from the tokens themselves. */
  characterIds(): number[] {
    const ids = new Set<number>();
    for (const [key, entry] of this.#entries) {
      const id = entry.tokens.characterId ?? (/^\d+$/.test(key) ? Number(key) : undefined);
      if (id !== undefined) ids.add(id);
    }
    return [...ids];
  }

  /**
   * Which token set serves a request: the character asked for; else the only set held; else the character of
   * the request's path (`character_id`). Anything else is a clear error rather than a guess.
   */
  resolve(characterId: number | undefined, pathCharacterId?: number): string {
    if (characterId !== undefined) {
      const key = this.#find(characterId);
      if (key !== undefined) return key;
      throw new NotLoggedInError(`No tokens for character ${characterId}: log it in (exchangeCode) or hand its tokens to updateToken(tokens, ${characterId}).`, characterId);
    }
    if (this.#entries.size === 1) return this.#entries.keys().next().value as string;
    if (this.#entries.size === 0) throw new NotLoggedInError("No tokens: log a character in (exchangeCode) or hand saved tokens to updateToken().");
    if (pathCharacterId !== undefined) {
      const key = this.#find(pathCharacterId);
      if (key !== undefined) return key;
    }
    throw new NotLoggedInError(`Tokens are held for ${this.#entries.size} characters and this request does not say which to use: call it on esi.as(characterId).`);
  }

  #find(characterId: number): string | undefined {
    if (this.#entries.has(String(characterId))) return String(characterId);
    for (const [key, entry] of this.#entries) if (entry.tokens.characterId === characterId) return key;
    // A set whose character is not known yet (a bare refresh token) may be the one: its refresh tells.
    const unnamed = this.#entries.get(UNNAMED_KEY);
    if (unnamed && unnamed.tokens.characterId === undefined && this.#entries.size === 1) return UNNAMED_KEY;
    return undefined;
  }

  /** The token set behind a key, as held now (no refresh). */
  peek(key: string): TokenSet | undefined {
    return this.#entries.get(key)?.tokens;
  }

  /**
   * Takes tokens from the app (saved ones, or a login's). The memory state changes at once; the returned
   * promise settles when the store has them.
   */
  update(input: TokenInput, characterId?: number): Promise<void> {
    if (input === null || typeof input !== "object") throw new TypeError("updateToken needs { access_token, expires_in, refresh_token }");
    const accessToken = input.access_token ?? "";
    if (typeof accessToken !== "string") throw new TypeError("updateToken: access_token must be a string");
    if (input.refresh_token !== undefined && (typeof input.refresh_token !== "string" || input.refresh_token === "")) {
      throw new TypeError("updateToken: refresh_token must be a non-empty string when given");
    }
    const expiresIn = input.expires_in ?? -1;
    if (typeof expiresIn !== "number" || Number.isNaN(expiresIn)) throw new TypeError("updateToken: expires_in must be a number of seconds");
    const claims = accessToken ? readUnverifiedClaims(accessToken) : undefined;
    const id = characterId ?? claims?.characterId;
    const key = id === undefined ? UNNAMED_KEY : (this.#find(id) ?? String(id));
    const previous = this.#entries.get(key)?.tokens;
    const sameCharacter = previous && (id === undefined || previous.characterId === undefined || previous.characterId === id);
    const tokens: TokenSet = {
      accessToken,
      refreshToken: input.refresh_token ?? (sameCharacter ? previous.refreshToken : undefined),
      expiresAt: accessToken ? this.#now() + expiresIn * 1000 : 0,
      scopes: claims?.scopes ?? [],
      characterId: id ?? (sameCharacter ? previous.characterId : undefined),
      characterName: claims?.name ?? (sameCharacter ? previous.characterName : undefined),
      ownerHash: claims?.ownerHash ?? (sameCharacter ? previous.ownerHash : undefined),
    };
    if (!tokens.accessToken && !tokens.refreshToken) throw new TypeError("updateToken needs an access_token or a refresh_token");
    // New tokens from the app lift an earlier refusal and win over any refresh in flight.
    const entry: Entry = { tokens };
    this.#entries.set(key, entry);
    return this.#persist(key, entry);
  }

  /** True when there is no usable access token, or it expires within the margin. */
  isExpired(key: string, marginSeconds = this.marginSeconds): boolean {
    const tokens = this.#entries.get(key)?.tokens;
    return !tokens?.accessToken || tokens.expiresAt - marginSeconds * 1000 <= this.#now();
  }

  /**
   * A token set fit to use: refreshed first when expired (or expiring within the margin), when `force` is set,
   * or when `rejected` (an access token ESI answered 401 to) is still the current one.
   */
  async fresh(key: string, options: { force?: boolean; rejected?: string } = {}): Promise<TokenSet> {
    const entry = this.#entries.get(key);
    if (!entry) throw new NotLoggedInError(`No tokens for ${key === UNNAMED_KEY ? "the unnamed character" : `character ${key}`}.`);
    if (entry.refusal) throw entry.refusal;
    if (entry.saving) await entry.saving.catch(() => undefined);
    if (entry.unsaved) await this.#persist(key, entry);
    const stale = options.rejected !== undefined ? entry.tokens.accessToken === options.rejected : false;
    if (!options.force && !stale && !this.isExpired(key)) return entry.tokens;
    entry.refreshing ??= this.#refreshEntry(key, entry).finally(() => {
      entry.refreshing = undefined;
    });
    return entry.refreshing;
  }

  async #refreshEntry(key: string, entry: Entry): Promise<TokenSet> {
    const run = () => this.#refreshNow(key, entry);
    try {
      return await (this.#store?.withLock ? this.#store.withLock(key, run) : run());
    } catch (error) {
      const characterId = entry.tokens.characterId;
      if (error instanceof InvalidGrantError) entry.refusal = error;
      this.events.emit("token-refresh-failed", { characterId, error: error instanceof Error ? error.message : "refresh failed" });
      throw error;
    }
  }

  async #refreshNow(key: string, entry: Entry): Promise<TokenSet> {
    let current = entry.tokens;
    // With a shared store another process may have refreshed already: its refresh token is the newest.
    if (this.#store?.withLock) {
      const stored = await this.#store.get(key);
      if (stored && stored.refreshToken && stored.refreshToken !== current.refreshToken) {
        current = stored;
        entry.tokens = stored;
        if (stored.accessToken && stored.expiresAt - this.marginSeconds * 1000 > this.#now()) return stored;
      }
    }
    const characterId = current.characterId;
    if (!current.refreshToken) {
      throw new NotLoggedInError(`The access token of ${describe(key, characterId)} has expired and there is no refresh token: log the character in again.`, characterId);
    }
    const response = await this.#refresh(current.refreshToken, characterId);
    const claims = readUnverifiedClaims(response.access_token);
    if (characterId !== undefined && claims && claims.characterId !== characterId) {
      throw new SsoError(`EVE SSO returned a token for character ${claims.characterId} when refreshing character ${characterId}`, { characterId });
    }
    const next: TokenSet = {
      accessToken: response.access_token,
      // "Always store the latest refresh token"; where SSO sent none, the old one stays valid.
      refreshToken: response.refresh_token ?? current.refreshToken,
      expiresAt: this.#now() + response.expires_in * 1000,
      scopes: claims?.scopes ?? [],
      characterId: claims?.characterId ?? characterId,
      characterName: claims?.name ?? current.characterName,
      ownerHash: claims?.ownerHash ?? current.ownerHash,
    };
    if (entry !== this.#entries.get(key)) return next; // the app replaced the tokens meanwhile: theirs win
    entry.tokens = next;
    // Persisted before anyone gets the new access token: a crash now cannot lose the rotated refresh token.
    await this.#persist(key, entry);
    this.events.emit("token-refreshed", { characterId: next.characterId, scopes: next.scopes, expiresAt: next.expiresAt });
    return next;
  }

  /** Writes the entry's tokens. Until a write succeeds the entry is marked unsaved and the next use tries again. */
  #persist(key: string, entry: Entry): Promise<void> {
    const store = this.#store;
    if (!store) return Promise.resolve();
    const tokens = entry.tokens;
    entry.unsaved = true;
    const write = (async () => {
      try {
        await store.set(key, tokens);
      } catch (error) {
        throw new SsoError(`Saving the tokens of ${describe(key, tokens.characterId)} to the token store failed`, { characterId: tokens.characterId, cause: error });
      }
    })();
    entry.saving = write;
    write.then(
      () => {
        if (entry.tokens === tokens) entry.unsaved = false;
      },
      () => undefined, // reported to whoever awaits the write, and again on the next use
    );
    return write;
  }

  /** Forgets a character's tokens here and in the store, and reports it. */
  async forget(key: string): Promise<void> {
    const characterId = this.#entries.get(key)?.tokens.characterId;
    this.#entries.delete(key);
    await this.#store?.delete(key);
    this.events.emit("token-revoked", { characterId });
  }
}

function describe(key: string, characterId: number | undefined): string {
  if (characterId !== undefined) return `character ${characterId}`;
  return key === UNNAMED_KEY ? "the character" : `character ${key}`;
}
