import { describe, expect, it } from "vitest";
import { buildAuthorizationUrl } from "../../src/auth/authorization-url.ts";
import { codeChallengeS256, createCodeVerifier } from "../../src/auth/pkce.ts";

describe("PKCE", () => {
  it("computes RFC 7636's S256 challenge for its example verifier", () => {
    expect(codeChallengeS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });

  it("makes verifiers of 43 to 128 unreserved characters, different every time", () => {
    const a = createCodeVerifier();
    expect(a).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
    expect(createCodeVerifier()).not.toBe(a);
  });

  it("refuses a verifier that is too short or too long, saying what is allowed", () => {
    expect(() => codeChallengeS256("short")).toThrow(/43 to 128 characters/);
    expect(() => codeChallengeS256("a".repeat(129))).toThrow(/43 to 128/);
  });
});

describe("the authorization URL", () => {
  const endpoint = "https://login.eveonline.com/v2/oauth/authorize";
  const client = { clientId: "abc", callbackUrl: "http://localhost:8080/callback", hasSecret: true };

  it("asks for a code with the scopes joined by spaces, the callback and a generated state", () => {
    const start = buildAuthorizationUrl(endpoint, client, { scopes: ["esi-wallet.read_character_wallet.v1", "esi-skills.read_skills.v1"] });
    const url = new URL(start.url);
    expect(url.origin + url.pathname).toBe(endpoint);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: "code",
      redirect_uri: "http://localhost:8080/callback",
      client_id: "abc",
      scope: "esi-wallet.read_character_wallet.v1 esi-skills.read_skills.v1",
      state: start.state,
    });
    expect(start.codeVerifier).toBeUndefined();
    expect(buildAuthorizationUrl(endpoint, client, { scopes: [] }).state).not.toBe(start.state);
  });

  it("uses PKCE for a client without a secret, or when asked; the challenge is the verifier's", () => {
    for (const start of [buildAuthorizationUrl(endpoint, { ...client, hasSecret: false }, { scopes: [] }), buildAuthorizationUrl(endpoint, client, { scopes: [], pkce: true })]) {
      const url = new URL(start.url);
      expect(url.searchParams.get("code_challenge_method")).toBe("S256");
      expect(url.searchParams.get("code_challenge")).toBe(codeChallengeS256(start.codeVerifier!));
    }
  });

  it("refuses scopes that are not scopes and an empty state", () => {
    expect(() => buildAuthorizationUrl(endpoint, client, { scopes: ["a b"] })).toThrow(/"a b" is not a scope/);
    expect(() => buildAuthorizationUrl(endpoint, client, { scopes: [], state: "" })).toThrow(/state must be a non-empty string/);
    expect(() => buildAuthorizationUrl(endpoint, client, {} as never)).toThrow(/scopes/);
  });
});
