import type { Clock } from "../clock.ts";
import type { EsiEventEmitter } from "../events.ts";
import type { Generation } from "../generation.ts";
import type { Layer } from "./compose.ts";

/**
 * What one client owns and its character views share: options, events, clock and generation. Layers are built
 * once per client from it; what differs between calls lives on the call object.
 */
export interface EsiCore {
  readonly userAgent: string;
  /** Base URL with the generation's base path. */
  readonly baseUrl: string;
  readonly compatibilityDate: string;
  /** Default Accept-Language. */
  readonly language: string;
  readonly events: EsiEventEmitter;
  readonly clock: Clock;
  readonly generation: Generation;
}

/**
 * A concern an app adds to the request path: its layer runs for every attempt (retries and replays included),
 * below esikit's limits and above the transport. See docs/architecture.md, "Writing a layer".
 */
export interface EsiPlugin {
  readonly name: string;
  layer(core: EsiCore): Layer;
}
