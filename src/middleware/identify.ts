import type { Middleware } from "openapi-fetch";
import { operationForRoute } from "../operations.ts";
import { actingCharacter } from "../request-context.ts";
import { getResponseInfo, noteResponse } from "../response-info.ts";
import type { ClientView, EsiPlugin } from "../plugin.ts";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The outermost plugin: says who is calling (User-Agent, or X-User-Agent where a browser's fetch drops
 * User-Agent), which API version (X-Compatibility-Date), and reports each request and response as events.
 */
export function identifyPlugin(options: { browser?: boolean | undefined } = {}): EsiPlugin {
  const browser = options.browser ?? isBrowser();
  return {
    name: "identify",
    middleware(view: ClientView): Middleware {
      const { core } = view;
      // A legacy Swagger spec carries a version ("1.17"), not a date: ESI would refuse it as a compatibility date.
      const date = ISO_DATE.test(core.compatibilityDate) ? core.compatibilityDate : undefined;
      // Keyed by the call's params object (the same for every middleware of one call): a cache hit, which skips
      // every onResponse, leaves nothing behind.
      const started = new WeakMap<object, number>();
      return {
        onRequest({ request, schemaPath, params }) {
          request.headers.set(browser ? "X-User-Agent" : "User-Agent", core.userAgent);
          if (date && !request.headers.has("X-Compatibility-Date")) request.headers.set("X-Compatibility-Date", date);
          if (core.events.hasListeners("response")) started.set(params, performance.now());
          if (core.events.hasListeners("request")) {
            core.events.emit("request", {
              operationId: operationForRoute(request.method, schemaPath)?.operationId,
              method: request.method,
              url: request.url,
              characterId: view.characterId,
            });
          }
          return request;
        },
        onResponse({ request, response, schemaPath, params }) {
          const operationId = operationForRoute(request.method, schemaPath)?.operationId;
          const characterId = actingCharacter(params) ?? view.characterId;
          noteResponse(response, { operationId, characterId });
          if (!core.events.hasListeners("response")) return undefined;
          const t0 = started.get(params);
          core.events.emit("response", {
            operationId,
            method: request.method,
            url: request.url,
            status: response.status,
            ms: t0 === undefined ? 0 : performance.now() - t0,
            cache: getResponseInfo(response)?.cache ?? "miss",
            characterId,
          });
          return undefined;
        },
      };
    },
  };
}

function isBrowser(): boolean {
  return typeof (globalThis as { document?: unknown }).document !== "undefined";
}
