/**
 * The key of a kept GET: method, origin and path, the query sorted (so ?a=1&b=2 and ?b=2&a=1 share an entry),
 * the character the view acts for, and the request headers that change ESI's answer (language, API version).
 * Never the token: two tokens of one character share the character's entries, and a key can be logged.
 */
export function cacheKey(request: Request, characterId: number | undefined): string {
  const url = new URL(request.url);
  const query = [...url.searchParams.entries()]
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
  const language = request.headers.get("Accept-Language") ?? "";
  const version = request.headers.get("X-Compatibility-Date") ?? "";
  return [request.method.toUpperCase(), `${url.origin}${url.pathname}`, query, `character=${characterId ?? "-"}`, `lang=${language}`, `date=${version}`].join(" ");
}
