/**
 * esikit/runtime: the client, generic over a generation, with no generation of its own. An app's `esi/index.js`
 * (written by `npx esikit generate`) binds its generation with it; `import { createEsiClient } from "esikit"` is
 * the same, bound to the generation the package ships.
 */
export { createClientFor, DEFAULT_BASE_URL, type EsiClient, type EsiClientFor, type EsiClientOptions, type EsiLanguage } from "./client.ts";
export {
  defineGeneration,
  type Generation,
  type GenerationInput,
  type GenerationMeta,
  type OperationInfo,
  type OperationRow,
  type OpsOf,
  type ParameterRow,
  type ParameterSchema,
  type PathsOf,
} from "./generation.ts";
export type { OperationCalls, OperationData, OperationIdOf, OperationParams, OperationResult } from "./operation-call.ts";
export { EsiError, EsiUsageError, type EsiErrorBody } from "./errors.ts";
export { EsiEventEmitter, type EsiEvents, type EsiEventName, type CacheOutcome } from "./events.ts";
export { orThrow } from "./result.ts";
export type { EsiCall, ResponseInfo } from "./pipeline/call.ts";
export type { Layer, Next } from "./pipeline/compose.ts";
export type { EsiCore, EsiPlugin } from "./pipeline/core.ts";
export type { Clock } from "./clock.ts";
export { systemClock } from "./clock.ts";
export type { RetryOptions } from "./retry/retry-layer.ts";
export type { FetchFunction } from "./transport/transport.ts";
export { createSso, Sso, type CodeExchange, type LoggedIn, type SsoOptions, type VerifiedToken } from "./auth/create-sso.ts";
export { InvalidGrantError, MissingScopeError, NotLoggedInError, SsoError, StateMismatchError, TokenVerificationError } from "./auth/errors.ts";
export type { AuthorizationRequest, AuthorizationStart } from "./auth/authorization-url.ts";
export type { TokenResponse } from "./auth/token-requests.ts";
export type { TokenInput, TokenEventName } from "./auth/token-manager.ts";
export type { SsoMetadata } from "./auth/sso-metadata.ts";
export { codeChallengeS256 } from "./auth/pkce.ts";
export { MemoryTokenStore } from "./stores/memory-token-store.ts";
export { FileTokenStore, type FileTokenStoreOptions } from "./stores/file-token-store.ts";
export type { TokenSet, TokenStore } from "./stores/types.ts";
export type { CacheOptions } from "./cache/cache-layer.ts";
export { MemoryCacheStore } from "./stores/memory-cache-store.ts";
export type { CachedResponse, CacheStore } from "./stores/types.ts";
export { parseCacheControl, parseEtag, parseExpires, parseLastModified, parseWarning, type CacheControl, type EsiWarning } from "./headers/cache-headers.ts";
export { EsiNetworkError } from "./transport/network-error.ts";
export { EsiBadResponseError } from "./transport/bad-response-error.ts";
export { ResponseValidationError } from "./validation/response-validation-error.ts";
export type { ValidateOptions } from "./validation/validate-layer.ts";
export type { LimitsOptions } from "./limits/limits-layer.ts";
export { EsiThrottledError } from "./limits/throttled-error.ts";
export { DEFAULT_MAX_WAIT_MS } from "./limits/waiter.ts";
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
  type LimitHeaders,
  type LimitSnapshot,
  type RateLimitBudget,
} from "./headers/limit-headers.ts";
export { parseXPages } from "./headers/pages-header.ts";
export { fetchAllPages, iteratePages, type Page, type PagesOptions } from "./paging/pages.ts";
export { fetchAllRecords, fetchChanges, iterateCursor, type Cursor, type CursorPage, type CursorResult, type CursorWalkOptions } from "./paging/cursor.ts";
export { fetchAllFromId, iterateFromId, type FromIdOptions } from "./paging/from-id.ts";
export { EsiPageError } from "./paging/page-error.ts";
export { EsiPagesLimitError } from "./paging/pages-limit-error.ts";
export { DEFAULT_MAX_PAGES, DEFAULT_PAGE_CONCURRENCY } from "./paging/page-schedule.ts";
export type { CursorOperationId, CursorRecordOf, FromIdOperationId, ItemOf, PagedOperationId } from "./paging/types.ts";
export { bulk, type BulkOptions, type BulkResult } from "./bulk.ts";
