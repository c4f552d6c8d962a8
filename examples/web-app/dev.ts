/**
 * The example against esikit's fakes, no EVE account needed: npx tsx examples/web-app/dev.ts
 * Starts a fake EVE SSO (logs in "Jita Trader" without asking), a fake ESI (the real spec, ESI's headers, only
 * tokens the fake SSO issued and that have not expired), and the app on PORT (default 3000), its database in
 * DATABASE (default: in memory, gone when it stops).
 */
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import Database from "better-sqlite3";
import { startFakeEsi } from "../../src/testing/fake-esi/index.ts";
import { startFakeSso } from "../../src/testing/fake-sso/index.ts";
import { createWebApp } from "./app.ts";

const port = Number(process.env.PORT ?? 3000);
const callbackUrl = `http://127.0.0.1:${port}/callback`;
const spec = process.env.ESIKIT_SPEC ?? fileURLToPath(new URL("../../../shared/esi-spec/openapi.json", import.meta.url));

const sso = await startFakeSso({
  clients: [{ clientId: "esikit-example", clientSecret: "example-secret", callbackUrl }],
  character: { characterId: 90000001, name: "Jita Trader" },
});
const esi = await startFakeEsi({
  spec,
  // A page that says who logged in reads better than generated names.
  routes: {
    GetCharactersDetail: { body: { name: "Jita Trader", corporation_id: 1000125, birthday: "2015-03-24T11:37:00Z", bloodline_id: 1, gender: "female", race_id: 1 } },
    GetCharactersCharacterIdWallet: { body: 1234567.89 },
    GetUniverseSystemsSystemId: { body: { system_id: 30000142, name: "Jita", constellation_id: 20000020, position: { x: 0, y: 0, z: 0 }, security_status: 0.9459 } },
  },
  auth: {
    validate(token) {
      const issued = sso.inspectAccessToken(token);
      return issued && !issued.expired && !issued.revoked ? { characterId: issued.characterId } : false;
    },
  },
});
const database = process.env.DATABASE ?? ":memory:";
const { app } = createWebApp({
  db: new Database(database),
  clientId: "esikit-example",
  clientSecret: "example-secret",
  callbackUrl,
  userAgent: "esikit-web-app-example/0.1 (dev)",
  esiUrl: esi.url,
  ssoUrl: sso.url,
});
// overrideGlobalObjects: false keeps Node's own Request: ky (under esikit) refuses hono's lightweight one.
serve({ fetch: app.fetch, port, hostname: "127.0.0.1", overrideGlobalObjects: false }, () => {
  console.log(`fake SSO ${sso.url}, fake ESI ${esi.url}, database ${database}`);
  console.log(`esikit example: http://127.0.0.1:${port}/`);
});
