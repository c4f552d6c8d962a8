import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";

/** The Redis the tests use: ESIKIT_REDIS_URL (CI sets it, see scripts/ci-redis.sh), else the local default. */
export const REDIS_URL = process.env.ESIKIT_REDIS_URL || "redis://127.0.0.1:6379";

/**
 * Whether the Redis tests run. Without ESIKIT_REDIS_URL and no Redis on the default port they are skipped
 * (a laptop without Redis); with ESIKIT_REDIS_URL set, a Redis that does not answer fails the test file (CI).
 */
export async function redisAvailability(): Promise<{ run: boolean; why: string }> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return { run: true, why: "" };
  } catch (error) {
    if (process.env.ESIKIT_REDIS_URL) {
      throw new Error(`ESIKIT_REDIS_URL is set but no Redis answers at ${REDIS_URL}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const why = `skipped: no Redis at ${REDIS_URL} (${error instanceof Error ? error.message : String(error)}); start one with \`eval "$(bash scripts/ci-redis.sh start)"\``;
    console.warn(`[redis tests] ${why}`);
    return { run: false, why };
  } finally {
    probe.disconnect();
  }
}

/** A key prefix no other test run shares, so runs in parallel (and a shared Redis) never meet. */
export function uniquePrefix(): string {
  return `esikit-test:${process.pid}-${randomUUID().slice(0, 8)}:`;
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`, "COUNT", 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}
