import type { EsiClientOptions } from "./client.ts";
import { identifyPlugin } from "./middleware/identify.ts";
import { limitsPlugin } from "./middleware/limits.ts";
import type { EsiPlugin } from "./plugin.ts";

/**
 * esikit's own plugins, in request order (responses pass back through them in reverse):
 * identify (headers, events) -> cache -> auth -> limits, then the app's own middleware, then the transport (retries).
 */
export function defaultPlugins(options: EsiClientOptions): EsiPlugin[] {
  const plugins: Array<EsiPlugin | undefined> = [
    identifyPlugin({ browser: options.browser }),
    // cache (issue 4)
    // auth (issue 3)
    options.limits === false ? undefined : limitsPlugin(options.limits),
  ];
  return plugins.filter((p): p is EsiPlugin => p !== undefined);
}
