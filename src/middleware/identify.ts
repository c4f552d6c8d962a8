import type { Middleware } from "openapi-fetch";
import { operationForRoute } from "../operations.ts";
import { getResponseInfo, noteResponse } from "../response-info.ts";
import type { ClientView, EsiPlugin } from "../plugin.ts";

/**
 * The outermost plugin: says who is calling (User-Agent, or X-User-Agent where a browser's fetch drops
 * User-Agent), which API version (X-Compatibility-Date), and reports each request and response as events.
 */
export function identifyPlugin(options: { browser?: boolean } = {}): EsiPlugin {
  const browser = options.browser ?? isBrowser();
  return {
    name: "identify",
    middleware(view: ClientView): Middleware {
      const { core } = view;
      const started = new Map<string, number>();
      return {
        onRequest({ request, schemaPath, id }) {
          request.headers.set(browser ? "X-User-Agent" : "User-Agent", core.userAgent);
          if (!request.headers.has("X-Compatibility-Date")) request.headers.set("X-Compatibility-Date", core.compatibilityDate);
          const operation = operationForRoute(request.method, schemaPath);
          if (core.events.hasListeners("response")) started.set(id, performance.now());
          core.events.emit("request", {
            operationId: operation?.operationId,
            method: request.method,
            url: request.url,
            characterId: view.characterId,
          });
          return request;
        },
        onResponse({ request, response, schemaPath, id }) {
          const operation = operationForRoute(request.method, schemaPath);
          noteResponse(response, { operationId: operation?.operationId, characterId: view.characterId });
          const t0 = started.get(id);
          started.delete(id);
          core.events.emit("response", {
            operationId: operation?.operationId,
            method: request.method,
            url: request.url,
            status: response.status,
            ms: t0 === undefined ? 0 : performance.now() - t0,
            cache: getResponseInfo(response)?.cache ?? "miss",
            characterId: view.characterId,
          });
          return undefined;
        },
        onError({ id }) {
          started.delete(id);
          return undefined;
        },
      };
    },
  };
}

function isBrowser(): boolean {
  return typeof (globalThis as { document?: unknown }).document !== "undefined";
}
