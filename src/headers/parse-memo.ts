/**
 * Remembers what a header parser made of a value: ESI sends a handful of distinct Cache-Control values, and one
 * Date/Expires/Last-Modified value per second, so most responses parse text already parsed. Bounded: past `max`
 * values the memory starts over (no eviction bookkeeping on the hot path). Only successes are kept; a value that
 * fails to parse throws again each time.
 */
export function memoParse<T>(parse: (raw: string) => T, max = 512): (raw: string) => T {
  let seen = new Map<string, T>();
  return (raw) => {
    const known = seen.get(raw);
    if (known !== undefined) return known;
    const value = parse(raw);
    if (seen.size >= max) seen = new Map();
    seen.set(raw, value);
    return value;
  };
}
