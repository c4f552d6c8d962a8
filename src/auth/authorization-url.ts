import { codeChallengeS256, createCodeVerifier, createState } from "./pkce.ts";

export interface AuthorizationRequest {
  /** The scopes to ask for; joined with spaces. May be empty (a login that only identifies the character). */
  scopes: readonly string[];
  /** Ties the callback to this login; generated when not given. Keep it (with codeVerifier) until the callback. */
  state?: string;
  /** Use PKCE even with a client secret. Clients without a secret always use it. */
  pkce?: boolean;
}

export interface AuthorizationStart {
  /** Send the player's browser here. */
  url: string;
  state: string;
  /** Present with PKCE: hand it to exchangeCode with the code. */
  codeVerifier?: string;
}

/** The URL that starts a login at EVE SSO (authorization code grant, with PKCE S256 when asked or needed). */
export function buildAuthorizationUrl(
  endpoint: string,
  client: { clientId: string; callbackUrl: string; hasSecret: boolean },
  request: AuthorizationRequest,
): AuthorizationStart {
  if (!Array.isArray(request?.scopes)) throw new TypeError("authorizationUrl needs { scopes: string[] } (may be empty)");
  const bad = request.scopes.find((scope) => typeof scope !== "string" || scope === "" || /\s/.test(scope));
  if (bad !== undefined) throw new TypeError(`authorizationUrl: ${JSON.stringify(bad)} is not a scope`);
  if (request.state !== undefined && (typeof request.state !== "string" || request.state === "")) {
    throw new TypeError("authorizationUrl: state must be a non-empty string (or left out to have one generated)");
  }
  const state = request.state ?? createState();
  const url = new URL(endpoint);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("redirect_uri", client.callbackUrl);
  url.searchParams.set("client_id", client.clientId);
  url.searchParams.set("scope", request.scopes.join(" "));
  url.searchParams.set("state", state);
  if (request.pkce || !client.hasSecret) {
    const codeVerifier = createCodeVerifier();
    url.searchParams.set("code_challenge", codeChallengeS256(codeVerifier));
    url.searchParams.set("code_challenge_method", "S256");
    return { url: url.toString(), state, codeVerifier };
  }
  return { url: url.toString(), state };
}
