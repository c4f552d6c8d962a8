import { authPlugin } from "./auth/auth-plugin.ts";
import type { EsiClientOptions } from "./client.ts";
import { cachePlugin } from "./middleware/cache.ts";
import { identifyPlugin } from "./middleware/identify.ts";
import { limitsPlugin } from "./middleware/limits.ts";
import type { EsiPlugin } from "./plugin.ts";
import { validatePlugin } from "./validation/validate-plugin.ts";

/**
 * esikit's own plugins, in request order (responses pass back through them in reverse):
 * identify (headers, events) -> auth (token, and whose it is) -> cache (keyed by that character) -> validate ->
 * limits, then the app's own middleware, then the transport (retries).
 */
export function defaultPlugins(options: EsiClientOptions): EsiPlugin[] {
  const plugins: Array<EsiPlugin | undefined> = [
    identifyPlugin({ browser: options.browser }),
    options.auth ? authPlugin(options.auth) : undefined,
    options.cache === false ? undefined : cachePlugin(options.cache),
    options.validate ? validatePlugin(options.validate) : undefined,
    options.limits === false ? undefined : limitsPlugin(options.limits),
  ];
  return plugins.filter((p): p is EsiPlugin => p !== undefined);
}
