import { EsiUsageError } from "../errors.ts";
import { readLimitSnapshot, type LimitSnapshot } from "../headers/limit-headers.ts";
import type { EsiCall } from "../pipeline/call.ts";
import type { Layer } from "../pipeline/compose.ts";
import type { EsiCore } from "../pipeline/core.ts";
import type { BudgetStore } from "../stores/budget-store.ts";
import { MemoryBudgetStore } from "../stores/memory-budget-store.ts";
import { ErrorLimitBudget, type ErrorAdmission } from "./error-limit-budget.ts";
import { RateLimitBuckets, type BucketTicket } from "./rate-limit-buckets.ts";
import { EsiThrottledError } from "./throttled-error.ts";
import { createWait, DEFAULT_MAX_WAIT_MS, type Wait } from "./waiter.ts";

export interface LimitsOptions {
  /**
   * Requests are held once the errors ESI still allows (X-ESI-Error-Limit-Remain, less one per request in
   * flight) fall to this. Default 10. Raise it above your concurrency for a hard guarantee under heavy failure.
   */
  errorLimitThreshold?: number;
  /** Where budgets live. Default: in memory, for this client. A shared store shares ESI's budgets across processes. */
  store?: BudgetStore;
  /**
   * The longest a request waits for a limit, all its waits together, before failing with EsiThrottledError, ms.
   * Default 60 s (one error window). A wait known to be longer fails at once, without sleeping.
   */
  maxWaitMs?: number;
}

interface Held {
  admission: ErrorAdmission;
  ticket: BucketTicket | undefined;
}

/**
 * Keeps a client inside ESI's error limit and rate limits, for every attempt of every call (it sits below the
 * retry layer, so each retry is admitted and its headers read): waits instead of sending when a budget is spent,
 * and answers a 420 (once the error window resets) or a 429 (after Retry-After) by sending the call once more.
 */
export function limitsLayer(core: EsiCore, options: LimitsOptions = {}): Layer {
  const threshold = options.errorLimitThreshold ?? 10;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  if (!(threshold >= 0)) throw new EsiUsageError(`limits.errorLimitThreshold must be 0 or more, got ${String(threshold)}`);
  if (!(maxWaitMs >= 0)) throw new EsiUsageError(`limits.maxWaitMs must be 0 or more, got ${String(maxWaitMs)}`);
  const { clock, events } = core;
  const store = options.store ?? new MemoryBudgetStore({ clock });
  const errors = new ErrorLimitBudget(store, { threshold, clock });
  const buckets = new RateLimitBuckets(store, { clock });

  /** Waits for both budgets, then holds a place in them until `release`. */
  const admit = async (call: EsiCall, wait: Wait): Promise<Held> => {
    const authenticated = call.headers.has("Authorization") || (call.operation?.scopes.length ?? 0) > 0;
    const target = buckets.target(call.operation, { authenticated, characterId: call.characterId });
    const ticket = target ? await buckets.admit(target, call.operation, wait) : undefined;
    try {
      return { ticket, admission: await errors.admit(wait) };
    } catch (error) {
      if (ticket) await buckets.settle(ticket, undefined, undefined, call.operation);
      throw error;
    }
  };

  const release = async (call: EsiCall, held: Held, response: Response | undefined): Promise<LimitSnapshot | undefined> => {
    const snapshot = response ? readLimitSnapshot(response.headers, clock.now()) : undefined;
    if (snapshot) buckets.learn(call.operation, snapshot);
    await errors.settle(held.admission, snapshot);
    if (held.ticket) await buckets.settle(held.ticket, response?.status, snapshot, call.operation);
    return snapshot;
  };

  /** One attempt inside the budgets: admitted, sent, and released whatever happens. */
  const attempt = async (call: EsiCall, next: (call: EsiCall) => Promise<Response>, held: Held) => {
    let response: Response | undefined;
    let snapshot: LimitSnapshot | undefined;
    try {
      response = await next(call);
    } finally {
      snapshot = await release(call, held, response);
    }
    return { response, snapshot };
  };

  return async (call, next) => {
    const wait = createWait({ events, operationId: call.operation?.operationId, maxWaitMs, signal: call.signal, clock });
    const first = await attempt(call, next, await admit(call, wait));
    const { response, snapshot } = first;
    if (response.status !== 420 && response.status !== 429) return response;

    // Sent once more: after the error window resets (420), or after Retry-After (429).
    const started = clock.now();
    let held: Held;
    try {
      if (response.status === 429) await wait(snapshot?.retryAfterMs ?? 1000, "rate-limit", snapshot?.rateLimitGroup ?? call.operation?.rateLimit?.group);
      held = await admit(call, wait);
    } catch (error) {
      if (error instanceof EsiThrottledError) return response; // too long a wait: the caller gets the 420/429
      throw error;
    }
    events.emit("retry", {
      operationId: call.operation?.operationId,
      method: call.method,
      url: call.url,
      attempt: call.retries + 1,
      reason: `status ${response.status}`,
      delayMs: clock.now() - started,
    });
    await response.body?.cancel().catch(() => undefined);
    call.retries++;
    return (await attempt(call, next, held)).response;
  };
}
