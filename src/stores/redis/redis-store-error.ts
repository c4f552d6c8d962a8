/**
 * Redis could not be reached, or a command failed. The message names the operation and the server
 * (its URL without a password), never a stored value: tokens live in these stores.
 */
export class RedisStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RedisStoreError";
  }
}

/** Runs one store command, turning ioredis's failure into a RedisStoreError that says which store step failed. */
export async function storeStep<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof RedisStoreError) throw error;
    throw new RedisStoreError(`Redis store: ${what} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
