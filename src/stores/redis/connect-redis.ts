import { Redis } from "ioredis";
import { redactSecrets } from "../../errors/safe-cause.ts";
import { RedisStoreError } from "./redis-store-error.ts";

export interface RedisConnectionOptions {
  /** Default redis://127.0.0.1:6379. rediss:// for TLS; a password in the URL never shows in an error. */
  url?: string;
  /** How long the first connection may take before Redis counts as unreachable, ms. Default 2000. */
  connectTimeoutMs?: number;
}

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/**
 * Connects to Redis and waits until it answers, or fails with a RedisStoreError naming the server and the
 * reason (e.g. ECONNREFUSED): Redis down at start-up is an error the app sees, never a silent hang.
 * Once connected, a lost connection is retried in the background, and a command that cannot be sent
 * within one reconnection fails (RedisStoreError) instead of queueing forever.
 */
export async function connectRedis(options: RedisConnectionOptions = {}): Promise<Redis> {
  const url = options.url ?? DEFAULT_REDIS_URL;
  const connectTimeoutMs = options.connectTimeoutMs ?? 2000;
  // The URL's password (and user name) may be echoed by an error: looked for in every message and cause.
  const secrets = credentialsOf(url);
  const reasonOf = (error: unknown) => redactSecrets(error instanceof Error ? error.message : String(error), secrets);
  let lastError: Error | undefined;
  let redis: Redis;
  try {
    redis = new Redis(url, {
      lazyConnect: true,
      connectTimeout: connectTimeoutMs,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
  } catch (error) {
    throw new RedisStoreError(`Redis store: cannot use ${redact(url)}: ${reasonOf(error)}`, { cause: error, secrets });
  }
  // ioredis reports connection trouble as 'error' events; kept for the message instead of printed to the console.
  redis.on("error", (error: Error) => {
    lastError = error;
  });
  try {
    await withTimeout(redis.connect(), connectTimeoutMs + 500);
    await withTimeout(redis.ping(), connectTimeoutMs);
    return redis;
  } catch (error) {
    redis.disconnect();
    const reason = reasonOf(lastError ?? error);
    const refused = /^(WRONGPASS|NOAUTH|NOPERM)\b/.test(reason);
    const what = refused ? "refused the credentials of the URL" : "is unreachable";
    throw new RedisStoreError(`Redis store: Redis at ${redact(url)} ${what}: ${reason}`, { cause: lastError ?? error, secrets });
  }
}

/** The password of a redis:// URL, as written and decoded. */
function credentialsOf(url: string): string[] {
  try {
    const { password } = new URL(url);
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    const match = /\/\/[^:@/]*:([^@/]*)@/.exec(url);
    return match?.[1] ? [match[1]] : [];
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, (_, auth: string) => `//${auth.includes(":") ? `${auth.split(":")[0]}:***` : "***"}@`);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
