import { safeCause } from "../../errors/safe-cause.ts";

/**
 * Redis could not be reached, or a command failed. The message names the operation and the server
 * (its URL without a password), never a stored value: tokens live in these stores. Its cause is scrubbed to a
 * name, a code and a redacted message: ioredis's own errors carry the command and its arguments (AUTH and its
 * password, HSET and a token set).
 */
export class RedisStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown; secrets?: readonly string[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: safeCause(options.cause, options.secrets) });
    this.name = "RedisStoreError";
  }
}

/** Runs one store command, turning ioredis's failure into a RedisStoreError that says which store step failed. */
export async function storeStep<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof RedisStoreError) throw error;
    const reason = safeCause(error).message;
    throw new RedisStoreError(`Redis store: ${what} failed: ${reason}`, { cause: error });
  }
}
