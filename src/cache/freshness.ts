import { parseCacheControl, parseDateHeader, parseExpires } from "../headers/cache-headers.ts";
import { HeaderParseError } from "../headers/header-parse-error.ts";

export interface Freshness {
  /** Whether the response may be kept at all (not `no-store`). */
  storable: boolean;
  /** Until when it may be served without asking ESI, epoch ms. `receivedAt` itself means "revalidate every time". */
  freshUntil: number;
}

/**
 * How long a response stays fresh, in ESI's order: Cache-Control max-age first (the signal of the event-driven
 * routes, where Expires means nothing), then Expires read relative to Date (so a skewed local clock does not
 * matter), then the operation's cache seconds from the spec. With none of them, it is never fresh: kept only to be
 * revalidated. A header that cannot be read counts as absent, except Expires, which then means "already expired".
 */
export function freshness(headers: Headers, receivedAt: number, cacheSeconds: number | null | undefined): Freshness {
  const control = readOrUndefined(() => parseCacheControl(headers.get("Cache-Control")));
  if (control?.noStore) return { storable: false, freshUntil: receivedAt };
  if (control?.noCache) return { storable: true, freshUntil: receivedAt };
  if (control?.maxAge !== undefined) return { storable: true, freshUntil: receivedAt + control.maxAge * 1000 };

  if (headers.has("Expires")) {
    let expires: number | undefined;
    try {
      expires = parseExpires(headers.get("Expires"));
    } catch (error) {
      if (!(error instanceof HeaderParseError)) throw error;
      return { storable: true, freshUntil: receivedAt };
    }
    const date = readOrUndefined(() => parseDateHeader(headers.get("Date"))) ?? receivedAt;
    return { storable: true, freshUntil: receivedAt + Math.max(0, (expires ?? date) - date) };
  }
  if (typeof cacheSeconds === "number" && cacheSeconds > 0) return { storable: true, freshUntil: receivedAt + cacheSeconds * 1000 };
  return { storable: true, freshUntil: receivedAt };
}

function readOrUndefined<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof HeaderParseError) return undefined;
    throw error;
  }
}
