import { createHash, randomBytes } from "node:crypto";

/** A PKCE verifier (RFC 7636): 32 random bytes give 43 base64url characters, the shortest allowed. */
export function createCodeVerifier(): string {
  return randomBytes(32).toString("base64url");
}

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** The S256 challenge: base64url(SHA-256(verifier)), without padding. */
export function codeChallengeS256(verifier: string): string {
  if (!VERIFIER.test(verifier)) {
    throw new TypeError(`A PKCE code verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (got ${verifier.length} characters)`);
  }
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

/** An unguessable OAuth state. */
export function createState(): string {
  return randomBytes(24).toString("base64url");
}
