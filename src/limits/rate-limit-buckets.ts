import { systemClock, type Clock } from "../clock.ts";
import type { LimitSnapshot, RateLimitBudget } from "../headers/limit-headers.ts";
import type { OperationInfo } from "../generation.ts";
import type { BudgetStore } from "../stores/budget-store.ts";
import { EXPECTED_COST, tokenCost } from "./token-cost.ts";
import type { Wait } from "./waiter.ts";

/** The bucket one request spends from: its group, and the character for authenticated calls. */
export interface BucketTarget {
  readonly group: string;
  readonly bucket: string;
}

/** Tokens a request holds until its response says what it really cost. */
export interface BucketTicket {
  readonly target: BucketTarget;
  readonly ticket: string;
  readonly probe: boolean;
  settled: boolean;
}

/**
 * ESI's rate limits: a floating-window token bucket per route group (and per character when authenticated).
 * Each group's budget is known from the spec before the first response and corrected by X-Ratelimit-Limit;
 * a request whose bucket is spent waits until tokens come back instead of being sent.
 * Until a bucket has seen one response, its requests go one at a time: the first answer tells the real budget.
 */
export class RateLimitBuckets {
  readonly #store: BudgetStore;
  /** Budgets ESI reported, by group: they win over the spec's. */
  readonly #reported = new Map<string, RateLimitBudget>();
  /** Groups ESI named for operations the spec gives none. */
  readonly #groupOf = new Map<string, string>();
  readonly #seen = new Set<string>();
  readonly #probes = new Map<string, Promise<void>>();
  readonly #endProbe = new Map<string, () => void>();
  readonly #clock: Clock;

  constructor(store: BudgetStore, options: { clock?: Clock } = {}) {
    this.#store = store;
    this.#clock = options.clock ?? systemClock;
  }

  /** The bucket a request spends from, or undefined when its operation has no rate limit we know of. */
  target(operation: OperationInfo | undefined, who: { authenticated: boolean; characterId: number | undefined }): BucketTarget | undefined {
    if (!operation) return undefined;
    const group = operation.rateLimit?.group ?? this.#groupOf.get(operation.operationId);
    if (!group || !this.#budget(group, operation)) return undefined;
    const bucket = who.authenticated ? `${group}:${who.characterId ?? "token"}` : group;
    return { group, bucket };
  }

  /** Waits until the bucket has tokens for a request, and spends them. */
  async admit(target: BucketTarget, operation: OperationInfo | undefined, wait: Wait): Promise<BucketTicket> {
    for (;;) {
      let probe = false;
      if (!this.#seen.has(target.bucket)) {
        const running = this.#probes.get(target.bucket);
        if (running) {
          await running;
          continue;
        }
        probe = true;
        this.#probes.set(target.bucket, new Promise<void>((resolve) => this.#endProbe.set(target.bucket, resolve)));
      }
      const budget = this.#budget(target.group, operation)!;
      const result = await this.#store.take(target.bucket, EXPECTED_COST, budget.maxTokens, budget.windowSeconds * 1000);
      if (result.granted) return { target, ticket: result.ticket, probe, settled: false };
      if (probe) this.#finishProbe(target.bucket, false);
      await wait(result.waitMs, "rate-limit", target.group);
    }
  }

  /** Spends what the response really cost, and takes in what ESI said of the bucket. */
  async settle(ticket: BucketTicket, status: number | undefined, snapshot: LimitSnapshot | undefined, operation: OperationInfo | undefined): Promise<void> {
    if (ticket.settled) return;
    ticket.settled = true;
    const { bucket, group } = ticket.target;
    try {
      if (snapshot?.rateLimitBudget && (snapshot.rateLimitGroup ?? group) === group) this.#reported.set(group, snapshot.rateLimitBudget);
      // The cost comes from the status (ESI's published costs); X-Ratelimit-Remaining then corrects the count.
      // X-Ratelimit-Used is not trusted as the cost: servers disagree on whether it counts this request or the window.
      const cost = status === undefined ? 0 : tokenCost(status);
      await this.#store.settle(bucket, ticket.ticket, cost);
      const budget = this.#budget(group, operation);
      if (budget && snapshot?.rateLimitRemaining !== undefined) {
        // A 429 says when tokens come back (Retry-After); other answers only that they are spent.
        const releaseAt = status === 429 && snapshot.retryAfterMs !== undefined ? this.#clock.now() + snapshot.retryAfterMs : undefined;
        await this.#store.observe(bucket, snapshot.rateLimitRemaining, budget.maxTokens, budget.windowSeconds * 1000, releaseAt);
      }
    } finally {
      if (ticket.probe) this.#finishProbe(bucket, status !== undefined);
    }
  }

  /** Learns the group of an operation the spec gives none, from the response's X-Ratelimit-Group and -Limit. */
  learn(operation: OperationInfo | undefined, snapshot: LimitSnapshot): void {
    if (!operation || operation.rateLimit || !snapshot.rateLimitGroup || !snapshot.rateLimitBudget) return;
    this.#groupOf.set(operation.operationId, snapshot.rateLimitGroup);
    this.#reported.set(snapshot.rateLimitGroup, snapshot.rateLimitBudget);
  }

  #budget(group: string, operation: OperationInfo | undefined): RateLimitBudget | undefined {
    const reported = this.#reported.get(group);
    if (reported) return reported;
    const fromSpec = operation?.rateLimit;
    return fromSpec && fromSpec.group === group ? { maxTokens: fromSpec.maxTokens, windowSeconds: fromSpec.windowSeconds } : undefined;
  }

  #finishProbe(bucket: string, answered: boolean): void {
    if (answered) this.#seen.add(bucket);
    this.#probes.delete(bucket);
    this.#endProbe.get(bucket)?.();
    this.#endProbe.delete(bucket);
  }
}
