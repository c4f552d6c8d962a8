import type { Middleware } from "openapi-fetch";
import { EsiUsageError } from "../errors.ts";
import { readLimitSnapshot, type LimitSnapshot } from "../headers/limit-headers.ts";
import { ErrorLimitBudget, type ErrorAdmission } from "../limits/error-limit-budget.ts";
import { RateLimitBuckets, type BucketTicket } from "../limits/rate-limit-buckets.ts";
import { EsiThrottledError } from "../limits/throttled-error.ts";
import { createWait, type Wait } from "../limits/waiter.ts";
import { operationForRoute, type OperationInfo } from "../operations.ts";
import type { ClientView, EsiCore, EsiPlugin } from "../plugin.ts";
import { getResponseInfo, noteResponse } from "../response-info.ts";
import type { BudgetStore } from "../stores/budget-store.ts";
import { MemoryBudgetStore } from "../stores/memory-budget-store.ts";

export interface LimitsOptions {
  /**
   * Requests are held once the errors ESI still allows (X-ESI-Error-Limit-Remain, less one per request in
   * flight) fall to this. Default 10. Raise it above your concurrency times the transport's retries for a
   * hard guarantee under heavy failure.
   */
  errorLimitThreshold?: number;
  /** Where budgets live. Default: in memory, for this client. A shared store shares ESI's budgets across processes. */
  store?: BudgetStore;
  /** The longest a request waits for a limit before failing with EsiThrottledError, ms. Default: no limit. */
  maxWaitMs?: number;
}

interface LimitState {
  store: BudgetStore;
  errors: ErrorLimitBudget;
  buckets: RateLimitBuckets;
}

interface Held {
  operation: OperationInfo | undefined;
  admission: ErrorAdmission;
  ticket: BucketTicket | undefined;
  /** A copy taken before the body was sent, for a replay after 420 or 429. */
  copy: Request | undefined;
}

/**
 * Keeps a client inside ESI's error limit and rate limits: waits instead of sending when a budget is spent,
 * and answers a 420 (after the error window resets) or a 429 (after Retry-After) by sending the request once more.
 */
export function limitsPlugin(options: LimitsOptions = {}): EsiPlugin {
  const threshold = options.errorLimitThreshold ?? 10;
  const maxWaitMs = options.maxWaitMs ?? Infinity;
  if (!(threshold >= 0)) throw new EsiUsageError(`limits.errorLimitThreshold must be 0 or more, got ${String(threshold)}`);
  if (!(maxWaitMs >= 0)) throw new EsiUsageError(`limits.maxWaitMs must be 0 or more, got ${String(maxWaitMs)}`);

  return {
    name: "limits",
    middleware(view: ClientView): Middleware {
      const { core } = view;
      const state = core.state<LimitState>("limits", () => createState(core, options.store, threshold));
      const held = new Map<string, Held>();

      const waitFor = (operation: OperationInfo | undefined, signal: AbortSignal | null): Wait =>
        createWait({ events: core.events, operationId: operation?.operationId, maxWaitMs, signal });

      /** Waits for both budgets, then holds a place in them until `release`. */
      const admit = async (request: Request, operation: OperationInfo | undefined, params: { path?: Record<string, unknown> }, wait: Wait) => {
        const authenticated = request.headers.has("Authorization") || view.characterId !== undefined || (operation?.scopes.length ?? 0) > 0;
        const pathCharacter = params.path?.character_id;
        const characterId = view.characterId ?? (typeof pathCharacter === "number" ? pathCharacter : undefined);
        const target = state.buckets.target(operation, { authenticated, characterId });
        const ticket = target ? await state.buckets.admit(target, operation, wait) : undefined;
        try {
          return { ticket, admission: await state.errors.admit(wait) };
        } catch (error) {
          if (ticket) await state.buckets.settle(ticket, undefined, undefined, operation);
          throw error;
        }
      };

      const release = async (entry: Held, response: Response | undefined): Promise<LimitSnapshot | undefined> => {
        const snapshot = response ? readLimitSnapshot(response.headers) : undefined;
        if (snapshot) state.buckets.learn(entry.operation, snapshot);
        await state.errors.settle(entry.admission, snapshot);
        if (entry.ticket) await state.buckets.settle(entry.ticket, response?.status, snapshot, entry.operation);
        return snapshot;
      };

      return {
        async onRequest({ request, schemaPath, params, id }) {
          const operation = operationForRoute(request.method, schemaPath);
          const { ticket, admission } = await admit(request, operation, params, waitFor(operation, request.signal));
          held.set(id, { operation, admission, ticket, copy: request.body ? request.clone() : undefined });
          return undefined;
        },

        async onResponse({ request, response, params, id }) {
          const entry = held.get(id);
          if (!entry) return undefined;
          held.delete(id);
          const snapshot = await release(entry, response);
          if (response.status !== 420 && response.status !== 429) return undefined;

          // Sent once more: after the error window resets (420), or after Retry-After (429).
          const { operation } = entry;
          const wait = waitFor(operation, request.signal);
          const started = Date.now();
          let again: Awaited<ReturnType<typeof admit>>;
          try {
            if (response.status === 429) await wait(snapshot?.retryAfterMs ?? 1000, "rate-limit", entry.ticket?.target.group ?? snapshot?.rateLimitGroup);
            again = await admit(request, operation, params, wait);
          } catch (error) {
            if (error instanceof EsiThrottledError) return undefined; // too long a wait: the caller gets the 420/429
            throw error;
          }
          const replay: Held = { operation, admission: again.admission, ticket: again.ticket, copy: undefined };
          core.events.emit("retry", {
            operationId: operation?.operationId,
            method: request.method,
            url: request.url,
            attempt: 1,
            reason: `status ${response.status}`,
            delayMs: Date.now() - started,
          });
          await response.body?.cancel().catch(() => undefined);
          let answer: Response;
          try {
            answer = await core.send(entry.copy ?? request.clone());
          } catch (error) {
            await release(replay, undefined);
            throw error;
          }
          await release(replay, answer);
          noteResponse(answer, { retries: 1 + (getResponseInfo(response)?.retries ?? 0) });
          return answer;
        },

        async onError({ id }) {
          const entry = held.get(id);
          held.delete(id);
          if (entry) await release(entry, undefined);
          return undefined;
        },
      };
    },
  };
}

function createState(core: EsiCore, store: BudgetStore | undefined, threshold: number): LimitState {
  const chosen = store ?? new MemoryBudgetStore();
  const errors = new ErrorLimitBudget(chosen, { threshold });
  // The transport retries 5xx below the middleware: each retry is an error ESI counted that no response reported yet.
  core.events.on("retry", (retry) => {
    if (/^status 5\d\d$/.test(retry.reason)) errors.noteUnreportedError();
  });
  return { store: chosen, errors, buckets: new RateLimitBuckets(chosen) };
}
