import type { Layer } from "../pipeline/compose.ts";
import type { EsiCore } from "../pipeline/core.ts";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The outermost layer, once per call: who is calling (User-Agent, or X-User-Agent where a browser's fetch drops
 * User-Agent), which API version (X-Compatibility-Date), which language (Accept-Language: without it Node's fetch
 * sends `*`, which ESI's spec does not allow), and the `request` / `response` events.
 */
export function identifyLayer(core: EsiCore, options: { browser?: boolean | undefined } = {}): Layer {
  const userAgentHeader = (options.browser ?? isBrowser()) ? "X-User-Agent" : "User-Agent";
  // A legacy Swagger spec carries a version ("1.17"), not a date: ESI would refuse it as a compatibility date.
  const date = ISO_DATE.test(core.compatibilityDate) ? core.compatibilityDate : undefined;
  const { events, clock } = core;
  return async (call, next) => {
    const { headers } = call;
    headers.set(userAgentHeader, core.userAgent);
    if (date && !headers.has("X-Compatibility-Date")) headers.set("X-Compatibility-Date", date);
    headers.set("Accept-Language", call.language);
    const operationId = call.operation?.operationId;
    if (events.hasListeners("request")) events.emit("request", { operationId, method: call.method, url: call.url, characterId: call.characterId });
    if (!events.hasListeners("response")) return next(call);
    const started = clock.now();
    const response = await next(call);
    events.emit("response", {
      operationId,
      method: call.method,
      url: call.url,
      status: response.status,
      ms: clock.now() - started,
      cache: call.cache,
      characterId: call.characterId,
    });
    return response;
  };
}

function isBrowser(): boolean {
  return typeof (globalThis as { document?: unknown }).document !== "undefined";
}
