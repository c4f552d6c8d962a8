import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import Database from "better-sqlite3";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebApp } from "../../examples/web-app/app.ts";
import { SqliteTokenStore } from "../../src/stores/sqlite-token-store.ts";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { startFakeSso, type FakeSso } from "../../src/testing/fake-sso/index.ts";
import { SPEC_PATH } from "../fake-esi/spec-path.ts";

const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`web-app browser test skipped: ${CHROMIUM} is absent (apt-get install -y chromium)`);

let sso: FakeSso;
let esi: FakeEsi;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let port: number;
let dataDir: string;
let dbFile: string;
let running: { server: ServerType; db: Database.Database } | undefined;

/** Starts the app as a fresh process would: a new database connection, SSO, ESI client and cache; same port and file. */
async function startApp() {
  const db = new Database(dbFile);
  const { app } = createWebApp({
    db,
    clientId: "web-app",
    clientSecret: "web-secret",
    callbackUrl: `http://127.0.0.1:${port}/callback`,
    userAgent: "esikit-web-app-test/1.0",
    esiUrl: esi.url,
    ssoUrl: sso.url,
  });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port, hostname: "127.0.0.1", overrideGlobalObjects: false }, () => resolve(s));
  });
  running = { server, db };
}

async function stopApp() {
  if (!running) return;
  const { server, db } = running;
  running = undefined;
  await new Promise<void>((resolve) => {
    (server as import("node:http").Server).closeAllConnections?.();
    server.close(() => resolve());
  });
  db.close();
}

describe.skipIf(!HAVE_CHROMIUM)("example web app in headless Chromium", () => {
  beforeAll(async () => {
    port = await freePort();
    dataDir = mkdtempSync(join(tmpdir(), "esikit-web-app-"));
    dbFile = join(dataDir, "app.db");
    sso = await startFakeSso({ clients: [{ clientId: "web-app", clientSecret: "web-secret", callbackUrl: `http://127.0.0.1:${port}/callback` }], character: { characterId: 90000001, name: "Jita Trader" } });
    esi = await startFakeEsi({
      spec: SPEC_PATH,
      routes: {
        GetCharactersDetail: { body: { name: "Jita Trader", corporation_id: 1000125, birthday: "2015-03-24T11:37:00Z", bloodline_id: 1, gender: "female", race_id: 1 } },
        GetCharactersCharacterIdWallet: { body: 1234567.89 },
        GetUniverseSystemsSystemId: { body: { system_id: 30000142, name: "Jita", constellation_id: 20000020, position: { x: 0, y: 0, z: 0 }, security_status: 0.9459 } },
      },
      // Only tokens the fake SSO issued and that have not expired: an expired one gets 401.
      auth: { validate: (token) => { const t = sso.inspectAccessToken(token); return t && !t.expired && !t.revoked ? { characterId: t.characterId } : false; } },
    });
    await startApp();
    // Playwright's own profile folder for each context, removed when the browser closes.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    context = await browser.newContext();
    page = await context.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stopApp();
    await esi?.close();
    await sso?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("click 'Log in with EVE Online', come back logged in, see the name, wallet and location", async () => {
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.click("text=Log in with EVE Online");
    await page.waitForSelector("#wallet");
    expect(await page.textContent("#name")).toBe("Jita Trader");
    expect(await page.textContent("#wallet")).toBe("1,234,567.89 ISK");
    expect(await page.textContent("#location")).toBe("Jita");
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === "esikit_session")).toMatchObject({ httpOnly: true, sameSite: "Lax" });
    expect(sso.counters.codeGrants).toBe(1);
  });

  it("a reload within ESI's cache time is served from esikit's cache", async () => {
    const walletCalls = esi.stats.byOperation.GetCharactersCharacterIdWallet;
    await page.reload();
    expect(await page.textContent("#wallet")).toBe("1,234,567.89 ISK");
    expect(await page.textContent("small")).toBe("(from cache)");
    expect(esi.stats.byOperation.GetCharactersCharacterIdWallet).toBe(walletCalls);
  });

  it("after a server restart the player is still logged in: session and tokens come from SQLite", async () => {
    await stopApp();
    await startApp();
    await page.reload();
    expect(await page.textContent("#wallet")).toBe("1,234,567.89 ISK");
    expect(sso.counters.codeGrants).toBe(1);
    expect(sso.counters.refreshGrants).toBe(0);
  });

  it("an expired access token is refreshed behind the page, and the rotated refresh token is saved", async () => {
    await stopApp();
    const store = new SqliteTokenStore(dbFile);
    const tokens = store.get("90000001")!;
    store.set("90000001", { ...tokens, expiresAt: Date.now() - 60_000 });
    store.close();
    await startApp();
    await page.reload();
    expect(await page.textContent("#wallet")).toBe("1,234,567.89 ISK");
    expect(sso.counters.refreshGrants).toBe(1);
    const check = new SqliteTokenStore(dbFile);
    expect(check.get("90000001")!.refreshToken).toBe(sso.issuedRefreshTokens.at(-1));
    expect(check.get("90000001")!.expiresAt).toBeGreaterThan(Date.now());
    check.close();
  });

  it("log out ends the session and gives the tokens back", async () => {
    await page.click("#logout");
    await page.waitForSelector("#login");
    expect(sso.counters.revoke).toBe(1);
    expect(count("esikit_tokens")).toBe(0);
  });

  it("a callback URL made in another browser is refused: 400, nobody logged in, the code never traded (login CSRF)", async () => {
    sso.setLogin({ characterId: 90000666, name: "Attacker Alt" });
    const attacker = await browser.newContext();
    const forged = await callbackUrlMadeIn(attacker);
    expect((await attacker.cookies()).find((c) => c.name === "esikit_login")).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/callback" });
    const grants = sso.counters.codeGrants;

    const victim = await page.goto(forged);
    expect(victim!.status()).toBe(400);
    expect(await page.textContent("body")).toContain("This login was not started in this browser");
    expect(sso.counters.codeGrants).toBe(grants);
    expect((await context.cookies()).map((c) => c.name)).not.toContain("esikit_session");
    expect(count("sessions")).toBe(0);
    await attacker.close();
  });

  it("also when the victim's browser has a login of its own under way", async () => {
    const attacker = await browser.newContext();
    const forged = await callbackUrlMadeIn(attacker);
    await callbackUrlMadeIn(context);
    expect((await context.cookies()).map((c) => c.name)).toContain("esikit_login");
    const grants = sso.counters.codeGrants;

    expect((await page.goto(forged))!.status()).toBe(400);
    expect(sso.counters.codeGrants).toBe(grants);
    expect(count("sessions")).toBe(0);
    await attacker.close();
  });

  it("a callback in the browser that started its login logs in", async () => {
    sso.setLogin({ characterId: 90000001, name: "Jita Trader" });
    const own = await callbackUrlMadeIn(context);
    await page.goto(own);
    expect(await page.textContent("#name")).toBe("Jita Trader");
    expect(count("sessions")).toBe(1);
    // The pre-login cookie has done its job.
    expect((await context.cookies()).map((c) => c.name)).not.toContain("esikit_login");
  });
});

/**
 * Starts a login in a browser context (through its own HTTP client and cookie jar) and follows the redirects up to
 * where SSO sends it back: the callback URL, its code not yet traded.
 */
async function callbackUrlMadeIn(browserContext: BrowserContext): Promise<string> {
  let url = new URL(`http://127.0.0.1:${port}/login`);
  while (url.pathname !== "/callback") {
    const response = await browserContext.request.get(url.href, { maxRedirects: 0 });
    expect(response.status(), url.href).toBe(302);
    url = new URL(response.headers().location!, url);
  }
  return url.href;
}

function count(table: "sessions" | "esikit_tokens"): number {
  const db = new Database(dbFile, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
