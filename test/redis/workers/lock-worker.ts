/**
 * A process that takes the Redis lock. Modes:
 * - "count": `rounds` times, under the lock, reads a counter, waits, writes it back plus one (a lost update
 *   shows up as a short count), and reports when it held the lock as two numbers from a Redis sequence (INCR on
 *   entering and on leaving): Redis orders them, so no clock of two processes is compared.
 * - "hold": takes the lock, says "locked", and never lets go (the test kills it).
 */
import { connectRedis } from "../../../src/stores/redis/connect-redis.ts";
import { RedisLock } from "../../../src/stores/redis/redis-lock.ts";
import { nextCommand, runWorker, tell, workerInput } from "./worker-io.ts";

interface Input {
  url: string;
  lockKey: string;
  counterKey: string;
  /** The sequence the "count" mode takes its entering and leaving numbers from. */
  sequenceKey?: string;
  mode: "count" | "hold";
  rounds?: number;
  ttlMs?: number;
}

runWorker(async () => {
  const input = workerInput<Input>();
  const redis = await connectRedis({ url: input.url });
  const lock = new RedisLock(redis, { ttlMs: input.ttlMs ?? 5000 });
  tell({ type: "ready" });
  await nextCommand(); // "go": every worker starts at once
  if (input.mode === "hold") {
    await lock.run(input.lockKey, async () => {
      tell({ type: "locked", at: Date.now() });
      await new Promise(() => undefined);
    });
    return;
  }
  const held: Array<[number, number]> = [];
  for (let i = 0; i < (input.rounds ?? 10); i++) {
    await lock.run(input.lockKey, async () => {
      const entered = await redis.incr(input.sequenceKey!);
      const value = Number((await redis.get(input.counterKey)) ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 2));
      await redis.set(input.counterKey, String(value + 1));
      held.push([entered, await redis.incr(input.sequenceKey!)]);
    });
  }
  tell({ type: "done", held });
  redis.disconnect();
});
