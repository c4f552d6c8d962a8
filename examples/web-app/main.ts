/**
 * Runs the example against real EVE SSO and ESI (or whatever ESIKIT_SSO_URL / ESIKIT_ESI_URL point at):
 *   ESIKIT_CLIENT_ID=... [ESIKIT_CLIENT_SECRET=...] npx tsx examples/web-app/main.ts
 * Register http://127.0.0.1:3000/callback (or CALLBACK_URL) with your application.
 */
import { serve } from "@hono/node-server";
import Database from "better-sqlite3";
import { createWebApp } from "./app.ts";

const port = Number(process.env.PORT ?? 3000);
const clientId = process.env.ESIKIT_CLIENT_ID;
if (!clientId) {
  console.error("Set ESIKIT_CLIENT_ID (and ESIKIT_CLIENT_SECRET unless the application is PKCE-only): https://developers.eveonline.com");
  process.exit(2);
}
const { app } = createWebApp({
  db: new Database(process.env.DATABASE ?? "web-app.db"),
  clientId,
  clientSecret: process.env.ESIKIT_CLIENT_SECRET,
  callbackUrl: process.env.CALLBACK_URL ?? `http://127.0.0.1:${port}/callback`,
  userAgent: process.env.ESIKIT_USER_AGENT ?? "esikit-web-app-example/0.1",
  esiUrl: process.env.ESIKIT_ESI_URL,
  ssoUrl: process.env.ESIKIT_SSO_URL,
});
// overrideGlobalObjects: false keeps Node's own Request: ky (under esikit) refuses hono's lightweight one.
serve({ fetch: app.fetch, port, hostname: "127.0.0.1", overrideGlobalObjects: false }, (info) => console.log(`esikit example: http://127.0.0.1:${info.port}/`));
