/** The events an esikit client emits. Payloads never carry a token or a secret: they are safe to log. */
export interface EsiEvents {
  request: { operationId: string | undefined; method: string; url: string; characterId: number | undefined };
  response: {
    operationId: string | undefined;
    method: string;
    url: string;
    status: number;
    ms: number;
    cache: CacheOutcome;
    characterId: number | undefined;
  };
  retry: { operationId: string | undefined; method: string; url: string; attempt: number; reason: string; delayMs: number };
  throttled: { operationId: string | undefined; reason: "error-limit" | "rate-limit"; group?: string; waitMs: number };
  warning: { operationId: string | undefined; code: number; text: string };
  "token-refreshed": { characterId: number | undefined; scopes: readonly string[]; expiresAt: number };
  "token-revoked": { characterId: number | undefined };
  "token-refresh-failed": { characterId: number | undefined; error: string };
  "store-fallback": { store: string; reason: string };
  /** A token file readable by others than its owner was found and set back to 0600 (modes in octal). */
  "store-permissions-fixed": { store: string; path: string; previousMode: string; mode: string };
}

/** How a response came about: sent and new, served from the cache, revalidated with a 304, or stale on error. */
export type CacheOutcome = "miss" | "hit" | "revalidated" | "stale" | "bypass";

export type EsiEventName = keyof EsiEvents;
type Listener<E extends EsiEventName> = (payload: EsiEvents[E]) => void;

/** A small typed emitter: one per client, shared by its character views. A throwing listener never breaks a request. */
export class EsiEventEmitter {
  #listeners = new Map<EsiEventName, Set<Listener<never>>>();

  on<E extends EsiEventName>(event: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  off<E extends EsiEventName>(event: E, listener: Listener<E>): void {
    this.#listeners.get(event)?.delete(listener as Listener<never>);
  }

  emit<E extends EsiEventName>(event: E, payload: EsiEvents[E]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as Listener<E>)(payload);
      } catch {
        // A listener's bug must not fail the request that triggered it.
      }
    }
  }

  hasListeners(event: EsiEventName): boolean {
    return (this.#listeners.get(event)?.size ?? 0) > 0;
  }
}
