/**
 * "Log in with EVE Online" on hono: a session cookie, tokens in SQLite through esikit's TokenStore interface,
 * and a page with the character's name, portrait, wallet and location. The ESI client caches every answer as
 * ESI's headers ask (esikit's cache plugin, on by default), so reloading the page within a minute costs no call.
 */
import { randomBytes } from "node:crypto";
import type Database from "better-sqlite3";
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { html, raw } from "hono/html";
// In an app: from "esikit" and "esikit/sqlite".
import { createEsiClient, createSso } from "../../src/index.ts";
import { SqliteTokenStore } from "../../src/stores/sqlite-token-store.ts";

export interface WebAppOptions {
  /** The app's database: sessions, pending logins and (through SqliteTokenStore) tokens. */
  db: Database.Database;
  clientId: string;
  /** Leave out for a PKCE-only application. */
  clientSecret?: string;
  /** This app's /callback, exactly as registered with the application. */
  callbackUrl: string;
  userAgent: string;
  esiUrl?: string;
  ssoUrl?: string;
  /** Send the cookie with Secure (behind https). Default false: the example runs on http://127.0.0.1. */
  secureCookie?: boolean;
}

export const SCOPES = ["esi-wallet.read_character_wallet.v1", "esi-location.read_location.v1"];
const SESSION_COOKIE = "esikit_session";
const LOGIN_COOKIE = "esikit_login";
const LOGIN_TTL_MS = 10 * 60_000;
const SESSION_TTL_MS = 30 * 24 * 3600_000;

export function createWebApp(options: WebAppOptions) {
  const { db } = options;
  db.exec(`
    CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, character_id INTEGER NOT NULL, expires_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS pending_logins (id TEXT PRIMARY KEY, state TEXT NOT NULL, code_verifier TEXT, expires_at INTEGER NOT NULL);
  `);
  const sso = createSso({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    callbackUrl: options.callbackUrl,
    userAgent: options.userAgent,
    ssoBaseUrl: options.ssoUrl,
    store: new SqliteTokenStore(db),
  });
  const esi = createEsiClient({ userAgent: options.userAgent, baseUrl: options.esiUrl, auth: sso });
  const app = new Hono();

  const sessionCharacter = (id: string | undefined): number | undefined => {
    if (!id) return undefined;
    const row = db.prepare("SELECT character_id FROM sessions WHERE id = ? AND expires_at > ?").get(id, Date.now()) as { character_id: number } | undefined;
    return row?.character_id;
  };

  app.get("/", async (c) => {
    const characterId = sessionCharacter(getCookie(c, SESSION_COOKIE));
    if (characterId === undefined || !(await sso.characters()).includes(characterId)) {
      return c.html(page("esikit example", html`<p>See your character's wallet and location.</p><p><a id="login" href="/login">Log in with EVE Online</a></p>`));
    }
    const me = esi.as(characterId);
    const [character, portrait, wallet, location] = await Promise.all([
      me.call("GetCharactersDetail", { character_id: characterId }),
      me.call("GetCharactersCharacterIdPortrait", { character_id: characterId }),
      me.op.GetCharactersCharacterIdWallet({ character_id: characterId }),
      me.call("GetCharactersCharacterIdLocation", { character_id: characterId }),
    ]);
    const system = await esi.call("GetUniverseSystemsSystemId", { system_id: location.solar_system_id });
    const balance = wallet.data ?? 0;
    const cache = esi.info(wallet.response)?.cache ?? "miss";
    return c.html(
      page(
        character.name,
        html`<img alt="portrait" width="128" height="128" src="${portrait.px128x128 ?? ""}">
          <h1 id="name">${character.name}</h1>
          <p>Wallet: <span id="wallet">${formatIsk(balance)}</span> <small>(${cache === "hit" ? "from cache" : "from ESI"})</small></p>
          <p>Location: <span id="location">${system.name}</span></p>
          <form method="post" action="/logout"><button id="logout">Log out</button></form>`,
      ),
    );
  });

  // A login comes back only to the browser that started it: a pre-login cookie, which no other browser has, names
  // the pending login and its state. Without it, anyone could send the player a callback URL of their own login
  // and have them logged in as the attacker's character (login CSRF).
  app.get("/login", async (c) => {
    const start = await sso.authorizationUrl({ scopes: SCOPES, pkce: true });
    const loginId = randomBytes(32).toString("base64url");
    db.prepare("DELETE FROM pending_logins WHERE expires_at < ?").run(Date.now());
    db.prepare("INSERT INTO pending_logins (id, state, code_verifier, expires_at) VALUES (?, ?, ?, ?)").run(loginId, start.state, start.codeVerifier ?? null, Date.now() + LOGIN_TTL_MS);
    // Lax: the cookie goes along on SSO's redirect back to /callback, a top-level GET.
    setCookie(c, LOGIN_COOKIE, loginId, { httpOnly: true, sameSite: "Lax", path: "/callback", secure: options.secureCookie ?? false, maxAge: LOGIN_TTL_MS / 1000 });
    return c.redirect(start.url);
  });

  app.get("/callback", async (c) => {
    const loginId = getCookie(c, LOGIN_COOKIE);
    deleteCookie(c, LOGIN_COOKIE, { path: "/callback" });
    // One try per login: the pending login is gone whatever happens next.
    const pending = db.prepare("DELETE FROM pending_logins WHERE id = ? AND expires_at > ? RETURNING state, code_verifier").get(loginId ?? "", Date.now()) as
      | { state: string; code_verifier: string | null }
      | undefined;
    const state = c.req.query("state");
    const code = c.req.query("code");
    if (!pending || !code || state !== pending.state) {
      return c.html(page("Login failed", html`<p>This login was not started in this browser, or it expired. <a href="/login">Try again</a>.</p>`), 400);
    }
    const loggedIn = await sso.exchangeCode(code, { state, expectedState: pending.state, codeVerifier: pending.code_verifier ?? undefined });
    const session = randomBytes(32).toString("base64url");
    db.prepare("INSERT INTO sessions (id, character_id, expires_at) VALUES (?, ?, ?)").run(session, loggedIn.characterId, Date.now() + SESSION_TTL_MS);
    setCookie(c, SESSION_COOKIE, session, { httpOnly: true, sameSite: "Lax", path: "/", secure: options.secureCookie ?? false, maxAge: SESSION_TTL_MS / 1000 });
    return c.redirect("/");
  });

  app.post("/logout", async (c) => {
    const id = getCookie(c, SESSION_COOKIE);
    const characterId = sessionCharacter(id);
    if (id) db.prepare("DELETE FROM sessions WHERE id = ?").run(id);
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    // Logging out also gives the tokens back: the app keeps nothing for a character who left.
    if (characterId !== undefined && (await sso.characters()).includes(characterId)) await sso.revoke(characterId);
    return c.redirect("/");
  });

  return { app, sso, esi };
}

function formatIsk(amount: number): string {
  return `${amount.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ISK`;
}

function page(title: string, body: ReturnType<typeof html>) {
  return html`<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>${raw("<style>body{font-family:sans-serif;margin:2rem}</style>")}</head><body>${body}</body></html>`;
}
