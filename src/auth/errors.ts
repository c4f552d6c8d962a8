/**
 * The errors of EVE SSO and of the auth middleware. Their messages name the character, the scope or the SSO
 * endpoint, and never carry a client secret, an access token or a refresh token: they are safe to log. A cause is
 * always scrubbed to name, code and a redacted message (safeCause): never a Request, headers or a body.
 */
import { safeCause } from "../errors/safe-cause.ts";


/** EVE SSO answered with an error, an unreadable body, or not at all. */
export class SsoError extends Error {
  /** The HTTP status, when SSO answered. */
  readonly status: number | undefined;
  /** The OAuth error code ("invalid_grant", "invalid_client", ...), when SSO sent one. */
  readonly code: string | undefined;
  readonly characterId: number | undefined;

  constructor(message: string, details: { status?: number; code?: string; characterId?: number; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: safeCause(details.cause) });
    this.name = "SsoError";
    this.status = details.status;
    this.code = details.code;
    this.characterId = details.characterId;
  }
}

/**
 * The refresh token was refused (revoked by the player, expired, or unknown). Retrying cannot help: the
 * character must log in again through EVE SSO.
 */
export class InvalidGrantError extends SsoError {
  constructor(details: { status?: number; characterId?: number; description?: string } = {}) {
    const who = details.characterId === undefined ? "the character" : `character ${details.characterId}`;
    const why = details.description ? ` (${details.description})` : "";
    super(`EVE SSO refused the refresh token of ${who} with invalid_grant${why}: it was revoked or is unknown. Log ${who} in again.`, {
      status: details.status,
      code: "invalid_grant",
      characterId: details.characterId,
    });
    this.name = "InvalidGrantError";
  }
}

/** The character's token does not carry a scope the operation needs: checked before anything is sent. */
export class MissingScopeError extends Error {
  readonly scopes: readonly string[];
  readonly operationId: string;
  readonly characterId: number | undefined;

  constructor(details: { scopes: readonly string[]; operationId: string; characterId: number | undefined }) {
    const who = details.characterId === undefined ? "the character's token" : `the token of character ${details.characterId}`;
    super(`${details.operationId} needs the scope ${details.scopes.join(", ")}, which ${who} lacks: log the character in again asking for it.`);
    this.name = "MissingScopeError";
    this.scopes = details.scopes;
    this.operationId = details.operationId;
    this.characterId = details.characterId;
  }
}

/** No token set can be used: nobody logged in, no refresh token, or the character cannot be told. */
export class NotLoggedInError extends Error {
  readonly characterId: number | undefined;

  constructor(message: string, characterId?: number) {
    super(message);
    this.name = "NotLoggedInError";
    this.characterId = characterId;
  }
}

/** The state of an authorization callback is not the one the login started with (a forged or stale callback). */
export class StateMismatchError extends Error {
  constructor() {
    super("The state of the SSO callback does not match the state the login started with: refusing the code (forged or stale callback).");
    this.name = "StateMismatchError";
  }
}

/** An access token failed verification: bad signature, wrong issuer or audience, expired, or a refused algorithm. */
export class TokenVerificationError extends Error {
  readonly reason: string;

  constructor(reason: string, options?: { cause?: unknown }) {
    super(`The access token failed verification: ${reason}`, options?.cause === undefined ? undefined : { cause: safeCause(options.cause) });
    this.name = "TokenVerificationError";
    this.reason = reason;
  }
}
