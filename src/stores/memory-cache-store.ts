import { LRUCache } from "lru-cache";
import type { CachedResponse, CacheStore } from "./types.ts";

/**
 * The default cache store: in memory, least recently used entries evicted once the kept responses pass
 * `maxBytes` (roughly: body and header text as UTF-16 would weigh, 2 bytes a character). No TTL: entries outlive
 * their Expires so they can be revalidated with If-None-Match; only eviction drops them.
 */
export class MemoryCacheStore implements CacheStore {
  readonly #lru: LRUCache<string, CachedResponse>;

  constructor(options: { maxBytes?: number } = {}) {
    const maxBytes = options.maxBytes ?? 50 * 1024 * 1024;
    if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new RangeError(`MemoryCacheStore maxBytes must be a positive whole number, got ${String(maxBytes)}`);
    this.#lru = new LRUCache<string, CachedResponse>({ maxSize: maxBytes, sizeCalculation: (value, key) => Math.max(1, weigh(key, value)) });
  }

  get(key: string): CachedResponse | undefined {
    return this.#lru.get(key);
  }

  set(key: string, value: CachedResponse): void {
    // An entry larger than the whole cache is not kept (lru-cache would refuse it anyway).
    this.#lru.set(key, value);
  }

  delete(key: string): void {
    this.#lru.delete(key);
  }

  /** Bytes held now, by the same measure as maxBytes. */
  get size(): number {
    return this.#lru.calculatedSize;
  }

  get entries(): number {
    return this.#lru.size;
  }
}

function weigh(key: string, value: CachedResponse): number {
  let chars = key.length + value.body.length + (value.etag?.length ?? 0) + (value.lastModified?.length ?? 0) + 64;
  for (const [name, text] of value.headers) chars += name.length + text.length;
  return chars * 2;
}
