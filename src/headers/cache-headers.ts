import { memoParse } from "./parse-memo.ts";
/**
 * Parsers for the headers the cache and the warning event read. Each header is read by exactly one function;
 * each returns a value (undefined when the header is absent) or throws a HeaderParseError naming the header and
 * what was wrong: never any other exception, whatever a proxy puts in the header.
 */
import { HeaderParseError, type RawHeader } from "./header-parse-error.ts";
import { httpDate } from "./http-date.ts";

/**
 * Expires: when the response goes stale, epoch ms. Legacy ESI routes only; since 2026 event-driven routes
 * send Cache-Control max-age and Expires means nothing there (max-age wins). An invalid value, "0" included,
 * throws: RFC 9111 says to treat it as already expired, which is what the cache does with the error.
 */
export function parseExpires(raw: RawHeader): number | undefined {
  return raw == null ? undefined : httpDate("Expires", raw);
}

/** Date: when the origin made the response, epoch ms (Expires is read relative to it, against clock skew). */
export function parseDateHeader(raw: RawHeader): number | undefined {
  return raw == null ? undefined : httpDate("Date", raw);
}

/** Last-Modified, epoch ms: sent back as If-Modified-Since when revalidating. */
export function parseLastModified(raw: RawHeader): number | undefined {
  return raw == null ? undefined : httpDate("Last-Modified", raw);
}

/** The Cache-Control directives the cache acts on. */
export interface CacheControl {
  /** Seconds the response stays fresh (max-age). */
  maxAge?: number;
  /** Keep nothing (no-store). */
  noStore: boolean;
  /** May be kept, but must be revalidated before every use (no-cache). */
  noCache: boolean;
  /** Every directive as sent, names lower-cased; a directive without a value is `true`. */
  directives: Record<string, string | true>;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const DIRECTIVE = new RegExp(`^(${TOKEN})(?:=(?:(${TOKEN})|"((?:[^"\\\\]|\\\\.)*)"))?$`);

/** Cache-Control: comma-separated directives (RFC 9111 5.2), e.g. "public, max-age=300". */
export function parseCacheControl(raw: RawHeader): CacheControl | undefined {
  return raw == null ? undefined : cacheControlOf(raw);
}

/** Parsed once per distinct value (ESI sends a handful); the result is frozen, shared by every response with it. */
const cacheControlOf = memoParse((raw: string): CacheControl => {
  const directives: Record<string, string | true> = Object.create(null);
  for (const part of splitOutsideQuotes(raw)) {
    const text = part.trim();
    if (text === "") continue;
    const m = DIRECTIVE.exec(text);
    if (!m) throw new HeaderParseError("Cache-Control", raw, "a list of directives such as \"public, max-age=300\"");
    const name = m[1]!.toLowerCase();
    const value = m[2] ?? (m[3] === undefined ? true : m[3].replace(/\\(.)/g, "$1"));
    // The first occurrence wins (RFC 9111 4.2.1 asks caches to treat duplicates as invalid; first is the safe read).
    if (!(name in directives)) directives[name] = value;
  }
  let maxAge: number | undefined;
  const rawMaxAge = directives["max-age"];
  if (rawMaxAge !== undefined) {
    if (rawMaxAge === true || !/^\d{1,15}$/.test(rawMaxAge)) throw new HeaderParseError("Cache-Control", raw, "a max-age of whole seconds");
    maxAge = Number(rawMaxAge);
  }
  const result: CacheControl = { noStore: "no-store" in directives, noCache: "no-cache" in directives, directives: { ...directives } };
  if (maxAge !== undefined) result.maxAge = maxAge;
  return Object.freeze(result);
});

function splitOutsideQuotes(text: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === "\\" && i + 1 < text.length) {
      current += c + text[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === "," && !quoted) {
      parts.push(current);
      current = "";
    } else current += c;
  }
  parts.push(current);
  return parts;
}

/**
 * ETag: the entity tag exactly as sent (quotes and any W/ kept), ready to go back in If-None-Match.
 * RFC 9110 8.8.3: optional W/, then a quoted string of visible characters without `"`.
 */
export function parseEtag(raw: RawHeader): string | undefined {
  if (raw == null) return undefined;
  const text = raw.trim();
  if (!/^(W\/)?"[\x21\x23-\x7e\x80-\xff]*"$/.test(text)) throw new HeaderParseError("ETag", raw, 'an entity tag such as "abc" or W/"abc"');
  return text;
}

/** One Warning (RFC 7234 5.5): ESI sends 199 (a newer version of the route exists) and 299 (deprecated). */
export interface EsiWarning {
  code: number;
  agent: string;
  text: string;
  date?: number;
}

const WARNING = /^\s*(\d{3})\s+([^\s",]+)\s+"((?:[^"\\]|\\.)*)"(?:\s+"([^"]*)")?\s*(?:,|$)/;

/** Warning: one or more `code agent "text" ["date"]`, comma-separated. */
export function parseWarning(raw: RawHeader): EsiWarning[] | undefined {
  if (raw == null) return undefined;
  const warnings: EsiWarning[] = [];
  let rest = raw;
  while (rest.trim() !== "") {
    const m = WARNING.exec(rest);
    if (!m) throw new HeaderParseError("Warning", raw, 'warnings such as 299 - "This route is deprecated"');
    const warning: EsiWarning = { code: Number(m[1]), agent: m[2]!, text: m[3]!.replace(/\\(.)/g, "$1") };
    if (m[4] !== undefined) {
      try {
        warning.date = httpDate("Warning", m[4]);
      } catch {
        throw new HeaderParseError("Warning", raw, "warnings whose date is an HTTP-date");
      }
    }
    warnings.push(warning);
    rest = rest.slice(m[0].length);
  }
  if (warnings.length === 0) throw new HeaderParseError("Warning", raw, 'warnings such as 299 - "This route is deprecated"');
  return warnings;
}
