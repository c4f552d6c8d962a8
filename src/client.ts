import createClient, { type Client, type Middleware } from "openapi-fetch";
import { authLayer } from "./auth/auth-layer.ts";
import type { Sso } from "./auth/create-sso.ts";
import { createClientCache, type CacheOptions, type ClientCache } from "./cache/cache-layer.ts";
import type { CachedResponse } from "./stores/types.ts";
import { fromCachedResponse } from "./cache/stored-response.ts";
import { systemClock, type Clock } from "./clock.ts";
import { EsiUsageError } from "./errors.ts";
import { EsiEventEmitter } from "./events.ts";
import type { Generation, OperationInfo, PathsOf } from "./generation.ts";
import { identifyLayer } from "./identify/identify-layer.ts";
import { limitsLayer, type LimitsOptions } from "./limits/limits-layer.ts";
import type { OperationCalls, OperationData, OperationIdOf, ParamsArg } from "./operation-call.ts";
import { checkParameters } from "./params/check-parameters.ts";
import { actingCharacter, actingCharacterNow } from "./pipeline/acting-character.ts";
import { infoOf, type EsiCall, type ResponseInfo } from "./pipeline/call.ts";
import { compose, type Layer, type Next } from "./pipeline/compose.ts";
import type { EsiCore, EsiPlugin } from "./pipeline/core.ts";
import { middlewareLayer } from "./pipeline/middleware-layer.ts";
import { buildRequest, fillPath } from "./request/build-request.ts";
import { orThrow } from "./result.ts";
import { retryLayer, type RetryOptions } from "./retry/retry-layer.ts";
import { BufferedResponse } from "./transport/buffered-response.ts";
import { createTransport, type FetchFunction } from "./transport/transport.ts";
import { validateLayer, type ValidateOptions } from "./validation/validate-layer.ts";

/** The languages ESI answers in (the spec's Accept-Language enum). */
export type EsiLanguage = "en" | "de" | "fr" | "ja" | "ru" | "zh" | "ko" | "es";

export interface EsiClientOptions {
  /** Who is calling: ESI asks every client to say, with a contact (e.g. "my-app/1.0 (me@example.com)"). Required. */
  userAgent: string;
  /** Default https://esi.evetech.net (plus the spec's base path for the legacy spec). */
  baseUrl?: string;
  /** Default: the compatibility date of the generation. */
  compatibilityDate?: string;
  /** Accept-Language of every call (a call's own `Accept-Language` parameter wins). Default "en". */
  language?: EsiLanguage;
  /** The fetch under everything (tests, proxies): `(url, init) => Promise<Response>`, as globalThis.fetch. */
  fetch?: FetchFunction;
  /** The app's openapi-fetch middleware: runs for every attempt, below esikit's limits, above the transport. */
  middleware?: Middleware[];
  /** The app's own layers (see docs/architecture.md): the same place as `middleware`, after it. */
  plugins?: EsiPlugin[];
  /** Per-attempt timeout, ms; 0 for none. Default 20 s. */
  timeoutMs?: number;
  /** Retries of 502/503/504, network errors and broken answers on idempotent methods; `false` turns them off. */
  retry?: RetryOptions | false;
  /** Send the User-Agent as X-User-Agent (a browser's fetch drops User-Agent). Default: detected. */
  browser?: boolean;
  /** ESI's cache rules (on by default): fresh answers from the store, revalidation with ETag; `false` turns it off. */
  cache?: CacheOptions | false;
  /** Opt-in: check success bodies against the spec's schemas (development, tests). `true`: the generation's spec. */
  validate?: ValidateOptions | true;
  /** ESI's error limit and rate limits: wait instead of being refused (on by default); `false` turns it off. */
  limits?: LimitsOptions | false;
  /** EVE SSO (createSso): calls that need a scope carry, and refresh, their character's access token. */
  auth?: Sso;
  /** Time for budgets, waits and the cache. Default: the system clock. */
  clock?: Clock;
}

type OpenApiClient<G extends Generation> = Client<PathsOf<G>, `${string}/${string}`>;

/** A client of one generation: openapi-fetch's typed methods plus esikit's calls by operationId. */
export interface EsiClient<G extends Generation> extends OpenApiClient<G> {
  /** Every operation by operationId, with path, query and header parameters side by side. */
  readonly op: OperationCalls<G>;
  /** Calls an operation by operationId and returns its data, or throws an EsiError. */
  call<Id extends OperationIdOf<G>>(operationId: Id, ...args: ParamsArg<G, Id>): Promise<OperationData<G, Id>>;
  /** The same client acting for one character: shares the cache, budgets and token store. */
  as(characterId: number): EsiClient<G>;
  /** The character this view acts for, if any. */
  readonly characterId: number | undefined;
  readonly events: EsiEventEmitter;
  /** What esikit did for a response: cache outcome, retries, operation, character. */
  info(response: Response): ResponseInfo | undefined;
  /** The generation this client was made for (its operation table, compatibility date, spec). */
  readonly generation: G;
  /** The shared state behind this client, for layers and helpers. */
  readonly core: EsiCore;
}

/** What helpers (paging) need of a client, whatever its generation. */
export interface AnyEsiClient {
  readonly op: object;
  readonly generation: Generation;
  readonly characterId: number | undefined;
  info(response: Response): ResponseInfo | undefined;
}

/** The client type an app's generation gives (`esi/index.d.ts`). */
export type EsiClientFor<G extends Generation> = EsiClient<G>;

export const DEFAULT_BASE_URL = "https://esi.evetech.net";

const METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"] as const;

/** What every view of one client shares. */
interface Shared {
  readonly core: EsiCore;
  readonly run: Next;
  readonly cache: ClientCache | undefined;
  readonly sso: Sso | undefined;
  readonly fetchClient: Client<Record<string, any>, `${string}/${string}`>;
  readonly infos: WeakMap<Response, ResponseInfo>;
  readonly appMiddleware: Middleware[];
  readonly views: Map<number, EsiClient<any>>;
}

/**
 * A client for one generation. `import { createEsiClient } from "esikit"` is this, bound to the generation the
 * package ships; an app's `esi/index.js` binds its own. The request path is one pipeline of layers, outermost
 * first: identify, auth, cache, validate, retry, limits, the app's middleware and plugins, transport.
 */
export function createClientFor<G extends Generation>(generation: G, options: EsiClientOptions): EsiClient<G> {
  if (typeof options?.userAgent !== "string" || options.userAgent.trim() === "") {
    throw new EsiUsageError('createEsiClient needs a userAgent: ESI asks every client to identify itself, e.g. "my-app/1.0 (me@example.com)"');
  }
  const core: EsiCore = {
    userAgent: options.userAgent,
    baseUrl: `${(options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "")}${generation.basePath}`,
    compatibilityDate: options.compatibilityDate ?? generation.compatibilityDate,
    language: options.language ?? "en",
    events: new EsiEventEmitter(),
    clock: options.clock ?? systemClock,
    generation,
  };
  const cache = options.cache === false ? undefined : createClientCache(core, options.cache);
  const appMiddleware = [...(options.middleware ?? [])];
  const layers: Layer[] = [identifyLayer(core, { browser: options.browser })];
  if (options.auth) layers.push(authLayer(core, options.auth));
  if (cache) layers.push(cache.layer);
  if (options.validate) layers.push(validateLayer(core, options.validate));
  layers.push(retryLayer(core, options.retry));
  if (options.limits !== false) layers.push(limitsLayer(core, options.limits));
  // Read at call time: `esi.use()` adds to it later.
  const appLayer = middlewareLayer(appMiddleware);
  layers.push((call, next) => (appMiddleware.length ? appLayer(call, next) : next(call)));
  for (const plugin of options.plugins ?? []) layers.push(plugin.layer(core));
  const run = compose(layers, createTransport(core, { fetch: options.fetch, timeoutMs: options.timeoutMs }));

  const shared: Shared = {
    core,
    run,
    cache,
    sso: options.auth,
    fetchClient: createClient<Record<string, any>, `${string}/${string}`>({
      baseUrl: core.baseUrl,
      // ESI reads arrays in the query comma-separated (see scripts/errata), and no path value may leave its segment.
      querySerializer: { array: { style: "form", explode: false } },
      pathSerializer: fillPath,
    }),
    infos: new WeakMap(),
    appMiddleware,
    views: new Map(),
  };
  return makeView(shared, undefined) as unknown as EsiClient<G>;
}

function makeView(shared: Shared, characterId: number | undefined): EsiClient<Generation> {
  const { core, fetchClient, infos } = shared;
  const { generation } = core;

  /** A call through openapi-fetch (esi.GET and friends): its Request becomes the call, its fetch is the pipeline. */
  const viaOpenApiFetch = (method: string, path: string, init: Record<string, any> | undefined) => {
    const operation = generation.operationForRoute(method, path);
    const params = (init?.params ?? {}) as { path?: Record<string, unknown>; query?: Record<string, unknown>; header?: Record<string, unknown> };
    try {
      if (operation) checkParameters(operation, { ...params.path, ...params.query, ...params.header, ...(init?.body === undefined ? {} : { body: init.body }) });
    } catch (error) {
      return Promise.reject(error); // a call's mistakes reject its promise, as every other failure does
    }
    const known = actingCharacterNow(operation, characterId);
    const fetch = async (request: Request): Promise<Response> => {
      const call: EsiCall = {
        operation,
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: request.body ? await request.arrayBuffer() : undefined,
        signal: (init?.signal as AbortSignal | undefined) ?? undefined,
        characterId: known ? known.characterId : await actingCharacter(operation, characterId, params.path?.character_id, shared.sso?.tokens),
        language: (params.header?.["Accept-Language"] as string | undefined) ?? core.language,
        attempts: 0,
        retries: 0,
        cache: "miss",
      };
      const response = await shared.run(call);
      infos.set(response, infoOf(call));
      return response;
    };
    return fetchClient.request(method as "get", path, { ...init, fetch } as never);
  };

  /**
   * A call by operationId: checked, built without a Request and, when a fresh answer is kept, answered from it at
   * once (synchronously up to the returned promise: no Request, no Response, one JSON.parse).
   */
  const viaOperation = (operation: OperationInfo, args: Record<string, unknown> = {}): FreshHit | Promise<FreshHit | OperationResultShape> => {
    checkParameters(operation, args);
    const { url, headers, body } = buildRequest(core.baseUrl, operation, args);
    const method = operation.method.toUpperCase();
    const language = (args["Accept-Language"] as string | undefined) ?? core.language;
    const known = actingCharacterNow(operation, characterId);
    if (known) {
      const hit = freshHit(operation, method, url, known.characterId, language, headers);
      if (hit instanceof FreshHit) return hit;
      if (hit) return hit.then((h) => h ?? send(operation, method, url, headers, body, known.characterId, language));
      return send(operation, method, url, headers, body, known.characterId, language);
    }
    return actingCharacter(operation, characterId, args.character_id, shared.sso?.tokens).then(async (acting) => {
      const hit = await freshHit(operation, method, url, acting, language, headers);
      return hit ?? send(operation, method, url, headers, body, acting, language);
    });
  };

  const send = async (operation: OperationInfo, method: string, url: string, headers: Record<string, string> | undefined, body: string | undefined, acting: number | undefined, language: string) => {
    const call: EsiCall = {
      operation,
      method,
      url,
      headers: new Headers(headers),
      body,
      signal: undefined,
      characterId: acting,
      language,
      attempts: 0,
      retries: 0,
      cache: "miss",
    };
    const response = await shared.run(call);
    infos.set(response, infoOf(call));
    return resultOf(response);
  };

  /** A fresh kept answer of an operation call, or undefined; a promise only when the cache store answers with one. */
  const freshHit = (
    operation: OperationInfo,
    method: string,
    url: string,
    acting: number | undefined,
    language: string,
    headers: Record<string, string> | undefined,
  ): FreshHit | undefined | Promise<FreshHit | undefined> => {
    const key = shared.cache?.keyOf(method, url, acting, operation.scopes.length > 0, language, headers);
    if (key === undefined) return undefined;
    const entry = shared.cache!.fresh(key);
    if (entry instanceof Promise) return entry.then((e) => (e ? hitOf(operation, method, url, acting, e) : undefined));
    return entry ? hitOf(operation, method, url, acting, entry) : undefined;
  };

  const hitOf = (operation: OperationInfo, method: string, url: string, acting: number | undefined, entry: CachedResponse): FreshHit => {
    const { events } = core;
    if (events.hasListeners("request")) events.emit("request", { operationId: operation.operationId, method, url, characterId: acting });
    if (events.hasListeners("response")) events.emit("response", { operationId: operation.operationId, method, url, status: entry.status, ms: 0, cache: "hit", characterId: acting });
    return new FreshHit(entry.body === "" ? undefined : JSON.parse(entry.body), () => {
      const response = fromCachedResponse(entry, url);
      infos.set(response, { operationId: operation.operationId, cache: "hit", retries: 0, characterId: acting });
      return response;
    });
  };

  const operationOf = (operationId: string): OperationInfo => {
    const operation = generation.operationById(operationId);
    if (!operation) throw new EsiUsageError(`unknown operationId ${JSON.stringify(operationId)}`);
    return operation;
  };

  const byMethod = Object.fromEntries(METHODS.map((m) => [m, (path: string, init?: Record<string, any>) => viaOpenApiFetch(m, path, init)]));
  const op = createOperationCalls(generation, viaOperation);
  const view = {
    ...byMethod,
    request: (method: string, path: string, init?: Record<string, any>) => viaOpenApiFetch(method.toUpperCase(), path, init),
    use: (...middleware: Middleware[]) => void shared.appMiddleware.push(...middleware),
    eject: (...middleware: Middleware[]) => {
      for (const m of middleware) {
        const at = shared.appMiddleware.indexOf(m);
        if (at !== -1) shared.appMiddleware.splice(at, 1);
      }
    },
    op,
    characterId,
    events: core.events,
    core,
    generation,
    info: (response: Response) => infos.get(response),
    as(id: number) {
      if (!Number.isSafeInteger(id) || id <= 0) throw new EsiUsageError(`as() needs a character id (a positive integer), got ${String(id)}`);
      let existing = shared.views.get(id);
      if (!existing) shared.views.set(id, (existing = makeView(shared, id)));
      return existing;
    },
    call(operationId: string, params?: Record<string, unknown>): Promise<unknown> {
      try {
        const operation = operationOf(operationId);
        const result = viaOperation(operation, params);
        if (result instanceof FreshHit) return Promise.resolve(result.data);
        return result.then((r) => (r instanceof FreshHit ? r.data : orThrow(r, { operation, characterId, info: infos.get(r.response) })));
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
  return view as unknown as EsiClient<Generation>;
}

/** A fresh cache hit of an operation call: its data at once, its Response built only if someone reads it. */
class FreshHit {
  #response: Response | undefined;
  readonly #make: () => Response;
  constructor(
    readonly data: unknown,
    make: () => Response,
  ) {
    this.#make = make;
  }
  get response(): Response {
    return (this.#response ??= this.#make());
  }
}

type OperationResultShape = { data?: unknown; error?: unknown; response: Response };

/** `{ data, error, response }` from the pipeline's answer, as openapi-fetch makes it. */
async function resultOf(response: Response): Promise<{ data?: unknown; error?: unknown; response: Response }> {
  if (response.status === 204 || response.headers.get("Content-Length") === "0") return response.ok ? { data: undefined, response } : { error: undefined, response };
  if (response.ok) return { data: response instanceof BufferedResponse ? response.data : await response.json(), response };
  const text = await response.text();
  try {
    return { error: JSON.parse(text), response };
  } catch {
    return { error: text, response };
  }
}

/** `esi.op`: a proxy, so start-up does not pay for a closure per operation an app will mostly never call. */
function createOperationCalls(generation: Generation, call: (operation: OperationInfo, args?: Record<string, unknown>) => unknown): never {
  const made = new Map<string, (args?: Record<string, unknown>) => Promise<unknown>>();
  return new Proxy(Object.create(null), {
    get(_target, key) {
      if (typeof key !== "string") return undefined;
      let bound = made.get(key);
      if (bound) return bound;
      const operation = generation.operationById(key);
      if (!operation) return undefined;
      bound = async (args) => call(operation, args);
      made.set(key, bound);
      return bound;
    },
    has: (_target, key) => typeof key === "string" && generation.operationById(key) !== undefined,
  }) as never;
}
