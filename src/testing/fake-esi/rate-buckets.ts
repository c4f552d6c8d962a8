import { formatWindow } from "./spec-routes.ts";

/** The token cost of an answer, as ESI charges it: 2xx 2, 3xx 1, 4xx 5 (429 none), 5xx none. */
export function tokenCost(status: number): number {
  if (status >= 200 && status < 300) return 2;
  if (status >= 300 && status < 400) return 1;
  if (status >= 400 && status < 500 && status !== 429) return 5;
  return 0;
}

/**
 * ESI's floating-window rate limit per group and per caller (the character for authenticated calls, else the
 * client): tokens spent return when they leave the window. A caller whose bucket is spent gets 429 + Retry-After.
 */
export class RateBuckets {
  #spent = new Map<string, Array<{ at: number; cost: number }>>();

  #used(key: string, windowMs: number, now: number): { used: number; entries: Array<{ at: number; cost: number }> } {
    const entries = (this.#spent.get(key) ?? []).filter((e) => now - e.at < windowMs);
    this.#spent.set(key, entries);
    return { used: entries.reduce((sum, e) => sum + e.cost, 0), entries };
  }

  /** Ms until the bucket has a token again, or 0 when the request may go ahead. */
  waitMs(key: string, maxTokens: number, windowMs: number, now: number): number {
    const { used, entries } = this.#used(key, windowMs, now);
    if (used < maxTokens) return 0;
    let freed = used;
    for (const e of entries) {
      freed -= e.cost;
      if (freed < maxTokens) return Math.max(1, e.at + windowMs - now);
    }
    return windowMs;
  }

  spend(key: string, cost: number, now: number): void {
    if (cost <= 0) return;
    const entries = this.#spent.get(key) ?? [];
    entries.push({ at: now, cost });
    this.#spent.set(key, entries);
  }

  headers(key: string, group: string, maxTokens: number, windowMs: number, now: number): Record<string, string> {
    const { used } = this.#used(key, windowMs, now);
    return {
      "X-Ratelimit-Group": group,
      "X-Ratelimit-Limit": `${maxTokens}/${formatWindow(Math.round(windowMs / 1000))}`,
      "X-Ratelimit-Remaining": String(Math.max(0, maxTokens - used)),
      "X-Ratelimit-Used": String(used),
    };
  }

  reset(): void {
    this.#spent.clear();
  }
}
