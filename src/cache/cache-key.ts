/**
 * The key of a kept GET, the one function both the cache layer and the front door's fast path use: method, URL
 * with the query sorted (so ?a=1&b=2 and ?b=2&a=1 share an entry), the character the call acts for, and what
 * changes ESI's answer besides the URL (language, API version). Never the token: two tokens of one character share
 * the character's entries, and a key can be logged.
 */
export function cacheKey(method: string, url: string, characterId: number | undefined, language: string, compatibilityDate: string | null): string {
  const at = url.indexOf("?");
  const where = at === -1 ? url : url.slice(0, at);
  const query = at === -1 ? "" : url.slice(at + 1).split("&").sort().join("&");
  return `${method} ${where} ${query} character=${characterId ?? "-"} lang=${language} date=${compatibilityDate ?? ""}`;
}
