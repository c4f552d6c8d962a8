import { HeaderParseError, type RawHeader } from "./header-parse-error.ts";

/** X-Pages: how many pages an offset-paged route has (1 or more). Undefined when not sent. */
export function parseXPages(raw: RawHeader): number | undefined {
  if (raw == null) return undefined;
  const text = raw.trim();
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw new HeaderParseError("X-Pages", raw, "a page count of 1 or more");
  return Number(text);
}
