import type { createRemoteJWKSet, JWTPayload } from "jose";
import { redactSecrets, safeCause } from "../errors/safe-cause.ts";
import { TokenVerificationError } from "./errors.ts";

/** What an EVE SSO access token says about its character. */
export interface EveTokenClaims {
  characterId: number;
  name: string;
  scopes: string[];
  /** Changes when the character is sold to another account: a new owner must log in again. */
  ownerHash: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** EVE SSO has issued both forms over the years. */
const ISSUERS = ["login.eveonline.com", "https://login.eveonline.com"];
const EVE_AUDIENCE = "EVE Online";

/** Reads EVE's claims: sub "CHARACTER:EVE:<id>" (older docs: "EVE:CHARACTER:<id>"), scp as a string or an array. */
export function eveClaims(payload: JWTPayload): EveTokenClaims {
  const match = /^(?:CHARACTER:EVE|EVE:CHARACTER):(\d+)$/.exec(String(payload.sub ?? ""));
  if (!match) throw new TokenVerificationError('its "sub" is not a character ("CHARACTER:EVE:<id>")');
  const scp = payload.scp;
  const scopes = typeof scp === "string" ? [scp] : Array.isArray(scp) ? scp.filter((s): s is string => typeof s === "string") : [];
  return {
    characterId: Number(match[1]),
    name: typeof payload.name === "string" ? payload.name : "",
    scopes,
    ownerHash: typeof payload.owner === "string" ? payload.owner : "",
    expiresAt: typeof payload.exp === "number" ? payload.exp * 1000 : 0,
  };
}

/** The claims of a token without checking its signature: for bookkeeping of tokens SSO just handed us, never for trust. */
export function readUnverifiedClaims(accessToken: string): EveTokenClaims | undefined {
  try {
    // The payload segment, base64url JSON (what jose's decodeJwt reads, without loading jose for it).
    const payload = JSON.parse(Buffer.from(accessToken.split(".")[1] ?? "", "base64url").toString("utf8")) as unknown;
    return payload && typeof payload === "object" ? eveClaims(payload as JWTPayload) : undefined;
  } catch {
    return undefined;
  }
}

export interface TokenVerifierOptions {
  clientId: string;
  /** Where the JWKS lives (from SSO's metadata). */
  jwksUri: () => Promise<string>;
  userAgent: string;
  /** Clock skew allowed on exp, seconds. Default 10. */
  clockSkewSeconds?: number;
  /** How long keys are kept before they are fetched again, ms. Default 10 minutes. */
  jwksCacheMs?: number;
  /** After a fetch, a token with an unknown kid waits this long before it can cause another (flood guard), ms. Default 5 s. */
  jwksCooldownMs?: number;
  now?: () => number;
}

/**
 * Verifies EVE SSO access tokens with jose against SSO's JWKS. The key set is cached for minutes and fetched
 * again when a token names a kid it does not hold (jose's remote key set, with a cool-down against floods).
 */
export function createTokenVerifier(options: TokenVerifierOptions): (accessToken: string) => Promise<EveTokenClaims> {
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  // jose is loaded on the first verification: an app that never verifies a token never loads it.
  const keySet = () =>
    (keys ??= Promise.all([options.jwksUri(), import("jose")]).then(([uri, { createRemoteJWKSet }]) =>
      createRemoteJWKSet(new URL(uri), {
        cacheMaxAge: options.jwksCacheMs ?? 10 * 60_000,
        cooldownDuration: options.jwksCooldownMs ?? 5_000,
        timeoutDuration: 10_000,
        headers: { "User-Agent": options.userAgent },
      }),
    ).catch((error: unknown) => {
      keys = undefined;
      throw error;
    }));

  return async (accessToken: string) => {
    if (typeof accessToken !== "string" || accessToken.split(".").length !== 3) throw new TokenVerificationError("it is not a JWT");
    const jose = await import("jose");
    try {
      const { payload } = await jose.jwtVerify(accessToken, await keySet(), {
        algorithms: ["RS256"],
        issuer: ISSUERS,
        audience: options.clientId,
        clockTolerance: options.clockSkewSeconds ?? 10,
        requiredClaims: ["exp", "sub"],
        currentDate: options.now ? new Date(options.now()) : undefined,
      });
      const audience = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (!audience.includes(EVE_AUDIENCE)) throw new TokenVerificationError(`its audience does not include "${EVE_AUDIENCE}"`);
      return eveClaims(payload);
    } catch (error) {
      throw toVerificationError(error, accessToken, jose.errors);
    }
  };
}

/** The cause is scrubbed: jose's claim errors carry the token's payload. */
function toVerificationError(error: unknown, accessToken: string, joseErrors: typeof import("jose").errors): TokenVerificationError {
  if (error instanceof TokenVerificationError) return error;
  const options = { cause: safeCause(error, [accessToken]) };
  if (error instanceof joseErrors.JWTExpired) return new TokenVerificationError("it has expired", options);
  if (error instanceof joseErrors.JWTClaimValidationFailed) return new TokenVerificationError(`its "${error.claim}" claim is wrong (${error.reason})`, options);
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return new TokenVerificationError("its signature does not match EVE SSO's key", options);
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return new TokenVerificationError("it is not signed with RS256", options);
  if (error instanceof joseErrors.JWKSNoMatchingKey) return new TokenVerificationError("EVE SSO's key set has no key for it", options);
  const reason = redactSecrets(error instanceof Error ? `${error.name}: ${error.message}` : "", [accessToken]);
  if (error instanceof joseErrors.JOSEError) return new TokenVerificationError(`${error.code}: ${redactSecrets(error.message, [accessToken])}`, options);
  if (error instanceof Error) return new TokenVerificationError(`the check could not run (${reason})`, options);
  return new TokenVerificationError("the check could not run");
}
