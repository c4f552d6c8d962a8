/**
 * One worker of an app: an esikit client whose tokens, cache and limit budgets live in Redis (or, for a
 * comparison, budgets in this process's memory), driven by the test over stdin:
 * - {type: "run", operationId, params, count, concurrency}: makes `count` calls, answers "ran" with the outcome;
 * - {type: "configure", input}: replaces the client with one made from the input changed by `input`;
 * - {type: "tokens"}: answers "tokens" with fingerprints of the tokens this worker holds (never the tokens).
 */
import { createHash } from "node:crypto";
import { createSso } from "../../../src/auth/create-sso.ts";
import { bulk } from "../../../src/bulk.ts";
import { createEsiClient } from "../../../src/index.ts";
import { EsiError } from "../../../src/errors.ts";
import { MemoryBudgetStore } from "../../../src/stores/memory-budget-store.ts";
import { connectRedisStores } from "../../../src/stores/redis/redis-stores.ts";
import { DEFAULT_FAKE_CLIENT } from "../../../src/testing/fake-sso/index.ts";
import { nextCommand, runWorker, tell, workerInput } from "./worker-io.ts";

export interface EsiWorkerInput {
  redisUrl: string;
  prefix: string;
  esiUrl: string;
  /** The fake SSO: requests that need a scope are signed with the character's token from the Redis token store. */
  ssoUrl?: string;
  characterId?: number;
  budgets?: "redis" | "memory";
  cache?: boolean;
  errorLimitThreshold?: number;
  /** limits.maxWaitMs: how long a call may wait for a budget before EsiThrottledError. */
  maxWaitMs?: number;
  retry?: false | { limit: number; backoffLimitMs: number };
  /** TTL of the Redis refresh lock, ms. */
  lockTtlMs?: number;
}

const fingerprint = (secret: string | undefined) => (secret ? createHash("sha256").update(secret).digest("hex").slice(0, 16) : undefined);

/** The worker's client; a "configure" command replaces it (same process, new options). */
async function setUp(input: EsiWorkerInput) {
  const stores = await connectRedisStores({ url: input.redisUrl, prefix: input.prefix, lock: input.lockTtlMs ? { ttlMs: input.lockTtlMs } : undefined });
  const sso = input.ssoUrl
    ? createSso({
        clientId: DEFAULT_FAKE_CLIENT.clientId,
        clientSecret: DEFAULT_FAKE_CLIENT.clientSecret,
        callbackUrl: "http://127.0.0.1/callback",
        userAgent: "esikit-tests/1.0 (redis workers)",
        ssoBaseUrl: input.ssoUrl,
        store: stores.tokens,
      })
    : undefined;
  const esi = createEsiClient({
    userAgent: "esikit-tests/1.0 (redis workers)",
    baseUrl: input.esiUrl,
    auth: sso,
    cache: input.cache === false ? false : { store: stores.cache },
    limits: { store: input.budgets === "memory" ? new MemoryBudgetStore() : stores.budgets, errorLimitThreshold: input.errorLimitThreshold, maxWaitMs: input.maxWaitMs },
    retry: input.retry,
    plugins: [stores.plugin],
  });
  const view = input.characterId === undefined ? esi : esi.as(input.characterId);
  return { stores, sso, esi, view };
}

runWorker(async () => {
  let input = workerInput<EsiWorkerInput>();
  let { stores, sso, esi, view } = await setUp(input);
  tell({ type: "ready", pid: process.pid });

  for (;;) {
    const command = await nextCommand();
    if (command.type === "exit") break;
    if (command.type === "configure") {
      await stores.close();
      input = { ...input, ...(command.input as Partial<EsiWorkerInput>) };
      ({ stores, sso, esi, view } = await setUp(input));
      tell({ type: "configured" });
      continue;
    }
    if (command.type === "tokens") {
      await sso?.tokens.load();
      const key = sso?.tokens.keys()[0];
      const held = key === undefined ? undefined : sso?.tokens.peek(key);
      tell({ type: "tokens", refreshToken: fingerprint(held?.refreshToken), accessToken: fingerprint(held?.accessToken) });
      continue;
    }
    if (command.type === "run") {
      const { operationId, params, count, concurrency } = command as unknown as { operationId: string; params: Record<string, unknown>; count: number; concurrency: number };
      const caches: Record<string, number> = {};
      const started = Date.now();
      const results = await bulk(
        Array.from({ length: count }, (_, i) => i),
        async () => {
          const { response, error } = await (view.op as unknown as Record<string, (p: unknown) => Promise<{ response: Response; error?: unknown }>>)[operationId]!(params);
          const cache = esi.info(response)?.cache ?? "none";
          caches[cache] = (caches[cache] ?? 0) + 1;
          if (!response.ok && response.status !== 304) throw new EsiError({ status: response.status, operationId, method: "GET", path: operationId, body: error as never });
          return response.status;
        },
        { concurrency },
      );
      const failures: Record<string, number> = {};
      for (const r of results) {
        if (r.ok) continue;
        const why = r.error instanceof EsiError ? String(r.error.status) : r.error instanceof Error ? `${r.error.name}: ${r.error.message}` : String(r.error);
        failures[why] = (failures[why] ?? 0) + 1;
      }
      tell({ type: "ran", ok: results.filter((r) => r.ok).length, failures, caches, ms: Date.now() - started });
    }
  }
  await stores.close();
});
