/**
 * EsiPy's "Using the refresh token", with esikit: a saved refresh token -> fresh tokens -> an authenticated call.
 *
 *   npx tsx examples/refresh-token.ts
 *     runs against a fake EVE SSO and a tiny ESI stand-in on 127.0.0.1 (started here; no network needed);
 *   ESI_CLIENT_ID=... ESI_SECRET_KEY=... ESI_CALLBACK_URL=... ESI_REFRESH_TOKEN=... npx tsx examples/refresh-token.ts
 *     runs against the real EVE SSO and ESI.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createEsiClient, createSso } from "../src/index.ts";
import { DEFAULT_FAKE_CLIENT, startFakeSso } from "../src/testing/fake-sso/index.ts";

const userAgent = "esikit-example/1.0 (you@example.com)";
const real = process.env.ESI_REFRESH_TOKEN !== undefined;
const local = real ? undefined : await startLocalWorld();

const sso = createSso({
  clientId: process.env.ESI_CLIENT_ID ?? DEFAULT_FAKE_CLIENT.clientId,
  clientSecret: process.env.ESI_SECRET_KEY ?? DEFAULT_FAKE_CLIENT.clientSecret,
  callbackUrl: process.env.ESI_CALLBACK_URL ?? "http://localhost:8080/callback",
  userAgent,
  ssoBaseUrl: local?.ssoUrl, // default: https://login.eveonline.com
});
sso.on("token-refreshed", ({ characterId, expiresAt }) => console.log(`event token-refreshed: character ${characterId}, until ${new Date(expiresAt).toISOString()}`));

// The refresh token you saved last time. The access token is unknown: "expired, refreshable".
await sso.updateToken({ access_token: "", expires_in: -1, refresh_token: process.env.ESI_REFRESH_TOKEN ?? local!.savedRefreshToken });
console.log("expired before refresh:", sso.isTokenExpired());

const tokens = await sso.refresh(); // { access_token, token_type: "Bearer", expires_in, refresh_token }
console.log(`refreshed: ${tokens.token_type}, expires in ${tokens.expires_in} s, refresh token rotated: ${tokens.refresh_token !== (process.env.ESI_REFRESH_TOKEN ?? local!.savedRefreshToken)}`);
// Save tokens.refresh_token now (or give createSso a FileTokenStore, which does it before the token is used).

const me = await sso.verify();
console.log(`verified: ${me.name} (${me.characterId}), scopes: ${me.scopes.join(" ")}`);

// Requests that need a scope carry the token, and refresh it themselves when it is about to expire.
const esi = createEsiClient({ userAgent, auth: sso, baseUrl: local?.esiUrl });
const balance = await esi.call("GetCharactersCharacterIdWallet", { character_id: me.characterId });
console.log(`wallet of ${me.name}: ${balance} ISK`);

await local?.close();

/** A fake EVE SSO and a small ESI stand-in that only answers a valid Bearer token from that SSO. */
async function startLocalWorld() {
  const fake = await startFakeSso({ character: { characterId: 2112625428, name: "CCP Zoetrope" } });
  const saved = await fake.issueTokens({ characterId: 2112625428, scopes: ["esi-wallet.read_character_wallet.v1"] });
  const esi = createServer((req, res) => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const token = bearer ? fake.inspectAccessToken(bearer) : undefined;
    const ok = token && !token.expired && req.url === `/characters/${token.characterId}/wallet`;
    res.writeHead(ok ? 200 : 401, { "Content-Type": "application/json" });
    res.end(ok ? "1234567.89" : JSON.stringify({ error: "authentication failure" }));
  });
  await new Promise<void>((resolve) => esi.listen(0, "127.0.0.1", resolve));
  return {
    ssoUrl: fake.url,
    esiUrl: `http://127.0.0.1:${(esi.address() as AddressInfo).port}`,
    savedRefreshToken: saved.refresh_token,
    async close() {
      esi.closeAllConnections();
      await new Promise<void>((resolve) => esi.close(() => resolve()));
      await fake.close();
    },
  };
}
