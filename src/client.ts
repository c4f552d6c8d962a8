import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { paths } from "../generated/esi.d.ts";
import { defaultPlugins } from "./default-plugins.ts";
import type { LimitsOptions } from "./middleware/limits.ts";
import { EsiEventEmitter } from "./events.ts";
import { EsiUsageError } from "./errors.ts";
import { createOperationCalls, toFetchInit, type OperationCalls, type OperationData, type OperationParams } from "./operation-call.ts";
import { basePath, compatibilityDate as generatedDate, operationById, type OperationId } from "./operations.ts";
import type { ClientView, EsiCore, EsiPlugin } from "./plugin.ts";
import { getResponseInfo, type ResponseInfo } from "./response-info.ts";
import { orThrow } from "./result.ts";
import { createTransport, type RetryOptions } from "./transport.ts";

export type EsiPaths = paths;

export interface EsiClientOptions {
  /** Who is calling: ESI asks every client to say, with a contact (e.g. "my-app/1.0 (me@example.com)"). Required. */
  userAgent: string;
  /** Default https://esi.evetech.net (plus the spec's base path for the legacy spec). */
  baseUrl?: string;
  /** Default: the compatibility date of the generated spec. */
  compatibilityDate?: string;
  /** The fetch under everything (tests, proxies). */
  fetch?: (input: Request) => Promise<Response>;
  /** The app's own openapi-fetch middleware: runs after esikit's, closest to the network. */
  middleware?: Middleware[];
  /** Extra plugins, after esikit's own. */
  plugins?: EsiPlugin[];
  /** Per-attempt timeout, ms. Default 20 s. */
  timeoutMs?: number;
  /** Retries of 502/503/504 and network errors on idempotent methods; `false` turns them off. */
  retry?: RetryOptions | false;
  /** Send the User-Agent as X-User-Agent (a browser's fetch drops User-Agent). Default: detected. */
  browser?: boolean;
  /** ESI's cache rules (on by default): fresh answers from the store, revalidation with ETag; `false` turns it off. */
  cache?: import("./middleware/cache.ts").CacheOptions | false;
  /** Opt-in: check success bodies against the spec's schemas (development, tests). */
  validate?: import("./validation/validate-plugin.ts").ValidateOptions;
  /** ESI's error limit and rate limits: wait instead of being refused (on by default); `false` turns it off. */
  limits?: LimitsOptions | false;
  /** EVE SSO (createSso): requests that need a scope carry, and refresh, the character's access token. */
  auth?: import("./auth/create-sso.ts").Sso;
}

export interface EsiClient extends Client<EsiPaths, `${string}/${string}`> {
  /** Every operation by operationId, with path and query parameters side by side. */
  readonly op: OperationCalls;
  /** Calls an operation by operationId and returns its data, or throws an EsiError. */
  call<Id extends OperationId>(operationId: Id, ...args: {} extends OperationParams<Id> ? [params?: OperationParams<Id>] : [params: OperationParams<Id>]): Promise<OperationData<Id>>;
  /** The same client acting for one character: shares the cache, budgets and token store. */
  as(characterId: number): EsiClient;
  /** The character this view acts for, if any. */
  readonly characterId: number | undefined;
  readonly events: EsiEventEmitter;
  /** What esikit knows of a response: cache outcome, retries, operation. */
  info(response: Response): ResponseInfo | undefined;
  /** The shared state behind this client, for plugins and helpers (paging, bulk). */
  readonly core: EsiCore;
}

export const DEFAULT_BASE_URL = "https://esi.evetech.net";

export function createEsiClient(options: EsiClientOptions): EsiClient {
  if (typeof options?.userAgent !== "string" || options.userAgent.trim() === "") {
    throw new EsiUsageError('createEsiClient needs a userAgent: ESI asks every client to identify itself, e.g. "my-app/1.0 (me@example.com)"');
  }
  const events = new EsiEventEmitter();
  const send = createTransport({ fetch: options.fetch, timeoutMs: options.timeoutMs, retry: options.retry, events });
  const state = new Map<string, unknown>();
  const core: EsiCore = {
    userAgent: options.userAgent,
    baseUrl: `${(options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "")}${basePath}`,
    compatibilityDate: options.compatibilityDate ?? generatedDate,
    events,
    send,
    state<T>(key: string, create: () => T): T {
      if (!state.has(key)) state.set(key, create());
      return state.get(key) as T;
    },
  };
  const plugins = [...defaultPlugins(options), ...(options.plugins ?? [])];
  const views = new Map<number, EsiClient>();
  const makeView = (characterId: number | undefined): EsiClient => {
    const view: ClientView = { core, characterId };
    const client = createClient<EsiPaths, `${string}/${string}`>({
      baseUrl: core.baseUrl,
      fetch: send,
      // ESI reads arrays in the query comma-separated (the legacy spec's collectionFormat: csv).
      querySerializer: { array: { style: "form", explode: false } },
    });
    for (const plugin of plugins) {
      const middleware = plugin.middleware(view);
      if (middleware) client.use(middleware);
    }
    if (options.middleware?.length) client.use(...options.middleware);
    const op = createOperationCalls(client);
    return Object.assign(client, {
      op,
      characterId,
      events,
      core,
      info: getResponseInfo,
      as(id: number): EsiClient {
        if (!Number.isSafeInteger(id) || id <= 0) throw new EsiUsageError(`as() needs a character id (a positive integer), got ${String(id)}`);
        let existing = views.get(id);
        if (!existing) views.set(id, (existing = makeView(id)));
        return existing;
      },
      async call(operationId: string, params?: Record<string, unknown>) {
        const operation = operationById(operationId);
        if (!operation) throw new EsiUsageError(`unknown operationId ${operationId}`);
        const init = toFetchInit(operation, params);
        const result = await (client.request as (m: string, p: string, i: unknown) => Promise<{ data?: unknown; error?: unknown; response: Response }>)(
          operation.method.toUpperCase(),
          operation.path,
          init,
        );
        return orThrow(result, { operation, characterId });
      },
    }) as unknown as EsiClient;
  };
  return makeView(undefined);
}
