import type { EsiEvents } from "../events.ts";
import type { TokenStore } from "../stores/types.ts";
import { buildAuthorizationUrl, type AuthorizationRequest, type AuthorizationStart } from "./authorization-url.ts";
import { NotLoggedInError, SsoError, StateMismatchError } from "./errors.ts";
import { createTokenVerifier, type EveTokenClaims } from "./jwt.ts";
import { createSsoHttp } from "./sso-http.ts";
import { createMetadataSource, DEFAULT_SSO_BASE_URL, type SsoMetadata } from "./sso-metadata.ts";
import { TokenManager, type TokenEventName, type TokenInput } from "./token-manager.ts";
import { requestToken, revokeToken, type ClientCredentials, type TokenResponse } from "./token-requests.ts";

export interface SsoOptions {
  /** The application's client id, from https://developers.eveonline.com. */
  clientId: string;
  /** Leave out for apps that cannot keep a secret (desktop, browser): they log in with PKCE. */
  clientSecret?: string;
  /** The callback URL registered with the application. */
  callbackUrl: string;
  /** Who is calling, with a contact, as for ESI. */
  userAgent: string;
  /** Default https://login.eveonline.com (override for tests: esikit/testing's fake SSO). */
  ssoBaseUrl?: string;
  /** Where token sets live. Default: memory only. Use a FileTokenStore (or your own) to keep them across restarts. */
  store?: TokenStore;
  /** A token expiring within this many seconds is refreshed before use. Default 60. */
  expiryMarginSeconds?: number;
  /** Clock skew allowed when verifying exp, seconds. Default 10. */
  clockSkewSeconds?: number;
  /** JWKS caching: keys are kept `cacheMs` (default 10 min); an unknown kid refetches at most once per `cooldownMs` (default 5 s). */
  jwks?: { cacheMs?: number; cooldownMs?: number };
  /** Per-attempt timeout of SSO calls, ms. Default 10 s. */
  timeoutMs?: number;
  /** Retries of SSO calls on 5xx and network errors. Default 2. */
  retryLimit?: number;
  fetch?: (input: Request) => Promise<Response>;
}

/** What exchangeCode needs besides the code: the callback's state and what authorizationUrl returned. */
export interface CodeExchange {
  /** The state the callback came back with. */
  state: string;
  /** The state authorizationUrl returned (keep it in the user's session). */
  expectedState: string;
  /** With PKCE: the codeVerifier authorizationUrl returned. */
  codeVerifier?: string;
}

export interface LoggedIn extends TokenResponse {
  characterId: number;
  characterName: string;
  scopes: string[];
}

/** The verified claims of an access token. */
export type VerifiedToken = EveTokenClaims;

/**
 * EVE SSO v2 for one application: logs characters in, holds a token set per character, refreshes and revokes
 * them, and verifies access tokens. Hand it to createEsiClient({ auth: sso }) and requests that need a scope
 * carry (and refresh) the right character's token.
 */
export class Sso {
  readonly clientId: string;
  readonly callbackUrl: string;
  /** The token sets, per character: used by the ESI client's auth plugin. */
  readonly tokens: TokenManager;
  readonly #credentials: ClientCredentials;
  readonly #http;
  readonly #metadata: () => Promise<SsoMetadata>;
  readonly #verify: (accessToken: string) => Promise<EveTokenClaims>;
  readonly #now: () => number;

  constructor(options: SsoOptions) {
    for (const field of ["clientId", "callbackUrl", "userAgent"] as const) {
      if (typeof options?.[field] !== "string" || options[field].trim() === "") throw new TypeError(`createSso needs ${field}`);
    }
    if (options.clientSecret !== undefined && (typeof options.clientSecret !== "string" || options.clientSecret === "")) {
      throw new TypeError("createSso: clientSecret must be a non-empty string, or left out for a PKCE client");
    }
    this.clientId = options.clientId;
    this.callbackUrl = options.callbackUrl;
    this.#credentials = { clientId: options.clientId, clientSecret: options.clientSecret };
    this.#now = Date.now;
    this.#http = createSsoHttp({ userAgent: options.userAgent, timeoutMs: options.timeoutMs, retryLimit: options.retryLimit, fetch: options.fetch });
    this.#metadata = createMetadataSource(this.#http, options.ssoBaseUrl ?? DEFAULT_SSO_BASE_URL);
    this.#verify = createTokenVerifier({
      clientId: options.clientId,
      jwksUri: async () => (await this.#metadata()).jwks_uri,
      userAgent: options.userAgent,
      clockSkewSeconds: options.clockSkewSeconds,
      jwksCacheMs: options.jwks?.cacheMs,
      jwksCooldownMs: options.jwks?.cooldownMs,
    });
    // Another process's refresh is waited for as long as SSO may take to answer it: every attempt timing out, plus backoff.
    const attempts = (options.retryLimit ?? 2) + 1;
    const inFlightGraceMs = attempts * (options.timeoutMs ?? 10_000) + (attempts - 1) * 2_000 + 5_000;
    this.tokens = new TokenManager({
      store: options.store,
      expiryMarginSeconds: options.expiryMarginSeconds,
      inFlightGraceMs,
      refresh: async (refreshToken, characterId) => {
        const { token_endpoint } = await this.#metadataFor(characterId);
        return requestToken(this.#http, token_endpoint, this.#credentials, { grant_type: "refresh_token", refresh_token: refreshToken }, characterId);
      },
    });
  }

  /** SSO's endpoints, fetched once. */
  metadata(): Promise<SsoMetadata> {
    return this.#metadata();
  }

  async #metadataFor(characterId: number | undefined): Promise<SsoMetadata> {
    try {
      return await this.#metadata();
    } catch (error) {
      if (error instanceof SsoError && characterId !== undefined && error.characterId === undefined) {
        throw new SsoError(error.message, { status: error.status, code: error.code, characterId, cause: error });
      }
      throw error;
    }
  }

  /** Where to send the player to log in. Keep the returned state (and codeVerifier) for exchangeCode. */
  async authorizationUrl(request: AuthorizationRequest): Promise<AuthorizationStart> {
    const { authorization_endpoint } = await this.#metadata();
    return buildAuthorizationUrl(authorization_endpoint, { clientId: this.clientId, callbackUrl: this.callbackUrl, hasSecret: this.#credentials.clientSecret !== undefined }, request);
  }

  /** Trades the callback's code for tokens, after checking its state; the tokens are kept under the character's id. */
  async exchangeCode(code: string, exchange: CodeExchange): Promise<LoggedIn> {
    if (typeof code !== "string" || code === "") throw new TypeError("exchangeCode needs the code of the SSO callback");
    if (typeof exchange?.expectedState !== "string" || exchange.expectedState === "") {
      throw new TypeError("exchangeCode needs expectedState: the state authorizationUrl returned");
    }
    if (exchange.state !== exchange.expectedState) throw new StateMismatchError();
    if (this.#credentials.clientSecret === undefined && !exchange.codeVerifier) {
      throw new TypeError("exchangeCode needs the codeVerifier authorizationUrl returned: a client without a secret logs in with PKCE");
    }
    const { token_endpoint } = await this.#metadata();
    const grant = exchange.codeVerifier
      ? { grant_type: "authorization_code" as const, code, code_verifier: exchange.codeVerifier }
      : { grant_type: "authorization_code" as const, code };
    const response = await requestToken(this.#http, token_endpoint, this.#credentials, grant);
    // A login's token is checked in full before it is trusted with a character.
    const claims = await this.#verify(response.access_token);
    await this.tokens.update(response, claims.characterId);
    return { ...response, characterId: claims.characterId, characterName: claims.name, scopes: claims.scopes };
  }

  /**
   * Takes saved tokens: `{ access_token: "", expires_in: -1, refresh_token }` leaves the character "expired,
   * refreshable". Resolves once the store holds them (the memory state changes at once).
   */
  updateToken(tokens: TokenInput, characterId?: number): Promise<void> {
    return this.tokens.update(tokens, characterId);
  }

  /** Refreshes now (grant_type=refresh_token) and returns SSO's answer; the rotated refresh token is stored first. */
  async refresh(characterId?: number): Promise<TokenResponse> {
    await this.tokens.load();
    const set = await this.tokens.fresh(this.tokens.resolve(characterId), { force: true });
    return this.#asResponse(set);
  }

  /** A usable access token for the character, refreshed first when it is expired or about to be. */
  async accessToken(characterId?: number): Promise<string> {
    await this.tokens.load();
    return (await this.tokens.fresh(this.tokens.resolve(characterId))).accessToken;
  }

  /** True when the access token is missing or expires within `marginSeconds` (default: the expiry margin). */
  isTokenExpired(marginSeconds?: number, characterId?: number): boolean {
    let key: string;
    try {
      key = this.tokens.resolve(characterId);
    } catch {
      return true;
    }
    return this.tokens.isExpired(key, marginSeconds);
  }

  /** Revokes the refresh token (or, without one, the access token) at SSO, then forgets the tokens here and in the store. */
  async revoke(characterId?: number): Promise<void> {
    await this.tokens.load();
    const key = this.tokens.resolve(characterId);
    const set = this.tokens.peek(key);
    const token = set?.refreshToken
      ? { value: set.refreshToken, hint: "refresh_token" as const }
      : set?.accessToken
        ? { value: set.accessToken, hint: "access_token" as const }
        : undefined;
    if (token) {
      const { revocation_endpoint } = await this.#metadataFor(set?.characterId);
      await revokeToken(this.#http, revocation_endpoint, this.#credentials, token, set?.characterId);
    }
    await this.tokens.forget(key);
  }

  /** Verifies an access token (default: the character's current one) and returns who it belongs to. */
  async verify(accessToken?: string, characterId?: number): Promise<VerifiedToken> {
    if (accessToken === undefined) {
      await this.tokens.load();
      const current = this.tokens.peek(this.tokens.resolve(characterId))?.accessToken;
      if (!current) throw new NotLoggedInError("There is no access token to verify: refresh first.", characterId);
      accessToken = current;
    }
    return this.#verify(accessToken);
  }

  /** The characters with token sets (after the store has been read). */
  async characters(): Promise<number[]> {
    await this.tokens.load();
    return this.tokens.characterIds();
  }

  /**
   * Listens for token-refreshed (EsiPy's AFTER_TOKEN_REFRESH), token-revoked, token-refresh-failed, and the
   * store's store-permissions-fixed.
   */
  on<E extends TokenEventName>(event: E, listener: (payload: EsiEvents[E]) => void): () => void {
    return this.tokens.events.on(event, listener);
  }

  #asResponse(set: { accessToken: string; refreshToken: string | undefined; expiresAt: number }): TokenResponse {
    return {
      access_token: set.accessToken,
      token_type: "Bearer",
      expires_in: Math.max(0, Math.round((set.expiresAt - this.#now()) / 1000)),
      refresh_token: set.refreshToken,
    };
  }
}

/** EVE SSO v2 for one application (see Sso). */
export function createSso(options: SsoOptions): Sso {
  return new Sso(options);
}
