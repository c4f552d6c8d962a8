/** A registered application. Without a secret it is a public client: it must log in with PKCE. */
export interface FakeSsoClient {
  clientId: string;
  clientSecret?: string;
  /** When given, authorize refuses any other redirect_uri. */
  callbackUrl?: string;
}

/** A character the fake logs in or issues tokens for. */
export interface FakeCharacter {
  characterId: number;
  name?: string;
  /** Default: derived from the character id. */
  ownerHash?: string;
}

export interface FakeSsoOptions {
  /** Default: one client, "esikit-test-client" with secret "esikit-test-secret". */
  clients?: FakeSsoClient[];
  /** Who the authorize endpoint logs in. Default character 90000001 "Fake Pilot". */
  character?: FakeCharacter;
  /** Lifetime of access tokens, seconds. Default 1199, as EVE SSO. */
  accessTokenTtlSeconds?: number;
  /** The "iss" of issued tokens. Default "https://login.eveonline.com" (what real tokens carry). */
  issuer?: string;
  /**
   * What happens to a refresh token once it has been rotated: "keep" leaves it valid (EVE SSO's lenient
   * behaviour), "revoke" refuses it from then on with invalid_grant, "none" answers refreshes without a new
   * refresh token (the presented one stays in use). Default "keep".
   */
  rotation?: "keep" | "revoke" | "none";
}

export type FakeSsoEndpoint = "metadata" | "authorize" | "token" | "revoke" | "jwks";

/** A failure to serve on demand. */
export interface FailureKnob {
  /** Default: any endpoint. */
  endpoint?: FakeSsoEndpoint;
  /**
   * "500": a 500 with a JSON error; "slow": answer after delayMs (then normally); "html": an HTML page instead of
   * JSON; "drop": close the connection; "echo": a 400 whose error_description repeats, after 180 characters of
   * text, everything the request sent (its form values and Authorization header): a careless SSO or proxy.
   */
  mode: "500" | "slow" | "html" | "drop" | "echo";
  /** How many requests fail this way. Default 1. */
  times?: number;
  /** For "slow". Default 2000 ms. */
  delayMs?: number;
  /** For "html". Default 200 (a captive portal or a misrouted proxy). */
  status?: number;
}

/** Calls served, by endpoint and grant. */
export interface FakeSsoCounters {
  metadata: number;
  authorize: number;
  /** Every POST to the token endpoint, whatever came of it. */
  token: number;
  refreshGrants: number;
  /** Refresh grants refused with invalid_grant (an unknown, revoked or already rotated refresh token). */
  refusedRefreshGrants: number;
  codeGrants: number;
  revoke: number;
  jwks: number;
}

/** What the fake knows of an access token it issued (for a stand-in ESI deciding on 401). */
export interface IssuedAccessToken {
  characterId: number;
  scopes: string[];
  clientId: string;
  expiresAt: number;
  expired: boolean;
  revoked: boolean;
}

/** SSO's token answer. */
export interface FakeTokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token: string;
}
