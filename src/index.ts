export { createEsiClient, DEFAULT_BASE_URL, type EsiClient, type EsiClientOptions, type EsiPaths } from "./client.ts";
export { EsiError, EsiUsageError, type EsiErrorBody, type LimitHeaders } from "./errors.ts";
export { EsiEventEmitter, type EsiEvents, type EsiEventName, type CacheOutcome } from "./events.ts";
export { orThrow } from "./result.ts";
export type { OperationCalls, OperationData, OperationParams, OperationResult } from "./operation-call.ts";
export { allOperations, allScopes, compatibilityDate, operationById, operationForRoute, type OperationId, type OperationInfo } from "./operations.ts";
export type { ClientView, EsiCore, EsiPlugin } from "./plugin.ts";
export type { ResponseInfo } from "./response-info.ts";
export type { RetryOptions } from "./transport.ts";
export { createSso, Sso, type CodeExchange, type LoggedIn, type SsoOptions, type VerifiedToken } from "./auth/create-sso.ts";
export { InvalidGrantError, MissingScopeError, NotLoggedInError, SsoError, StateMismatchError, TokenVerificationError } from "./auth/errors.ts";
export type { AuthorizationRequest, AuthorizationStart } from "./auth/authorization-url.ts";
export type { TokenResponse } from "./auth/token-requests.ts";
export type { TokenInput, TokenEventName } from "./auth/token-manager.ts";
export type { SsoMetadata } from "./auth/sso-metadata.ts";
export { codeChallengeS256 } from "./auth/pkce.ts";
export { MemoryTokenStore } from "./stores/memory-token-store.ts";
export { FileTokenStore } from "./stores/file-token-store.ts";
export type { TokenSet, TokenStore } from "./stores/types.ts";
export { cachePlugin, type CacheOptions } from "./middleware/cache.ts";
export { MemoryCacheStore } from "./stores/memory-cache-store.ts";
export type { CachedResponse, CacheStore } from "./stores/types.ts";
export { parseCacheControl, parseEtag, parseExpires, parseLastModified, parseWarning, type CacheControl, type EsiWarning } from "./headers/cache-headers.ts";
export { EsiNetworkError } from "./transport/network-error.ts";
export { ResponseValidationError } from "./validation/response-validation-error.ts";
export type { ValidateOptions } from "./validation/validate-plugin.ts";
export { limitsPlugin, type LimitsOptions } from "./middleware/limits.ts";
export { EsiThrottledError } from "./limits/throttled-error.ts";
export { MemoryBudgetStore } from "./stores/memory-budget-store.ts";
export type { BudgetStore, ErrorWindow, TakeResult } from "./stores/budget-store.ts";
export {
  HeaderParseError,
  parseErrorLimitRemain,
  parseErrorLimitReset,
  parseRateLimitGroup,
  parseRateLimitLimit,
  parseRateLimitRemaining,
  parseRateLimitUsed,
  parseRetryAfter,
  readLimitSnapshot,
  type LimitSnapshot,
  type RateLimitBudget,
} from "./headers/limit-headers.ts";
export { parseXPages } from "./headers/pages-header.ts";
export { fetchAllPages, iteratePages, type Page, type PagesOptions } from "./paging/pages.ts";
export { fetchAllRecords, fetchChanges, iterateCursor, type Cursor, type CursorPage, type CursorResult, type CursorWalkOptions } from "./paging/cursor.ts";
export { fetchAllFromId, iterateFromId, type FromIdOptions } from "./paging/from-id.ts";
export { EsiPageError } from "./paging/page-error.ts";
export type { CursorOperationId, CursorRecordOf, FromIdOperationId, ItemOf, PagedOperationId } from "./paging/types.ts";
export { bulk, type BulkOptions, type BulkResult } from "./bulk.ts";
