import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from "jose";
import { randomBytes } from "node:crypto";

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

/** An RS256 key pair, as EVE SSO signs with, under a fresh kid. */
export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = `JWT-Signature-Key-${randomBytes(4).toString("hex")}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  return { kid, privateKey, publicKey, publicJwk };
}
