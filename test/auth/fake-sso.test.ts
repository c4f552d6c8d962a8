import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_FAKE_CLIENT, startFakeSso, type FakeSso } from "../../src/testing/fake-sso/index.ts";

let fake: FakeSso;
beforeAll(async () => (fake = await startFakeSso()));
afterAll(() => fake.close());

const basic = `Basic ${Buffer.from(`${DEFAULT_FAKE_CLIENT.clientId}:${DEFAULT_FAKE_CLIENT.clientSecret}`).toString("base64")}`;
const tokenRequest = (form: Record<string, string>, authorization?: string) =>
  fetch(`${fake.url}/v2/oauth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...(authorization ? { Authorization: authorization } : {}) },
    body: new URLSearchParams(form),
  });

describe("the fake EVE SSO (esikit/testing)", () => {
  it("publishes EVE's metadata and an RS256 key set", async () => {
    const metadata = (await (await fetch(`${fake.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, string>;
    expect(metadata).toMatchObject({ token_endpoint: `${fake.url}/v2/oauth/token`, jwks_uri: `${fake.url}/oauth/jwks`, revocation_endpoint: `${fake.url}/v2/oauth/revoke` });
    const jwks = (await (await fetch(metadata.jwks_uri!)).json()) as { keys: Array<Record<string, string>> };
    expect(jwks.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", kid: fake.signingKey.kid });
    expect(jwks.keys[0]).not.toHaveProperty("d"); // never the private part
  });

  it("rotates refresh tokens, records them in order, and refuses unknown ones and wrong secrets", async () => {
    const first = await fake.issueTokens({ characterId: 1, scopes: ["a"] });
    const refreshed = await tokenRequest({ grant_type: "refresh_token", refresh_token: first.refresh_token }, basic);
    const body = (await refreshed.json()) as { refresh_token: string; token_type: string };
    expect(body.token_type).toBe("Bearer");
    expect(fake.issuedRefreshTokens.slice(-2)).toEqual([first.refresh_token, body.refresh_token]);
    expect(await (await tokenRequest({ grant_type: "refresh_token", refresh_token: "nope" }, basic)).json()).toMatchObject({ error: "invalid_grant" });
    const wrong = `Basic ${Buffer.from(`${DEFAULT_FAKE_CLIENT.clientId}:wrong`).toString("base64")}`;
    expect((await tokenRequest({ grant_type: "refresh_token", refresh_token: body.refresh_token }, wrong)).status).toBe(401);
    expect((await tokenRequest({ grant_type: "refresh_token", refresh_token: body.refresh_token })).status).toBe(401); // a confidential client must use Basic
  });

  it("fails on demand: a 500, an HTML page, a slow answer; and counts every call", async () => {
    const before = fake.counters.metadata;
    fake.fail({ endpoint: "metadata", mode: "500" });
    fake.fail({ endpoint: "metadata", mode: "html", status: 503 });
    fake.fail({ endpoint: "metadata", mode: "slow", delayMs: 150 });
    expect((await fetch(`${fake.url}/.well-known/oauth-authorization-server`)).status).toBe(500);
    const html = await fetch(`${fake.url}/.well-known/oauth-authorization-server`);
    expect([html.status, html.headers.get("content-type")]).toEqual([503, "text/html; charset=utf-8"]);
    const started = Date.now();
    expect((await fetch(`${fake.url}/.well-known/oauth-authorization-server`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(fake.counters.metadata - before).toBe(3);
  });

  it("tells a stand-in ESI what it knows of an access token, and its clock expires tokens", async () => {
    const issued = await fake.issueTokens({ characterId: 7, scopes: ["x"] });
    expect(fake.inspectAccessToken(issued.access_token)).toMatchObject({ characterId: 7, scopes: ["x"], expired: false, revoked: false });
    fake.clock.advance(1200);
    expect(fake.inspectAccessToken(issued.access_token)?.expired).toBe(true);
    fake.clock.advance(-1200);
    expect(fake.inspectAccessToken("never-issued")).toBeUndefined();
  });
});
