export { createEsiClient, DEFAULT_BASE_URL, type EsiClient, type EsiClientOptions, type EsiPaths } from "./client.ts";
export { EsiError, EsiUsageError, type EsiErrorBody, type LimitHeaders } from "./errors.ts";
export { EsiEventEmitter, type EsiEvents, type EsiEventName, type CacheOutcome } from "./events.ts";
export { orThrow } from "./result.ts";
export type { OperationCalls, OperationData, OperationParams, OperationResult } from "./operation-call.ts";
export { allOperations, allScopes, compatibilityDate, operationById, operationForRoute, type OperationId, type OperationInfo } from "./operations.ts";
export type { ClientView, EsiCore, EsiPlugin } from "./plugin.ts";
export type { ResponseInfo } from "./response-info.ts";
export type { RetryOptions } from "./transport.ts";
