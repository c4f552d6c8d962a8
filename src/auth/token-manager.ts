import { setTimeout as sleep } from "node:timers/promises";
import { safeCause } from "../errors/safe-cause.ts";
import { EsiEventEmitter, type EsiEvents } from "../events.ts";
import { asLiveAttempt, isAbandonedTag, newOwner, ownerTag } from "../stores/process-owner.ts";
import type { TokenSet, TokenStore } from "../stores/types.ts";
import { InvalidGrantError, NotLoggedInError, SsoError } from "./errors.ts";
import { readUnverifiedClaims } from "./jwt.ts";
import type { TokenResponse } from "./token-requests.ts";

/** The events about tokens (emitted per character) and their store. Payloads never hold a token. */
export type TokenEventName = "token-refreshed" | "token-revoked" | "token-refresh-failed" | "store-permissions-fixed";
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
  /**
   * How long another process's refresh may stay at EVE SSO before this one stops waiting for its outcome and
   * presents the same refresh token itself, ms. Should cover SSO's worst case (attempts x timeout + backoff).
   * Default 45 s. A holder known dead (a process of this host that no longer runs) is not waited for.
   */
  inFlightGraceMs?: number;
  /** How often a process waiting for another's refresh reads the store again, ms. Default 50. */
  inFlightPollMs?: number;
}

interface Entry {
  tokens: TokenSet;
  /** The one refresh in flight: every caller for this character waits on it. */
  refreshing?: Promise<TokenSet>;
  /** SSO refused this refresh token: fail fast until the store holds another set, or the app hands one over. */
  refusal?: { error: InvalidGrantError; refreshToken: string | undefined };
  /** The last write to the store. */
  saving?: Promise<boolean>;
  /** Set while the newest tokens are not known to be in the store; `replacing`: written only over that set. */
  unsaved?: { replacing: { refreshToken: string | undefined } | undefined };
}

/** What one round of the rotation rule came to. */
type Round = { tokens: TokenSet } | { waitFor: string; refreshToken: string } | { again: true };

/** What one refresh (all its rounds) keeps: the in-flight markers seen and since when, the token presented. */
interface RefreshState {
  seen: Map<string, number>;
  presented?: string;
  startAccessToken: string;
}

/** Rounds that found the store changed under them before giving up (each is a write by another process). */
const MAX_ROUNDS = 20;

/**
 * The token sets of every character one app holds, keyed by character id (or "default" before the character is
 * known). Refreshes are single-flight per character; a rotated refresh token reaches the store before the new
 * access token is handed out; events report refreshes, failures and revocations.
 *
 * The rotation rule, the same for every store (the refresh token is the fencing token): under the store's lock,
 * read the set again; if another process rotated it, use theirs; if another process has it at SSO right now (its
 * marker in the set), wait for that outcome; else mark it, refresh, and write the new set only if the stored
 * refresh token is still the one presented (compare-and-set); a lost compare-and-set means another process wrote
 * a newer set: use that. A refusal (invalid_grant) is remembered for the refused refresh token only: a newer set
 * in the store (a login by another process) lifts it.
 */
export class TokenManager {
  readonly events = new EsiEventEmitter();
  readonly marginSeconds: number;
  readonly #store: TokenStore | undefined;
  readonly #refresh: TokenManagerOptions["refresh"];
  readonly #now: () => number;
  readonly #graceMs: number;
  readonly #pollMs: number;
  readonly #entries = new Map<string, Entry>();
  #loading: Promise<void> | undefined;

  constructor(options: TokenManagerOptions) {
    this.#store = options.store;
    this.#refresh = options.refresh;
    this.#now = options.now ?? Date.now;
    this.marginSeconds = options.expiryMarginSeconds ?? 60;
    if (!(this.marginSeconds >= 0)) throw new TypeError(`expiryMarginSeconds must be 0 or more, got ${String(options.expiryMarginSeconds)}`);
    this.#graceMs = options.inFlightGraceMs ?? 45_000;
    if (!(this.#graceMs >= 0)) throw new TypeError(`inFlightGraceMs must be 0 or more ms, got ${String(options.inFlightGraceMs)}`);
    this.#pollMs = options.inFlightPollMs ?? 50;
    if (!(this.#pollMs > 0)) throw new TypeError(`inFlightPollMs must be more than 0 ms, got ${String(options.inFlightPollMs)}`);
    // The store's own events (a token file's mode fixed) reach the Sso's listeners.
    options.store?.events?.on("store-permissions-fixed", (payload) => this.events.emit("store-permissions-fixed", payload));
  }

  /** Reads the store's token sets once; sets already in memory win (they are newer). */
  load(): Promise<void> {
    const store = this.#store;
    if (!store) return Promise.resolve();
    this.#loading ??= (async () => {
      for (const key of await store.keys()) {
        if (this.#entries.has(key)) continue;
        const tokens = withoutMarker(await store.get(key));
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
    return this.#save(key, entry, undefined).then(() => undefined);
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
    if (entry.refusal) await this.#recheckRefusal(key, entry, entry.refusal);
    if (entry.saving) await entry.saving.catch(() => undefined);
    if (entry.unsaved) await this.#save(key, entry, entry.unsaved.replacing);
    const stale = options.rejected !== undefined ? entry.tokens.accessToken === options.rejected : false;
    if (!options.force && !stale && !this.isExpired(key)) return entry.tokens;
    entry.refreshing ??= this.#refreshEntry(key, entry, options).finally(() => {
      entry.refreshing = undefined;
    });
    return entry.refreshing;
  }

  /** A refused set stays refused only while the store holds nothing else: another process may have logged the character in. */
  async #recheckRefusal(key: string, entry: Entry, refusal: NonNullable<Entry["refusal"]>): Promise<void> {
    const stored = this.#store ? withoutMarker(await this.#store.get(key)) : undefined;
    if (!stored || stored.refreshToken === refusal.refreshToken || entry !== this.#entries.get(key)) throw refusal.error;
    entry.tokens = stored;
    entry.refusal = undefined;
  }

  async #refreshEntry(key: string, entry: Entry, options: { force?: boolean; rejected?: string }): Promise<TokenSet> {
    const state: RefreshState = { seen: new Map(), startAccessToken: entry.tokens.accessToken };
    try {
      for (let round = 0; ; round++) {
        const store = this.#store;
        const run = () => this.#round(key, entry, options, state);
        const outcome = await (store?.withLock ? store.withLock(key, run) : run());
        if ("tokens" in outcome) return outcome.tokens;
        if ("waitFor" in outcome) await this.#waitForOther(key, outcome.waitFor, outcome.refreshToken, state);
        else if (round >= MAX_ROUNDS) {
          throw new SsoError(`Refreshing the token of ${describe(key, entry.tokens.characterId)} failed: the token store kept changing under it (${MAX_ROUNDS} rounds)`, { characterId: entry.tokens.characterId });
        }
      }
    } catch (error) {
      const characterId = entry.tokens.characterId;
      if (error instanceof InvalidGrantError) entry.refusal = { error, refreshToken: state.presented };
      this.events.emit("token-refresh-failed", { characterId, error: error instanceof Error ? error.message : "refresh failed" });
      throw error;
    }
  }

  /** One round of the rotation rule, under the store's lock (see the class comment). */
  async #round(key: string, entry: Entry, options: { force?: boolean; rejected?: string }, state: RefreshState): Promise<Round> {
    const store = this.#store;
    const usable = (tokens: TokenSet) =>
      tokens.accessToken !== "" &&
      tokens.expiresAt - this.marginSeconds * 1000 > this.#now() &&
      tokens.accessToken !== options.rejected &&
      !(options.force && tokens.accessToken === state.startAccessToken);
    let stored: TokenSet | undefined;
    if (store) {
      stored = await store.get(key);
      const replaced = this.#entries.get(key);
      if (entry !== replaced && replaced) return { tokens: replaced.tokens }; // the app replaced the tokens meanwhile
      if (stored && (stored.refreshToken !== entry.tokens.refreshToken || stored.accessToken !== entry.tokens.accessToken)) {
        // Another process refreshed (or logged the character in): its set is the newest.
        entry.tokens = withoutMarker(stored)!;
        if (usable(entry.tokens)) return { tokens: entry.tokens };
      }
      const marker = stored?.presentedBy;
      if (marker !== undefined && stored?.refreshToken !== undefined && !isAbandonedTag(marker)) {
        // Another process has this refresh token at SSO: presenting it again would be refused once it rotated.
        const since = state.seen.get(marker) ?? this.#now();
        state.seen.set(marker, since);
        if (this.#now() - since < this.#graceMs) return { waitFor: marker, refreshToken: stored.refreshToken };
      }
    }
    const current = entry.tokens;
    const characterId = current.characterId;
    if (!current.refreshToken) {
      throw new NotLoggedInError(`The access token of ${describe(key, characterId)} has expired and there is no refresh token: log the character in again.`, characterId);
    }
    const presented = current.refreshToken;
    // What the store holds now (nothing: it lost the set, or never had it): every write below is over exactly that.
    const replacing = { refreshToken: stored?.refreshToken };
    const attempt = newOwner();
    let answer: TokenResponse | undefined;
    try {
      answer = await asLiveAttempt(attempt, async () => {
        if (stored && !(await this.#write(key, presented, { ...current, presentedBy: ownerTag(attempt) }, characterId))) return undefined;
        state.presented = presented;
        return this.#refresh(presented, characterId);
      });
    } catch (error) {
      if (stored && store) {
        // Lift our marker, so others need not wait for a refresh that is over. Best effort: the error matters more.
        await this.#write(key, presented, current, characterId).catch(() => false);
        if (error instanceof InvalidGrantError) {
          // Refused because another process rotated it meanwhile (we were paused past the lock)? Then theirs is the one.
          const after = withoutMarker(await store.get(key));
          if (after && after.refreshToken !== presented && entry === this.#entries.get(key)) {
            entry.tokens = after;
            return usable(after) ? { tokens: after } : { again: true };
          }
        }
      }
      throw error;
    }
    if (answer === undefined) return { again: true }; // the set changed before we could mark it
    const response = answer;
    const claims = readUnverifiedClaims(response.access_token);
    if (characterId !== undefined && claims && claims.characterId !== characterId) {
      throw new SsoError(`EVE SSO returned a token for character ${claims.characterId} when refreshing character ${characterId}`, { characterId });
    }
    const next: TokenSet = {
      accessToken: response.access_token,
      // "Always store the latest refresh token"; where SSO sent none, the old one stays valid.
      refreshToken: response.refresh_token ?? presented,
      expiresAt: this.#now() + response.expires_in * 1000,
      scopes: claims?.scopes ?? [],
      characterId: claims?.characterId ?? characterId,
      characterName: claims?.name ?? current.characterName,
      ownerHash: claims?.ownerHash ?? current.ownerHash,
    };
    if (entry !== this.#entries.get(key)) return { tokens: next }; // the app replaced the tokens meanwhile: theirs win
    entry.tokens = next;
    // Stored before anyone gets the new access token (a crash now cannot lose the rotated refresh token), and only
    // over the set it replaces: a process paused past its lock cannot overwrite a newer set.
    if (!(await this.#save(key, entry, replacing))) {
      // Another process wrote a newer set meanwhile (#save took it): use it.
      return usable(entry.tokens) ? { tokens: entry.tokens } : { again: true };
    }
    this.events.emit("token-refreshed", { characterId: next.characterId, scopes: next.scopes, expiresAt: next.expiresAt });
    return { tokens: next };
  }

  /**
   * Waits, outside the lock, until the other process's refresh shows in the store (new tokens, or its marker
   * gone), until its holder is known dead, or until the grace is over.
   */
  async #waitForOther(key: string, marker: string, refreshToken: string, state: RefreshState): Promise<void> {
    const store = this.#store!;
    const since = state.seen.get(marker) ?? this.#now();
    while (this.#now() - since < this.#graceMs && !isAbandonedTag(marker)) {
      await sleep(this.#pollMs);
      const stored = await store.get(key);
      if (!stored || stored.presentedBy !== marker || stored.refreshToken !== refreshToken) return;
    }
  }

  /** A compare-and-set on the refresh token; stores without one get a read-then-write. */
  async #write(key: string, expected: string | undefined, tokens: TokenSet, characterId: number | undefined): Promise<boolean> {
    const store = this.#store!;
    try {
      if (store.compareAndSet) return await store.compareAndSet(key, expected, tokens);
      if ((await store.get(key))?.refreshToken !== expected) return false;
      await store.set(key, tokens);
      return true;
    } catch (error) {
      throw this.#saveError(key, characterId, tokens, error);
    }
  }

  /**
   * Writes the entry's tokens: over anything (a login, updateToken), or with `replacing` only over the set they
   * replace (a rotation). Until a write succeeds the entry is marked unsaved and the next use tries again. A lost
   * compare-and-set answers false and leaves the winner's set in the entry.
   */
  async #save(key: string, entry: Entry, replacing: { refreshToken: string | undefined } | undefined): Promise<boolean> {
    const store = this.#store;
    if (!store) return true;
    const tokens = entry.tokens;
    entry.unsaved = { replacing };
    const write = (async () => {
      if (replacing) return this.#write(key, replacing.refreshToken, tokens, tokens.characterId);
      try {
        await store.set(key, tokens);
        return true;
      } catch (error) {
        throw this.#saveError(key, tokens.characterId, tokens, error);
      }
    })();
    entry.saving = write;
    write.then(
      () => {
        if (entry.tokens === tokens) entry.unsaved = undefined;
      },
      () => undefined, // reported to whoever awaits the write, and again on the next use
    );
    const kept = await write;
    if (!kept) {
      const winner = withoutMarker(await store.get(key));
      if (winner && entry.tokens === tokens) entry.tokens = winner;
    }
    return kept;
  }

  #saveError(key: string, characterId: number | undefined, tokens: TokenSet, error: unknown): SsoError {
    const secrets = [tokens.accessToken, tokens.refreshToken].filter((s): s is string => typeof s === "string");
    return new SsoError(`Saving the tokens of ${describe(key, characterId)} to the token store failed`, { characterId, cause: safeCause(error, secrets) });
  }

  /** Forgets a character's tokens here and in the store, and reports it. */
  async forget(key: string): Promise<void> {
    const characterId = this.#entries.get(key)?.tokens.characterId;
    this.#entries.delete(key);
    await this.#store?.delete(key);
    this.events.emit("token-revoked", { characterId });
  }
}

/** A set as the app may see it: without the rotation's in-flight marker. */
function withoutMarker(tokens: TokenSet | undefined): TokenSet | undefined {
  if (!tokens || tokens.presentedBy === undefined) return tokens;
  const { presentedBy: _marker, ...rest } = tokens;
  return rest;
}

function describe(key: string, characterId: number | undefined): string {
  if (characterId !== undefined) return `character ${characterId}`;
  return key === UNNAMED_KEY ? "the character" : `character ${key}`;
}
