import type { EsiEventEmitter } from "../events.ts";
import { EsiThrottledError } from "./throttled-error.ts";

/** Waits on behalf of one request: reports each wait as a `throttled` event, and gives up past its deadline. */
export type Wait = (ms: number, reason: "error-limit" | "rate-limit", group?: string) => Promise<void>;

export function createWait(options: {
  events: EsiEventEmitter;
  operationId: string | undefined;
  maxWaitMs: number;
  signal?: AbortSignal | null;
}): Wait {
  const deadline = Date.now() + options.maxWaitMs;
  return async (ms, reason, group) => {
    if (Date.now() + ms > deadline) {
      throw new EsiThrottledError({ operationId: options.operationId, reason, group, waitMs: ms, maxWaitMs: options.maxWaitMs });
    }
    options.events.emit("throttled", { operationId: options.operationId, reason, ...(group === undefined ? {} : { group }), waitMs: ms });
    await sleep(ms, options.signal ?? undefined);
  };
}

/** setTimeout as a promise that an AbortSignal ends early (with the signal's reason). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
