/**
 * Parsers for ESI's limit headers. Each header is read by exactly one function here; every function either
 * returns a value (undefined when the header is absent) or throws a HeaderParseError naming the header and
 * what was wrong: never any other exception, whatever a proxy puts in the header.
 */

import { HeaderParseError, type RawHeader } from "./header-parse-error.ts";
import { httpDate } from "./http-date.ts";

export { HeaderParseError, type RawHeader };

const INTEGER = /^\d+$/;

/**
 * The largest count a header gives: a longer run of digits is still a valid count (HTTP puts no bound on it) but
 * is read as this, so arithmetic on it (seconds to ms, now + wait) stays exact and finite.
 */
export const MAX_HEADER_COUNT = Number.MAX_SAFE_INTEGER;

/** Digits as a number, saturated at `max` (Number("9".repeat(400)) is Infinity). */
function saturated(digits: string, max: number): number {
  const value = Number(digits);
  return value > max ? max : value;
}

function nonNegativeInteger(header: string, raw: string): number {
  const text = raw.trim();
  if (!INTEGER.test(text)) throw new HeaderParseError(header, raw, "a whole number of 0 or more");
  return saturated(text, MAX_HEADER_COUNT);
}

/** X-ESI-Error-Limit-Remain: errors this client may still make in the current error window. */
export function parseErrorLimitRemain(raw: RawHeader): number | undefined {
  return raw == null ? undefined : nonNegativeInteger("X-ESI-Error-Limit-Remain", raw);
}

/** The most seconds a header may name: as milliseconds it is still a safe integer. */
const MAX_HEADER_SECONDS = Math.floor(MAX_HEADER_COUNT / 1000);

/** X-ESI-Error-Limit-Reset: seconds until the error window resets (saturated so that seconds * 1000 stays exact). */
export function parseErrorLimitReset(raw: RawHeader): number | undefined {
  return raw == null ? undefined : Math.min(nonNegativeInteger("X-ESI-Error-Limit-Reset", raw), MAX_HEADER_SECONDS);
}

/** X-Ratelimit-Group: the route group whose bucket the request spent tokens from, e.g. "char-wallet". */
export function parseRateLimitGroup(raw: RawHeader): string | undefined {
  if (raw == null) return undefined;
  const text = raw.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(text)) throw new HeaderParseError("X-Ratelimit-Group", raw, "a group name (letters, digits, - _ . :)");
  return text;
}

/** A bucket's size: `maxTokens` spent within any `windowSeconds`. */
export interface RateLimitBudget {
  maxTokens: number;
  windowSeconds: number;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** X-Ratelimit-Limit: "150/15m" (tokens per window; the window in s, m, h or d, or combined as in "1h30m"). */
export function parseRateLimitLimit(raw: RawHeader): RateLimitBudget | undefined {
  if (raw == null) return undefined;
  const expected = 'tokens per window such as "150/15m"';
  const match = /^\s*(\d{1,9})\s*\/\s*((?:\d{1,9}[smhd])+|\d{1,9})\s*$/i.exec(raw);
  if (!match) throw new HeaderParseError("X-Ratelimit-Limit", raw, expected);
  const maxTokens = Number(match[1]);
  let windowSeconds = 0;
  const window = match[2]!;
  if (/^\d+$/.test(window)) windowSeconds = Number(window);
  else for (const part of window.matchAll(/(\d+)([smhd])/gi)) windowSeconds += Number(part[1]) * UNIT_SECONDS[part[2]!.toLowerCase()]!;
  windowSeconds = Math.min(windowSeconds, MAX_HEADER_SECONDS);
  if (maxTokens <= 0 || windowSeconds <= 0) throw new HeaderParseError("X-Ratelimit-Limit", raw, `${expected}, with more than 0 tokens and seconds`);
  return { maxTokens, windowSeconds };
}

/** X-Ratelimit-Remaining: tokens left in the bucket after this request. */
export function parseRateLimitRemaining(raw: RawHeader): number | undefined {
  return raw == null ? undefined : nonNegativeInteger("X-Ratelimit-Remaining", raw);
}

/** X-Ratelimit-Used: tokens this request spent. */
export function parseRateLimitUsed(raw: RawHeader): number | undefined {
  return raw == null ? undefined : nonNegativeInteger("X-Ratelimit-Used", raw);
}

/**
 * Retry-After: either delay-seconds or an HTTP-date. Returns the milliseconds to wait from `now`
 * (0 for a date in the past), at most MAX_HEADER_COUNT: a huge wait is reported as it is, for the waiter to refuse.
 */
export function parseRetryAfter(raw: RawHeader, now: number = Date.now()): number | undefined {
  if (raw == null) return undefined;
  const text = raw.trim();
  if (INTEGER.test(text)) return saturated(text, MAX_HEADER_SECONDS) * 1000;
  let at: number;
  try {
    at = httpDate("Retry-After", text);
  } catch {
    throw new HeaderParseError("Retry-After", raw, "delay-seconds or an HTTP-date");
  }
  return Math.min(Math.max(0, at - now), MAX_HEADER_COUNT);
}

/** Everything the limit headers of one response say; a header that could not be read is left out and listed. */
export interface LimitSnapshot {
  errorLimitRemain?: number;
  errorLimitResetSeconds?: number;
  rateLimitGroup?: string;
  rateLimitBudget?: RateLimitBudget;
  rateLimitRemaining?: number;
  rateLimitUsed?: number;
  retryAfterMs?: number;
  unreadable: HeaderParseError[];
}

/** What the limit headers of a response said, as EsiError.limits carries it (the snapshot without its read errors). */
export type LimitHeaders = Omit<LimitSnapshot, "unreadable">;

/** Reads every limit header of a response; malformed ones never fail the response, they are only reported. */
export function readLimitSnapshot(headers: Headers, now: number = Date.now()): LimitSnapshot {
  const snapshot: LimitSnapshot = { unreadable: [] };
  const read = <K extends Exclude<keyof LimitSnapshot, "unreadable">>(key: K, parse: () => LimitSnapshot[K]) => {
    try {
      const value = parse();
      if (value !== undefined) snapshot[key] = value;
    } catch (error) {
      if (error instanceof HeaderParseError) snapshot.unreadable.push(error);
      else throw error;
    }
  };
  read("errorLimitRemain", () => parseErrorLimitRemain(headers.get("X-ESI-Error-Limit-Remain")));
  read("errorLimitResetSeconds", () => parseErrorLimitReset(headers.get("X-ESI-Error-Limit-Reset")));
  read("rateLimitGroup", () => parseRateLimitGroup(headers.get("X-Ratelimit-Group")));
  read("rateLimitBudget", () => parseRateLimitLimit(headers.get("X-Ratelimit-Limit")));
  read("rateLimitRemaining", () => parseRateLimitRemaining(headers.get("X-Ratelimit-Remaining")));
  read("rateLimitUsed", () => parseRateLimitUsed(headers.get("X-Ratelimit-Used")));
  read("retryAfterMs", () => parseRetryAfter(headers.get("Retry-After"), now));
  return snapshot;
}
