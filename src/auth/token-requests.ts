import { redactAndCut } from "../errors/safe-cause.ts";
import { InvalidGrantError, SsoError } from "./errors.ts";
import { readJson, toSsoError, type SsoHttp } from "./sso-http.ts";

/** What EVE SSO's token endpoint answers (and what refresh() returns). */
export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  /** Seconds. */
  expires_in: number;
  /** EVE SSO rotates it: always keep the newest. */
  refresh_token: string | undefined;
}

export interface ClientCredentials {
  clientId: string;
  /** Absent for PKCE-only clients (apps that cannot keep a secret). */
  clientSecret: string | undefined;
}

export type TokenGrant =
  | { grant_type: "refresh_token"; refresh_token: string }
  | { grant_type: "authorization_code"; code: string; code_verifier?: string };

/** How the app proves who it is: with a secret, HTTP Basic; without one (PKCE), client_id in the form body. */
function authenticateClient(client: ClientCredentials, body: URLSearchParams, headers: Record<string, string>): Record<string, string> {
  if (client.clientSecret === undefined) {
    body.set("client_id", client.clientId);
    return headers;
  }
  const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`, "utf8").toString("base64");
  return { ...headers, Authorization: `Basic ${basic}` };
}

/**
 * POSTs a form-encoded token request. With a secret: HTTP Basic. Without one: client_id in the body (PKCE).
 * invalid_grant becomes InvalidGrantError; ky never retries it (only 5xx and network errors).
 */
export async function requestToken(http: SsoHttp, endpoint: string, client: ClientCredentials, grant: TokenGrant, characterId?: number): Promise<TokenResponse> {
  const what = grant.grant_type === "refresh_token" ? "Refreshing the token" : "Exchanging the authorization code";
  const body = new URLSearchParams(grant as Record<string, string>);
  const headers = authenticateClient(client, body, { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" });
  const secrets = secretsOf(client, Object.values(grant));
  let response: Response;
  try {
    response = await http.post(endpoint, { body, headers });
  } catch (error) {
    throw toSsoError(error, what, characterId, secrets);
  }
  const json = (await readJson(response, what, characterId)) as Record<string, unknown> | null;
  if (!response.ok) throw oauthError(json, response.status, what, characterId, secrets);
  if (typeof json?.access_token !== "string" || json.access_token === "") {
    throw new SsoError(`${what} failed: EVE SSO's answer has no access_token`, { status: response.status, characterId });
  }
  const expiresIn = Number(json.expires_in);
  if (!Number.isFinite(expiresIn)) throw new SsoError(`${what} failed: EVE SSO's answer has no expires_in`, { status: response.status, characterId });
  const refresh = typeof json.refresh_token === "string" && json.refresh_token !== "" ? json.refresh_token : undefined;
  return { access_token: json.access_token, token_type: "Bearer", expires_in: expiresIn, refresh_token: refresh };
}

/** Revokes a token (RFC 7009). Revoking an unknown token is not an error there, so only failures to answer are. */
export async function revokeToken(
  http: SsoHttp,
  endpoint: string,
  client: ClientCredentials,
  token: { value: string; hint: "refresh_token" | "access_token" },
  characterId?: number,
): Promise<void> {
  const what = "Revoking the token";
  const body = new URLSearchParams({ token: token.value, token_type_hint: token.hint });
  const headers = authenticateClient(client, body, { "Content-Type": "application/x-www-form-urlencoded" });
  const secrets = secretsOf(client, [token.value]);
  let response: Response;
  try {
    response = await http.post(endpoint, { body, headers });
  } catch (error) {
    throw toSsoError(error, what, characterId, secrets);
  }
  if (!response.ok) {
    const json = (await readJson(response, what, characterId).catch(() => null)) as Record<string, unknown> | null;
    throw oauthError(json, response.status, what, characterId, secrets);
  }
  await response.body?.cancel();
}

/** Everything a token request carries that must never reach a message: the secret (and its Basic form), the grant's values. */
function secretsOf(client: ClientCredentials, values: readonly string[]): string[] {
  const secrets = values.filter((value) => value !== "refresh_token" && value !== "authorization_code");
  if (client.clientSecret !== undefined) {
    secrets.push(client.clientSecret, Buffer.from(`${client.clientId}:${client.clientSecret}`, "utf8").toString("base64"));
  }
  return secrets;
}

/**
 * Only the OAuth error code and a short, single-line description make it into the message, with every secret the
 * request carried redacted first and cut after (cutting first could leave a prefix of a secret behind).
 */
function oauthError(json: Record<string, unknown> | null, status: number, what: string, characterId: number | undefined, secrets: readonly string[]): SsoError {
  const rawCode = typeof json?.error === "string" ? redactAndCut(json.error, secrets, 64) : undefined;
  // An OAuth error code is a plain word: anything else (something echoed back) is not shown as one.
  const code = rawCode !== undefined && /^[a-z_]+$/i.test(rawCode) ? rawCode : undefined;
  const description = typeof json?.error_description === "string" ? redactAndCut(json.error_description.replace(/\s+/g, " "), secrets, 200) : undefined;
  if (code === "invalid_grant") return new InvalidGrantError({ status, characterId, description });
  const detail = [code, description].filter(Boolean).join(": ") || "no error code";
  return new SsoError(`${what} failed: EVE SSO answered ${status} (${detail})`, { status, code, characterId });
}
