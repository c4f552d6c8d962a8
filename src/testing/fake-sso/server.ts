import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, type CryptoKey, type JWTPayload } from "jose";
import type { FailureKnob, FakeCharacter, FakeSsoClient, FakeSsoCounters, FakeSsoEndpoint, FakeSsoOptions, FakeTokenResponse, IssuedAccessToken } from "./options.ts";
import { createSigningKey, type SigningKey } from "./signing-key.ts";

export const DEFAULT_FAKE_CLIENT: Required<Pick<FakeSsoClient, "clientId" | "clientSecret">> = {
  clientId: "esikit-test-client",
  clientSecret: "esikit-test-secret",
};

interface Grant {
  character: Required<FakeCharacter>;
  scopes: string[];
  clientId: string;
  revoked: boolean;
}

interface PendingCode {
  grant: Grant;
  redirectUri: string;
  challenge: string | undefined;
  expiresAt: number;
}

export interface IssueOptions extends FakeCharacter {
  scopes?: string[];
  clientId?: string;
  /** Seconds until the access token expires; negative for one already expired. Default: the fake's TTL. */
  expiresIn?: number;
}

export interface FakeSso {
  /** The base URL: hand it to createSso({ ssoBaseUrl }). */
  readonly url: string;
  close(): Promise<void>;
  /** Tokens for a character as if it had logged in just now (recorded like any other issue). */
  issueTokens(options: IssueOptions): Promise<FakeTokenResponse>;
  /** Signs any claims as an access token (for verification tests); defaults are a valid token's. */
  signAccessToken(claims?: JWTPayload, options?: { key?: CryptoKey | Uint8Array; alg?: string; kid?: string }): Promise<string>;
  /** Changes what happens to refresh tokens on refresh (see FakeSsoOptions.rotation). */
  setRotation(mode: NonNullable<FakeSsoOptions["rotation"]>): void;
  /** Who the authorize endpoint logs in next. */
  setLogin(character: FakeCharacter): void;
  /** Serve failures on demand. */
  fail(knob: FailureKnob): void;
  /** Refuses a refresh token from now on (as a player revoking the app would). */
  revoke(refreshToken: string): void;
  /**
   * What the fake knows of a refresh token it issued: whose it is, and whether a refresh with it would be
   * accepted now (not rotated away under "revoke", not revoked). Undefined for one it never issued.
   */
  inspectRefreshToken(refreshToken: string): { characterId: number; usable: boolean } | undefined;
  /** What the fake knows of an access token it issued; undefined for one it never issued. */
  inspectAccessToken(accessToken: string): IssuedAccessToken | undefined;
  /** Starts signing with a new key (the old one leaves the JWKS). */
  rotateSigningKey(): Promise<void>;
  readonly counters: Readonly<FakeSsoCounters>;
  /** Every refresh token issued, oldest first. */
  readonly issuedRefreshTokens: readonly string[];
  /** Every access token issued, oldest first (a secret scan looks for each). */
  readonly issuedAccessTokens: readonly string[];
  /** The fake's clock (its issued tokens' iat and exp). Advance it to expire tokens without waiting. */
  readonly clock: { now(): number; advance(seconds: number): void };
  readonly signingKey: SigningKey;
  readonly clients: readonly FakeSsoClient[];
}

/** A fake EVE SSO v2 on 127.0.0.1 (real HTTP, port 0): metadata, authorize, token, revoke, JWKS. */
export async function startFakeSso(options: FakeSsoOptions = {}): Promise<FakeSso> {
  const clients: FakeSsoClient[] = options.clients ?? [DEFAULT_FAKE_CLIENT];
  const ttl = options.accessTokenTtlSeconds ?? 1199;
  const issuer = options.issuer ?? "https://login.eveonline.com";
  let rotation = options.rotation ?? "keep";
  const known = new Map<number, Required<FakeCharacter>>();
  /** Fills in a character's name and owner hash, remembering them so later tokens for the same id agree. */
  const complete = (character: FakeCharacter): Required<FakeCharacter> => {
    const previous = known.get(character.characterId);
    const full = {
      characterId: character.characterId,
      name: character.name ?? previous?.name ?? `Pilot ${character.characterId}`,
      ownerHash: character.ownerHash ?? previous?.ownerHash ?? createHash("sha256").update(`owner:${character.characterId}`).digest("base64"),
    };
    known.set(full.characterId, full);
    return full;
  };
  let login = complete(options.character ?? { characterId: 90000001, name: "Fake Pilot" });
  let key = await createSigningKey();
  let offsetMs = 0;
  const now = () => Date.now() + offsetMs;

  const counters: FakeSsoCounters = { metadata: 0, authorize: 0, token: 0, refreshGrants: 0, refusedRefreshGrants: 0, codeGrants: 0, revoke: 0, jwks: 0 };
  const refreshGrants = new Map<string, Grant>();
  const accessTokens = new Map<string, { grant: Grant; expiresAt: number; revoked: boolean }>();
  const codes = new Map<string, PendingCode>();
  const issuedRefreshTokens: string[] = [];
  const issuedAccessTokens: string[] = [];
  /** Every refresh token issued, with its grant, kept after rotation (refreshGrants forgets rotated ones). */
  const everIssued = new Map<string, Grant>();
  const failures: Array<Required<Pick<FailureKnob, "mode">> & FailureKnob & { left: number }> = [];

  const sign = (claims: JWTPayload, signWith: { key?: CryptoKey | Uint8Array; alg?: string; kid?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: signWith.alg ?? "RS256", kid: signWith.kid ?? key.kid, typ: "JWT" })
      .sign(signWith.key ?? key.privateKey);

  const claimsFor = (grant: Grant, expiresAt: number): JWTPayload => ({
    scp: grant.scopes.length === 1 ? grant.scopes[0] : grant.scopes,
    jti: randomBytes(16).toString("hex"),
    kid: "JWT-Signature-Key",
    sub: `CHARACTER:EVE:${grant.character.characterId}`,
    azp: grant.clientId,
    tenant: "tranquility",
    tier: "live",
    region: "world",
    aud: [grant.clientId, "EVE Online"],
    name: grant.character.name,
    owner: grant.character.ownerHash,
    exp: Math.floor(expiresAt / 1000),
    iat: Math.floor(now() / 1000),
    iss: issuer,
  });

  const issue = async (grant: Grant, expiresIn = ttl, withRefreshToken = true): Promise<FakeTokenResponse> => {
    const expiresAt = now() + expiresIn * 1000;
    const accessToken = await sign(claimsFor(grant, expiresAt));
    const refreshToken = randomBytes(24).toString("base64url");
    accessTokens.set(accessToken, { grant, expiresAt, revoked: false });
    issuedAccessTokens.push(accessToken);
    if (withRefreshToken) {
      refreshGrants.set(refreshToken, grant);
      everIssued.set(refreshToken, grant);
      issuedRefreshTokens.push(refreshToken);
    }
    return { access_token: accessToken, token_type: "Bearer", expires_in: expiresIn, refresh_token: refreshToken };
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks).toString("utf8")).catch(() => {
        if (!res.headersSent) send(res, 500, { error: "server_error", error_description: "the fake failed" });
      });
    });
  });
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function handle(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const path = new URL(req.url ?? "/", url);
    const endpoint = endpointOf(req.method ?? "", path.pathname);
    if (!endpoint) return send(res, 404, { error: "not_found" });
    counters[endpoint === "token" ? "token" : endpoint]++;
    const knob = failures.find((f) => (f.endpoint ?? endpoint) === endpoint && f.left > 0);
    if (knob) {
      knob.left--;
      if (knob.mode === "slow") await new Promise((resolve) => setTimeout(resolve, knob.delayMs ?? 2000));
      else if (knob.mode === "500") return send(res, 500, { error: "server_error", error_description: "fake failure" });
      else if (knob.mode === "drop") return void req.socket.destroy();
      else if (knob.mode === "echo") {
        const form = new URLSearchParams(body);
        form.delete("grant_type");
        const authorization = req.headers.authorization ?? "";
        const sent = [...form.values(), authorization, Buffer.from(authorization.replace(/^Basic /, ""), "base64").toString("utf8")];
        // The secrets start 180 characters in: a message cut at 200 before its secrets are looked for keeps 20 of them.
        return send(res, 400, { error: "invalid_request", error_description: `${"The request could not be processed. ".repeat(6).slice(0, 170)} It said: ${sent.join(" ")}` });
      }
      else if (knob.mode === "html") {
        res.writeHead(knob.status ?? 200, { "Content-Type": "text/html; charset=utf-8" });
        return void res.end("<html><head><title>Service Unavailable</title></head><body><h1>Please wait</h1></body></html>");
      }
      if (res.destroyed) return;
    }
    switch (endpoint) {
      case "metadata":
        return send(res, 200, {
          issuer: url,
          authorization_endpoint: `${url}/v2/oauth/authorize`,
          token_endpoint: `${url}/v2/oauth/token`,
          response_types_supported: ["code", "token"],
          jwks_uri: `${url}/oauth/jwks`,
          revocation_endpoint: `${url}/v2/oauth/revoke`,
          revocation_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "client_secret_jwt"],
          token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "client_secret_jwt"],
          token_endpoint_auth_signing_alg_values_supported: ["HS256"],
          code_challenge_methods_supported: ["S256"],
        });
      case "jwks":
        return send(res, 200, { keys: [key.publicJwk], SkipUnresolvedJsonWebKeys: true });
      case "authorize":
        return authorize(path.searchParams, res);
      case "token":
        return token(req, new URLSearchParams(body), res);
      case "revoke":
        return revokeEndpoint(req, new URLSearchParams(body), res);
    }
  }

  function authorize(query: URLSearchParams, res: ServerResponse): void {
    const client = clients.find((c) => c.clientId === query.get("client_id"));
    const redirectUri = query.get("redirect_uri") ?? "";
    if (!client) return send(res, 400, { error: "invalid_client", error_description: "unknown client_id" });
    if (query.get("response_type") !== "code") return send(res, 400, { error: "unsupported_response_type" });
    if (client.callbackUrl && client.callbackUrl !== redirectUri) return send(res, 400, { error: "invalid_request", error_description: "redirect_uri does not match" });
    const method = query.get("code_challenge_method");
    if (query.has("code_challenge") && method !== "S256") return send(res, 400, { error: "invalid_request", error_description: "only S256" });
    const code = randomBytes(16).toString("base64url");
    const scopes = (query.get("scope") ?? "").split(" ").filter(Boolean);
    codes.set(code, { grant: { character: login, scopes, clientId: client.clientId, revoked: false }, redirectUri, challenge: query.get("code_challenge") ?? undefined, expiresAt: now() + 300_000 });
    const target = new URL(redirectUri);
    target.searchParams.set("code", code);
    const state = query.get("state");
    if (state !== null) target.searchParams.set("state", state);
    res.writeHead(302, { Location: target.toString() });
    res.end();
  }

  /** Basic with the secret, or (public clients) client_id in the body. */
  function authenticate(req: IncomingMessage, form: URLSearchParams): { client: FakeSsoClient; basic: boolean } | undefined {
    const header = req.headers.authorization;
    if (header?.startsWith("Basic ")) {
      const [id, ...rest] = Buffer.from(header.slice(6), "base64").toString("utf8").split(":");
      const client = clients.find((c) => c.clientId === id);
      if (!client?.clientSecret || !equal(client.clientSecret, rest.join(":"))) return undefined;
      return { client, basic: true };
    }
    const client = clients.find((c) => c.clientId === form.get("client_id"));
    return client ? { client, basic: false } : undefined;
  }

  async function token(req: IncomingMessage, form: URLSearchParams, res: ServerResponse): Promise<void> {
    if (req.method !== "POST" || !(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
      return send(res, 400, { error: "invalid_request", error_description: "a form-encoded POST is expected" });
    }
    const caller = authenticate(req, form);
    if (!caller) return send(res, 401, { error: "invalid_client", error_description: "Unknown client" });
    const grantType = form.get("grant_type");
    if (grantType === "refresh_token") {
      counters.refreshGrants++;
      const presented = form.get("refresh_token") ?? "";
      const grant = refreshGrants.get(presented);
      if (!caller.basic && caller.client.clientSecret) return send(res, 401, { error: "invalid_client", error_description: "this client must authenticate" });
      if (!grant || grant.revoked || grant.clientId !== caller.client.clientId) {
        counters.refusedRefreshGrants++;
        return send(res, 400, { error: "invalid_grant", error_description: "Invalid refresh token. Token missing/expired." });
      }
      if (rotation === "revoke") refreshGrants.delete(presented);
      // "none": like an SSO that does not rotate, the presented refresh token stays the one to use.
      const { refresh_token, ...answer } = await issue(grant, ttl, rotation !== "none");
      return send(res, 200, rotation === "none" ? answer : { ...answer, refresh_token });
    }
    if (grantType === "authorization_code") {
      counters.codeGrants++;
      const pending = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      if (!pending || pending.expiresAt < now() || pending.grant.clientId !== caller.client.clientId) {
        return send(res, 400, { error: "invalid_grant", error_description: "Authorization code is invalid or expired." });
      }
      const verifier = form.get("code_verifier");
      if (pending.challenge !== undefined) {
        if (!verifier || createHash("sha256").update(verifier).digest("base64url") !== pending.challenge) {
          return send(res, 400, { error: "invalid_grant", error_description: "code_verifier does not match the challenge" });
        }
      } else if (!caller.basic) {
        return send(res, 401, { error: "invalid_client", error_description: "a client without PKCE must authenticate with its secret" });
      }
      return send(res, 200, await issue(pending.grant));
    }
    return send(res, 400, { error: "unsupported_grant_type" });
  }

  function revokeEndpoint(req: IncomingMessage, form: URLSearchParams, res: ServerResponse): void {
    if (!authenticate(req, form)) return send(res, 401, { error: "invalid_client" });
    const value = form.get("token") ?? "";
    const grant = refreshGrants.get(value);
    if (grant) grant.revoked = true;
    const access = accessTokens.get(value);
    if (access) access.revoked = true;
    res.writeHead(200);
    res.end();
  }

  return {
    url,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async issueTokens(issueOptions) {
      const grant: Grant = {
        character: complete(issueOptions),
        scopes: [...(issueOptions.scopes ?? [])],
        clientId: issueOptions.clientId ?? clients[0]?.clientId ?? DEFAULT_FAKE_CLIENT.clientId,
        revoked: false,
      };
      return issue(grant, issueOptions.expiresIn);
    },
    signAccessToken(claims = {}, signWith = {}) {
      const grant: Grant = { character: login, scopes: [], clientId: clients[0]?.clientId ?? DEFAULT_FAKE_CLIENT.clientId, revoked: false };
      return sign({ ...claimsFor(grant, now() + ttl * 1000), ...claims }, signWith);
    },
    setRotation(mode) {
      rotation = mode;
    },
    setLogin(character) {
      login = complete(character);
    },
    fail(knob) {
      failures.push({ ...knob, left: knob.times ?? 1 });
    },
    revoke(refreshToken) {
      const grant = refreshGrants.get(refreshToken);
      if (grant) grant.revoked = true;
    },
    inspectRefreshToken(refreshToken) {
      const grant = everIssued.get(refreshToken);
      if (!grant) return undefined;
      const live = refreshGrants.get(refreshToken);
      return { characterId: grant.character.characterId, usable: live !== undefined && !live.revoked };
    },
    inspectAccessToken(accessToken) {
      const known = accessTokens.get(accessToken);
      if (!known) return undefined;
      return {
        characterId: known.grant.character.characterId,
        scopes: [...known.grant.scopes],
        clientId: known.grant.clientId,
        expiresAt: known.expiresAt,
        expired: known.expiresAt <= now(),
        revoked: known.revoked || known.grant.revoked,
      };
    },
    async rotateSigningKey() {
      key = await createSigningKey();
    },
    counters,
    issuedRefreshTokens,
    issuedAccessTokens,
    clock: {
      now,
      advance(seconds: number) {
        offsetMs += seconds * 1000;
      },
    },
    get signingKey() {
      return key;
    },
    clients,
  };
}

function endpointOf(method: string, pathname: string): FakeSsoEndpoint | undefined {
  if (method === "GET" && pathname === "/.well-known/oauth-authorization-server") return "metadata";
  if (method === "GET" && pathname === "/oauth/jwks") return "jwks";
  if (method === "GET" && pathname === "/v2/oauth/authorize") return "authorize";
  if (pathname === "/v2/oauth/token") return "token";
  if (method === "POST" && pathname === "/v2/oauth/revoke") return "revoke";
  return undefined;
}

function equal(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}
