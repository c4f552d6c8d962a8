import { generateKeyPair, exportSPKI, SignJWT, base64url } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenVerificationError, type Sso } from "../../src/index.ts";
import { DEFAULT_FAKE_CLIENT, startFakeSso, type FakeSso } from "../../src/testing/fake-sso/index.ts";
import { ssoFor } from "./setup.ts";

let fake: FakeSso;
let sso: Sso;
beforeAll(async () => {
  fake = await startFakeSso({ character: { characterId: 95465499, name: "CCP Bartender" } });
  sso = ssoFor(fake);
});
afterAll(() => fake.close());

const rejects = async (token: string, reason: RegExp) => {
  const error = await sso.verify(token).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TokenVerificationError);
  expect((error as Error).message).toMatch(reason);
};

describe("verify(accessToken)", () => {
  it("accepts a token EVE SSO signed and reads its character, name, scopes, owner and expiry", async () => {
    const issued = await fake.issueTokens({ characterId: 95465499, scopes: ["esi-skills.read_skills.v1", "esi-wallet.read_character_wallet.v1"] });
    const claims = await sso.verify(issued.access_token);
    expect(claims).toMatchObject({
      characterId: 95465499,
      name: "CCP Bartender",
      scopes: ["esi-skills.read_skills.v1", "esi-wallet.read_character_wallet.v1"],
    });
    expect(claims.ownerHash.length).toBeGreaterThan(10);
    expect(Math.abs(claims.expiresAt - (Date.now() + 1199_000))).toBeLessThan(5_000);
  });

  it("reads a single scope given as a string, the older sub form, and the bare issuer", async () => {
    const claims = await sso.verify(await fake.signAccessToken({ scp: "esi-skills.read_skills.v1", sub: "EVE:CHARACTER:95465499", iss: "login.eveonline.com" }));
    expect(claims).toMatchObject({ characterId: 95465499, scopes: ["esi-skills.read_skills.v1"] });
  });

  it("rejects a bad signature", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    await rejects(await fake.signAccessToken({}, { key: privateKey }), /signature/);
  });

  it("rejects a wrong issuer", async () => {
    await rejects(await fake.signAccessToken({ iss: "https://login.evil.example" }), /"iss"/);
  });

  it("rejects a wrong audience: another client's, or one without \"EVE Online\"", async () => {
    await rejects(await fake.signAccessToken({ aud: ["someone-else", "EVE Online"] }), /"aud"/);
    await rejects(await fake.signAccessToken({ aud: DEFAULT_FAKE_CLIENT.clientId }), /EVE Online/);
  });

  it("rejects an expired token (beyond the small clock skew)", async () => {
    await rejects(await fake.signAccessToken({ exp: Math.floor(Date.now() / 1000) - 60 }), /expired/);
    // Within the skew it still passes.
    await expect(sso.verify(await fake.signAccessToken({ exp: Math.floor(Date.now() / 1000) - 2 }))).resolves.toBeTruthy();
  });

  it('rejects alg "none"', async () => {
    const valid = await fake.signAccessToken();
    const [, payload] = valid.split(".");
    const header = base64url.encode(JSON.stringify({ alg: "none", typ: "JWT", kid: fake.signingKey.kid }));
    await rejects(`${header}.${payload}.`, /RS256|not a JWT|JWS/);
  });

  it("rejects an HS256 token signed with the public key (the algorithm confusion attack)", async () => {
    const pem = new TextEncoder().encode(await exportSPKI(fake.signingKey.publicKey));
    const forged = await new SignJWT({ sub: "CHARACTER:EVE:95465499", aud: [DEFAULT_FAKE_CLIENT.clientId, "EVE Online"], iss: "https://login.eveonline.com", scp: ["esi-wallet.read_character_wallet.v1"] })
      .setProtectedHeader({ alg: "HS256", kid: fake.signingKey.kid })
      .setExpirationTime("10m")
      .sign(pem);
    await rejects(forged, /RS256/);
  });

  it("rejects a token of no character and a string that is not a JWT", async () => {
    await rejects(await fake.signAccessToken({ sub: "CORPORATION:EVE:1" }), /"sub"/);
    await rejects("not-a-token", /not a JWT/);
  });

  it("fetches the key set again when SSO starts signing with a new key, and not on every call", async () => {
    const sso = ssoFor(fake, { jwks: { cooldownMs: 0 } });
    await sso.verify(await fake.signAccessToken());
    const before = fake.counters.jwks;
    await sso.verify(await fake.signAccessToken());
    expect(fake.counters.jwks).toBe(before); // cached
    await fake.rotateSigningKey();
    await expect(sso.verify(await fake.signAccessToken())).resolves.toMatchObject({ characterId: 95465499 });
    expect(fake.counters.jwks).toBe(before + 1);
  });
});
