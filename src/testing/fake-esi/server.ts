import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { cursorListKey, cursorWindow, pageBody, plainBody } from "./bodies.ts";
import { ErrorWindow } from "./error-window.ts";
import type { FakeEsiOptions, FakeEsiSettings, FakeEsiStats, FakeReply, FakeRequest, FakeRequestLogEntry, RouteKnobs } from "./options.ts";
import { hashString, seededRandom } from "./random.ts";
import { RateBuckets, tokenCost } from "./rate-buckets.ts";
import { sampleFromSchema, deref } from "./sample.ts";
import type { Generation } from "../../generation.ts";
import { loadSpec, readOperations, type SpecOperation } from "./spec-routes.ts";

export interface FakeEsi {
  /** Base URL, e.g. http://127.0.0.1:41234 (pass it as the client's baseUrl). */
  readonly url: string;
  /** The operations the fake serves, from the spec. */
  readonly operations: readonly SpecOperation[];
  /** Every request, oldest first (Authorization left out). */
  readonly requests: readonly FakeRequestLogEntry[];
  readonly stats: FakeEsiStats;
  /** Changes knobs while running (merged into the current ones; `routes` merge per operation). */
  set(settings: Partial<FakeEsiSettings>): void;
  /** Sets (or with undefined, clears) one operation's knobs. */
  route(operationId: string, knobs: RouteKnobs | undefined): void;
  /** The data of an operation changed: new body, new ETag, new Last-Modified. */
  touch(operationId: string): void;
  /** Adds records to a cursor route (newest last); they show up after its `after` cursors. */
  addCursorRecords(operationId: string, count: number): void;
  /** A record of a cursor route changed: it moves to the newest end, as ESI lists records by last change. */
  modifyCursorRecord(operationId: string, index: number): void;
  /** Back to the options given at start: knobs, counters, log, budgets, error window, data versions. */
  reset(): void;
  close(): Promise<void>;
}

const FAULT_TEXT: Record<number, string> = { 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout" };

/**
 * A fake ESI on 127.0.0.1 driven by an OpenAPI spec: every operation answers with a body valid against its
 * schema and the headers ESI sends (cache, error limit, rate limit, paging), with knobs for the failures an app
 * must survive. For tests: it is not a model of ESI's data.
 */
export async function startFakeEsi(options: FakeEsiOptions = {}): Promise<FakeEsi> {
  const spec = loadSpec(options.spec ?? (await specOfGeneration(options.generation)));
  const operations = readOperations(spec);
  const byId = new Map(operations.map((op) => [op.operationId, op]));
  // Candidates by method and path depth: a request tries a handful of templates, not all of them.
  const routesBySegments = new Map<string, SpecOperation[]>();
  for (const op of operations) {
    const key = `${op.method} ${segmentCount(op.path)}`;
    routesBySegments.set(key, [...(routesBySegments.get(key) ?? []), op]);
  }
  const initial: FakeEsiSettings = { ...options, routes: { ...options.routes } };
  delete (initial as Partial<FakeEsiOptions>).spec;
  delete (initial as Partial<FakeEsiOptions>).generation;

  let settings: FakeEsiSettings = structuredCloneSettings(initial);
  let random = seededRandom(settings.seed ?? 1);
  const errorWindow = new ErrorWindow(100, 60_000);
  const buckets = new RateBuckets();
  let requests: FakeRequestLogEntry[] = [];
  let stats = emptyStats();
  let versions = new Map<string, { version: number; modified: number }>();
  // Per cursor route: record seeds in change order, and each one's change sequence.
  let cursorRecords = new Map<string, CursorRecord[]>();
  let sequence = 0;
  const started = Math.floor(Date.now() / 1000) * 1000;

  const applyErrorLimit = () => {
    errorWindow.limit = settings.errorLimit?.limit ?? 100;
    errorWindow.windowMs = (settings.errorLimit?.windowSeconds ?? 60) * 1000;
  };
  applyErrorLimit();

  const versionOf = (id: string) => {
    let v = versions.get(id);
    if (!v) versions.set(id, (v = { version: 0, modified: started }));
    return v;
  };
  const recordsOf = (op: SpecOperation, knobs: RouteKnobs | undefined) => {
    let list = cursorRecords.get(op.operationId);
    if (!list) {
      const count = knobs?.cursorRecords ?? settings.cursorRecords ?? 25;
      cursorRecords.set(op.operationId, (list = Array.from({ length: count }, (_, i) => ({ seed: i + 1, sequence: ++sequence }))));
    }
    return list;
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { "Content-Type": "application/json" }, JSON.stringify({ error: `fake ESI failed: ${(error as Error).message}` }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = (req.method ?? "GET").toUpperCase();
    let op: SpecOperation | undefined;
    let match: RegExpExecArray | null = null;
    for (const candidate of routesBySegments.get(`${method} ${segmentCount(url.pathname)}`) ?? []) {
      match = candidate.match.exec(url.pathname);
      if (match) {
        op = candidate;
        break;
      }
    }
    const knobs = op ? settings.routes?.[op.operationId] : undefined;
    const bearer = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ""))?.[1];
    const entry: FakeRequestLogEntry = {
      at: Date.now(),
      method,
      path: url.pathname,
      query: url.search,
      operationId: op?.operationId,
      status: 0,
      headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== "authorization").map(([k, v]) => [k, String(v)])),
      authenticated: bearer !== undefined,
    };
    requests.push(entry);
    stats.requests++;
    if (op) stats.byOperation[op.operationId] = (stats.byOperation[op.operationId] ?? 0) + 1;

    const latency = knobs?.latencyMs ?? settings.latencyMs ?? 0;
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));

    // Drawn for every request, in order, so a seed repeats the same faults whatever the knobs of one route.
    const dropDraw = random();
    const faultDraw = random();
    const statusDraw = random();

    if (knobs?.drop || dropDraw < (settings.dropRate ?? 0)) {
      entry.status = "dropped";
      stats.dropped++;
      req.socket.destroy();
      return;
    }

    const now = Date.now();
    const headers: Record<string, string> = {};
    // Odd answers (knobs of the route, or of the handler's reply once it has answered).
    let oddity: Oddity = { notJson: knobs?.notJson, truncate: knobs?.truncate };
    const answer = (status: number, payload: unknown, extra: Record<string, string> = {}, html?: string) => {
      const t = Date.now();
      errorWindow.record(status, t);
      const rate = op && rateLimitOf(op);
      if (rate) {
        buckets.spend(rate.key, tokenCost(status), t);
        Object.assign(headers, buckets.headers(rate.key, rate.group, rate.maxTokens, rate.windowMs, t));
      }
      Object.assign(headers, errorWindow.headers(t), extra, knobs?.headers);
      if (settings.warning && !headers.Warning) headers.Warning = settings.warning;
      entry.status = status;
      stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
      if (status === 420) stats.errorLimited++;
      if (status === 429) stats.rateLimited++;
      if (status === 304) stats.notModified++;
      const deliver = oddity.truncate ? sendTruncated : send;
      if (html !== undefined) return deliver(res, status, { ...headers, "Content-Type": "text/html; charset=utf-8" }, html);
      if (status === 204 || status === 304 || payload === undefined) return send(res, status, headers, "");
      const text = oddity.notJson && status >= 200 && status < 300 ? (typeof oddity.notJson === "string" ? oddity.notJson : NOT_JSON_BODY) : JSON.stringify(payload);
      return deliver(res, status, { "Content-Type": "application/json; charset=utf-8", ...headers }, text);
    };

    let characterId: number | undefined;
    const rateLimitOf = (operation: SpecOperation) => {
      if (!operation.rateLimit || settings.rateLimit === false) return undefined;
      const windowMs = (settings.rateLimit?.windowSeconds ?? operation.rateLimit.windowSeconds) * 1000;
      const maxTokens = settings.rateLimit?.maxTokens ?? operation.rateLimit.maxTokens;
      // Per character for authenticated calls, per caller otherwise (ESI: per IP).
      const who = characterId !== undefined ? `character:${characterId}` : bearer ? `token:${hashString(bearer)}` : "anonymous";
      return { key: `${operation.rateLimit.group}|${who}`, group: operation.rateLimit.group, maxTokens, windowMs };
    };

    if (!op) return answer(404, { error: "Not found" });
    if (errorWindow.blocked(now)) {
      return answer(420, { error: "This software has exceeded the error limit for ESI. Wait for the error limit window to reset." });
    }

    const params: Record<string, string> = {};
    op.pathParams.forEach((p, i) => (params[p.name] = decodeURIComponent(match?.[i + 1] ?? "")));
    for (const p of op.pathParams) {
      if (p.integer && !/^-?\d+$/.test(params[p.name] ?? "")) return answer(400, { error: `Invalid ${p.name}: not an integer` });
    }

    if (op.secured && (settings.auth?.required ?? true)) {
      if (!bearer) return answer(401, { error: "authorization not provided" });
      const verdict = settings.auth?.validate ? await settings.auth.validate(bearer) : { characterId: characterFromJwt(bearer) };
      if (verdict === false) return answer(401, { error: "token is not valid" });
      if (typeof verdict === "object") characterId = verdict.characterId;
    } else if (bearer) {
      characterId = characterFromJwt(bearer);
    }

    const rate = rateLimitOf(op);
    if (rate) {
      const waitMs = buckets.waitMs(rate.key, rate.maxTokens, rate.windowMs, now);
      if (waitMs > 0) return answer(429, { error: "Too many requests" }, { "Retry-After": String(Math.ceil(waitMs / 1000)) });
    }

    if (faultDraw < (settings.faultRate ?? 0)) {
      const statuses = settings.faultStatuses ?? [502, 503, 504];
      const status = statuses[Math.floor(statusDraw * statuses.length)] ?? 502;
      if (settings.htmlErrors) return answer(status, undefined, {}, htmlPage(status));
      return answer(status, { error: FAULT_TEXT[status] ?? "Injected fault" });
    }
    if (knobs?.html) {
      const status = knobs.status ?? 502;
      return answer(status, undefined, {}, htmlPage(status));
    }

    const request: FakeRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, body, operation: op, params, characterId };
    let reply: FakeReply | undefined = knobs?.handler ? await knobs.handler(request) : undefined;
    if (reply) oddity = { notJson: reply.notJson ?? oddity.notJson, truncate: reply.truncate ?? oddity.truncate };
    if (reply?.drop) {
      entry.status = "dropped";
      stats.dropped++;
      req.socket.destroy();
      return;
    }
    if (!reply && knobs && (knobs.status !== undefined || knobs.body !== undefined)) {
      const status = knobs.status ?? op.successStatus;
      reply = { status, body: knobs.body ?? (status >= 400 ? { error: `Injected ${status}` } : undefined) };
    }
    if (reply?.html !== undefined) return answer(reply.status ?? 502, undefined, reply.headers, reply.html);
    if (reply && (reply.status ?? 200) >= 300) return answer(reply.status ?? 200, reply.body, reply.headers);

    // The success answer, generated unless a handler or knob gave the body.
    const version = versionOf(op.operationId);
    const seed = hashString(`${op.operationId} ${url.pathname} ${version.version}`) % 100_000;
    let payload: unknown = reply?.body;
    if (payload === undefined && op.responseSchema !== undefined) {
      if (op.paging === "page") {
        const pages = knobs?.pages ?? settings.pages ?? 1;
        const pageText = url.searchParams.get("page") ?? "1";
        const page = Number(pageText);
        if (!/^\d+$/.test(pageText) || page < 1) return answer(400, { error: `Invalid page: ${pageText}` });
        // ESI answers a page past the last with 404; the fake does the same.
        if (page > pages) return answer(404, { error: "Requested page does not exist!" }, { "X-Pages": String(pages) });
        headers["X-Pages"] = String(pages);
        payload = pageBody(spec, op, seed, page, knobs?.itemsPerPage ?? settings.itemsPerPage ?? 3);
      } else if (op.paging === "cursor") {
        const limitText = url.searchParams.get("limit");
        const limit = limitText === null ? 10 : Number(limitText);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return answer(400, { error: `Invalid limit: ${limitText}` });
        const records = recordsOf(op, knobs);
        const window = cursorWindow(
          records.map((r) => r.sequence),
          url.searchParams,
          limit,
        );
        if ("error" in window) return answer(400, { error: window.error });
        const listKey = cursorListKey(spec, op);
        const base = plainBody(spec, op, seed) as Record<string, unknown>;
        if (listKey) {
          const itemSchema = deref(deref(op.responseSchema, spec).properties, spec)[listKey];
          const items = deref(itemSchema, spec).items;
          base[listKey] = records.slice(window.from, window.to).map((r) => sampleFromSchema(items, r.seed, { root: spec }));
        }
        base.cursor = window.cursor;
        payload = base;
      } else {
        payload = plainBody(spec, op, seed);
      }
    }
    const status = reply?.status ?? op.successStatus;
    Object.assign(headers, reply?.headers);
    if (method !== "GET" || status !== 200) return answer(status, status === 204 ? undefined : payload);

    const text = JSON.stringify(payload);
    const maxAge = knobs && "maxAgeSeconds" in knobs ? knobs.maxAgeSeconds : settings.maxAgeSeconds !== undefined ? settings.maxAgeSeconds : op.cacheSeconds;
    if (maxAge !== null && maxAge !== undefined) {
      headers["Cache-Control"] = `public, max-age=${maxAge}`;
      headers.Expires = new Date(now + maxAge * 1000).toUTCString();
    }
    const etag = `"${createHash("sha1").update(text).digest("hex").slice(0, 32)}"`;
    if (knobs?.etag !== false) headers.ETag = etag;
    headers["Last-Modified"] = new Date(version.modified).toUTCString();

    const ifNoneMatch = req.headers["if-none-match"];
    const ifModifiedSince = req.headers["if-modified-since"];
    if (ifNoneMatch !== undefined) {
      const tags = String(ifNoneMatch).split(",").map((t) => t.trim().replace(/^W\//, ""));
      if (knobs?.etag !== false && (tags.includes(etag) || tags.includes("*"))) return answer(304, undefined);
    } else if (ifModifiedSince !== undefined) {
      const since = Date.parse(String(ifModifiedSince));
      if (Number.isFinite(since) && version.modified <= since) return answer(304, undefined);
    }
    return answer(200, payload);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // A deep accept queue: load tests open thousands of connections at once.
    server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    operations,
    get requests() {
      return requests;
    },
    get stats() {
      return stats;
    },
    set(next) {
      settings = { ...settings, ...next, routes: { ...settings.routes, ...next.routes } };
      if (next.seed !== undefined) random = seededRandom(next.seed);
      applyErrorLimit();
    },
    route(operationId, knobs) {
      if (!byId.has(operationId)) throw new Error(`fake ESI: the spec has no operation ${operationId}`);
      const routes = { ...settings.routes };
      if (knobs) routes[operationId] = knobs;
      else delete routes[operationId];
      settings = { ...settings, routes };
    },
    touch(operationId) {
      const v = versionOf(operationId);
      v.version++;
      // Last-Modified has one-second resolution: make the change visible to If-Modified-Since.
      v.modified = Math.max(Math.floor(Date.now() / 1000) * 1000, v.modified + 1000);
    },
    addCursorRecords(operationId, count) {
      const op = byId.get(operationId);
      if (op?.paging !== "cursor") throw new Error(`fake ESI: ${operationId} is not a cursor route`);
      const list = recordsOf(op, settings.routes?.[operationId]);
      const next = list.reduce((m, r) => Math.max(m, r.seed), 0);
      for (let i = 1; i <= count; i++) list.push({ seed: next + i, sequence: ++sequence });
    },
    modifyCursorRecord(operationId, index) {
      const op = byId.get(operationId);
      if (op?.paging !== "cursor") throw new Error(`fake ESI: ${operationId} is not a cursor route`);
      const list = recordsOf(op, settings.routes?.[operationId]);
      const [record] = list.splice(index, 1);
      if (record === undefined) throw new Error(`fake ESI: ${operationId} has no record ${index}`);
      list.push({ seed: record.seed, sequence: ++sequence });
    },
    reset() {
      settings = structuredCloneSettings(initial);
      random = seededRandom(settings.seed ?? 1);
      applyErrorLimit();
      errorWindow.reset();
      buckets.reset();
      requests = [];
      stats = emptyStats();
      versions = new Map();
      cursorRecords = new Map();
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

interface CursorRecord {
  /** What the record's body is generated from: the same record keeps its ids when it changes. */
  seed: number;
  sequence: number;
}

function structuredCloneSettings(settings: FakeEsiSettings): FakeEsiSettings {
  // Functions (handlers, validators) cannot be cloned: copy one level, which is all set() ever replaces.
  return { ...settings, routes: { ...settings.routes } };
}

function segmentCount(path: string): number {
  return path.split("/").filter(Boolean).length;
}

function emptyStats(): FakeEsiStats {
  return { requests: 0, byOperation: {}, byStatus: {}, errorLimited: 0, rateLimited: 0, notModified: 0, dropped: 0 };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, headers);
  res.end(body);
}

interface Oddity {
  notJson: boolean | string | undefined;
  truncate: boolean | undefined;
}

/** What `notJson: true` answers with, under Content-Type: application/json. */
const NOT_JSON_BODY = "this is not JSON: <upstream hiccup>";

/**
 * The headers, a Content-Length for the whole body, half the body, and then the connection closed: what a proxy
 * or server that dies mid-answer leaves a client with (undici reads it as "TypeError: terminated").
 */
function sendTruncated(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  const bytes = Buffer.from(body, "utf8");
  res.writeHead(status, { ...headers, "Content-Length": String(bytes.length), Connection: "close" });
  res.flushHeaders();
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => {
    // Let the half reach the client before the end: a destroy in the same tick can drop it.
    setTimeout(() => res.socket?.destroy(), 10);
  });
}

function htmlPage(status: number): string {
  const title = `${status} ${FAULT_TEXT[status] ?? "Error"}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/** EVE SSO access tokens are JWTs whose sub is "CHARACTER:EVE:<id>": read it without verifying (a fake). */
function characterFromJwt(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const sub = (JSON.parse(Buffer.from(payload, "base64url").toString()) as { sub?: unknown }).sub;
    const m = typeof sub === "string" ? /^CHARACTER:EVE:(\d+)$/.exec(sub) : null;
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Where a generation keeps its spec; the package's own generation when none is given (loaded only then). */
async function specOfGeneration(generation: Generation | undefined): Promise<string> {
  const chosen = generation ?? (await import("../../default-generation.ts")).generation;
  if (chosen.spec === undefined) throw new Error("fake ESI: this generation keeps no spec: pass startFakeEsi({ spec })");
  return chosen.spec instanceof URL ? fileURLToPath(chosen.spec) : chosen.spec;
}
