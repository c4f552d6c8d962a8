import { parseEtag, parseLastModified } from "../headers/cache-headers.ts";
import { HeaderParseError } from "../headers/header-parse-error.ts";
import type { CachedResponse } from "../stores/types.ts";
import { BufferedResponse } from "../transport/buffered-response.ts";

// Not kept: they describe one transfer, not the content (the kept body is already decoded, its length may differ).
const TRANSFER_HEADERS = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "set-cookie"]);

/** What the store keeps of a 200: status, headers, the body text and the validators. */
export function toCachedResponse(response: Response, body: string, receivedAt: number, freshUntil: number): CachedResponse {
  const headers: Array<[string, string]> = [];
  response.headers.forEach((value, name) => {
    if (!TRANSFER_HEADERS.has(name)) headers.push([name, value]);
  });
  const entry: CachedResponse = { status: response.status, headers, body, storedAt: receivedAt, freshUntil };
  const etag = tryRead(() => parseEtag(response.headers.get("ETag")));
  if (etag) entry.etag = etag;
  const lastModified = response.headers.get("Last-Modified");
  if (lastModified && tryRead(() => parseLastModified(lastModified)) !== undefined) entry.lastModified = lastModified;
  return entry;
}

/**
 * The kept entry after a 304: the 304's headers replace the kept ones (they carry the new Expires, ETag and
 * limits), the body stays.
 */
export function refreshCachedResponse(entry: CachedResponse, notModified: Response, receivedAt: number, freshUntil: number): CachedResponse {
  const merged = new Map(entry.headers.map(([k, v]) => [k.toLowerCase(), v] as [string, string]));
  notModified.headers.forEach((value, name) => {
    if (!TRANSFER_HEADERS.has(name) && name !== "content-type") merged.set(name, value);
  });
  const next: CachedResponse = { ...entry, headers: [...merged.entries()], storedAt: receivedAt, freshUntil };
  const etag = tryRead(() => parseEtag(notModified.headers.get("ETag")));
  if (etag) next.etag = etag;
  const lastModified = notModified.headers.get("Last-Modified");
  if (lastModified && tryRead(() => parseLastModified(lastModified)) !== undefined) next.lastModified = lastModified;
  return next;
}

/** A fresh Response from a kept entry (each caller gets its own: a body can be read once). */
export function fromCachedResponse(entry: CachedResponse, url: string): BufferedResponse {
  return new BufferedResponse(entry.body, { status: entry.status, headers: entry.headers }, url);
}

function tryRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof HeaderParseError) return undefined;
    throw error;
  }
}
