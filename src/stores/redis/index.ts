/** esikit's Redis stores (ioredis): tokens, response cache and limit budgets shared by many worker processes. */
export { connectRedisStores, type RedisStores, type RedisStoresOptions } from "./redis-stores.ts";
export { connectRedis, DEFAULT_REDIS_URL, type RedisConnectionOptions } from "./connect-redis.ts";
export { RedisTokenStore, type RedisTokenStoreOptions } from "./redis-token-store.ts";
export { RedisCacheStore, type RedisCacheStoreOptions } from "./redis-cache-store.ts";
export { RedisBudgetStore, type RedisBudgetStoreOptions } from "./redis-budget-store.ts";
export { RedisLock, type RedisLockOptions } from "./redis-lock.ts";
export { RedisStoreError } from "./redis-store-error.ts";
