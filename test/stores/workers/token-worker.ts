/**
 * One app process sharing a token store with others: an Sso on the fake SSO, with a file, SQLite or Redis token
 * store. Driven by JSON lines (test/redis/support/worker-processes.ts). Commands:
 * - "refresh-many" {characters, count}: each character `count` forced refreshes, the characters side by side;
 *   answers "refreshed" with counts of successes, invalid_grant and other failures.
 * - "refresh" {characterId} and "access" {characterId}: one forced refresh, or one access token (refreshed only if
 *   expired); answers "started", then "result" with ok or the error's name and message.
 * - "write-many" {count, tag}: `count` plain writes of keys `<tag>-<i>`; answers "written".
 */
import { createSso } from "../../../src/auth/create-sso.ts";
import { InvalidGrantError } from "../../../src/auth/errors.ts";
import { FileTokenStore } from "../../../src/stores/file-token-store.ts";
import type { TokenStore } from "../../../src/stores/types.ts";
import { nextCommand, runWorker, tell, workerInput } from "../../redis/workers/worker-io.ts";

export interface TokenWorkerInput {
  store: "file" | "sqlite" | "redis";
  /** The token file or SQLite database. */
  path?: string;
  redisUrl?: string;
  prefix?: string;
  ssoUrl: string;
  /** Redis and SQLite: the refresh lock's TTL, ms. */
  lockTtlMs?: number;
  /** Per-attempt SSO timeout, ms (it also sets how long another process's refresh at SSO is waited for). */
  ssoTimeoutMs?: number;
}

async function openStore(input: TokenWorkerInput): Promise<{ store: TokenStore; close: () => Promise<void> }> {
  if (input.store === "file") return { store: new FileTokenStore(input.path!), close: async () => undefined };
  if (input.store === "sqlite") {
    const { SqliteTokenStore } = await import("../../../src/stores/sqlite-token-store.ts");
    const store = new SqliteTokenStore(input.path!, { lockTtlMs: input.lockTtlMs, lockPollMs: 5 });
    return { store, close: async () => store.close() };
  }
  const { connectRedis } = await import("../../../src/stores/redis/connect-redis.ts");
  const { RedisTokenStore } = await import("../../../src/stores/redis/redis-token-store.ts");
  const redis = await connectRedis({ url: input.redisUrl });
  const store = new RedisTokenStore(redis, { prefix: input.prefix, lock: { ttlMs: input.lockTtlMs, retryMs: 5 } });
  return { store, close: async () => void (await redis.quit()) };
}

const describeError = (error: unknown) => (error instanceof Error ? { name: error.name, message: error.message } : { name: "unknown", message: String(error) });

runWorker(async () => {
  const input = workerInput<TokenWorkerInput>();
  const { store, close } = await openStore(input);
  const sso = createSso({
    clientId: "esikit-test-client",
    clientSecret: "esikit-test-secret",
    callbackUrl: "http://127.0.0.1/callback",
    userAgent: "esikit-tests/1.0 (tests@example.com)",
    ssoBaseUrl: input.ssoUrl,
    store,
    timeoutMs: input.ssoTimeoutMs,
  });
  tell({ type: "ready" });
  for (;;) {
    const command = await nextCommand();
    if (command.type === "exit") break;
    if (command.type === "refresh-many") {
      const characters = command.characters as number[];
      const count = command.count as number;
      const tally = { ok: 0, invalidGrant: 0, failed: 0, firstFailure: undefined as unknown };
      const started = performance.now();
      await Promise.all(
        characters.map(async (characterId) => {
          for (let i = 0; i < count; i++) {
            try {
              await sso.refresh(characterId);
              tally.ok++;
            } catch (error) {
              if (error instanceof InvalidGrantError) tally.invalidGrant++;
              else tally.failed++;
              tally.firstFailure ??= describeError(error);
            }
          }
        }),
      );
      tell({ type: "refreshed", ...tally, ms: Math.round(performance.now() - started) });
    } else if (command.type === "refresh" || command.type === "access") {
      const characterId = command.characterId as number;
      tell({ type: "started" });
      try {
        if (command.type === "refresh") await sso.refresh(characterId);
        else await sso.accessToken(characterId);
        tell({ type: "result", ok: true });
      } catch (error) {
        tell({ type: "result", ok: false, error: describeError(error) });
      }
    } else if (command.type === "write-many") {
      for (let i = 0; i < (command.count as number); i++) {
        await store.set(`${command.tag as string}-${i}`, { accessToken: `a-${i}`, refreshToken: `r-${i}`, expiresAt: 0, scopes: [] });
      }
      tell({ type: "written" });
    }
  }
  await close();
});
