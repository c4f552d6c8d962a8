import type { Middleware } from "openapi-fetch";
import type { EsiEventEmitter } from "./events.ts";

/**
 * The state one client owns and its character views share: options, events, the transport, and each
 * plugin's own state (cache store, budgets, token sets), kept here so there is no module-level singleton.
 */
export interface EsiCore {
  readonly userAgent: string;
  readonly baseUrl: string;
  readonly compatibilityDate: string;
  readonly events: EsiEventEmitter;
  /** Sends a request through the transport (retries included) without the middleware: for replays. */
  send(request: Request): Promise<Response>;
  /** Per-plugin state, created once per client by the plugin itself. */
  state<T>(key: string, create: () => T): T;
}

/** One view of a client: the base client, or `esi.as(characterId)`. */
export interface ClientView {
  readonly core: EsiCore;
  readonly characterId: number | undefined;
}

/**
 * A concern of the client (Octokit's plugin idea on openapi-fetch's middleware): it builds the middleware
 * for each view. Plugins run in the order given for requests, and in reverse for responses.
 */
export interface EsiPlugin {
  readonly name: string;
  middleware(view: ClientView): Middleware | undefined;
}
