import { readdir, readFile, stat } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { SpecError } from "./spec-error.ts";

export interface SpecBytes {
  raw: Buffer;
  origin: string;
  /** "file", "live" or "cache": a spec from the cache need not be cached again. */
  kind: "file" | "live" | "cache";
}

export interface SourceOptions {
  /** --spec FILE or ESIKIT_SPEC. */
  specFile?: string;
  /** Skip live ESI (--offline). */
  offline?: boolean;
  esiBaseUrl?: string;
  userAgent?: string;
  timeoutMs?: number;
  cacheDir: string;
  /** Local copies tried last, in order, when nothing else answers (documented in the README). */
  fallbackFiles?: string[];
  fetch?: typeof fetch;
}

/**
 * Finds the spec to generate from: an explicit file, else live ESI (newest compatibility date), else the
 * newest spec kept in swagger-cache/, else a documented local copy. Says everything it tried when all fail.
 */
export async function findSpec(options: SourceOptions): Promise<SpecBytes> {
  if (options.specFile) {
    const path = resolve(options.specFile);
    try {
      return { raw: await readFile(path), origin: path, kind: "file" };
    } catch (error) {
      throw new SpecError(`cannot read the spec file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  const tried: string[] = [];
  if (!options.offline) {
    try {
      return await fetchLiveSpec(options);
    } catch (error) {
      tried.push(`live ESI at ${options.esiBaseUrl ?? DEFAULT_ESI}: ${(error as Error).message}`);
    }
  } else {
    tried.push("live ESI: skipped (--offline)");
  }
  const cached = await newestCachedSpec(options.cacheDir);
  if (cached) return cached;
  tried.push(`swagger-cache (${options.cacheDir}): no spec kept there`);
  for (const file of options.fallbackFiles ?? []) {
    if (existsSync(file)) return { raw: await readFile(file), origin: resolve(file), kind: "file" };
    tried.push(`${resolve(file)}: not found`);
  }
  throw new SpecError(
    `no ESI spec found. Tried:\n  - ${tried.join("\n  - ")}\n` +
      "Pass one with --spec path/to/openapi.json (or ESIKIT_SPEC=path/to/openapi.json).",
  );
}

export const DEFAULT_ESI = "https://esi.evetech.net";

async function fetchLiveSpec(options: SourceOptions): Promise<SpecBytes> {
  const base = (options.esiBaseUrl ?? DEFAULT_ESI).replace(/\/$/, "");
  const doFetch = options.fetch ?? fetch;
  const headers = { "User-Agent": options.userAgent ?? "esikit-generator (+https://github.com/esikit/esikit)", Accept: "application/json" };
  const timeout = options.timeoutMs ?? 8000;
  const datesResponse = await doFetch(`${base}/meta/compatibility-dates`, { headers, signal: AbortSignal.timeout(timeout) }).catch(
    (error: Error) => {
      throw new Error(`GET /meta/compatibility-dates failed (${describeFetchError(error)})`);
    },
  );
  if (!datesResponse.ok) throw new Error(`GET /meta/compatibility-dates answered ${datesResponse.status}`);
  const body = (await datesResponse.json()) as { compatibility_dates?: unknown };
  const dates = Array.isArray(body.compatibility_dates) ? body.compatibility_dates.filter((d): d is string => typeof d === "string") : [];
  const newest = dates.sort().at(-1);
  if (!newest) throw new Error("GET /meta/compatibility-dates listed no dates");
  const url = `${base}/meta/openapi.json?compatibility_date=${encodeURIComponent(newest)}`;
  const specResponse = await doFetch(url, {
    headers: { ...headers, "X-Compatibility-Date": newest },
    signal: AbortSignal.timeout(timeout * 4),
  }).catch((error: Error) => {
    throw new Error(`GET /meta/openapi.json failed (${describeFetchError(error)})`);
  });
  if (!specResponse.ok) throw new Error(`GET /meta/openapi.json answered ${specResponse.status}`);
  return { raw: Buffer.from(await specResponse.arrayBuffer()), origin: url, kind: "live" };
}

/** fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, "bad port") is in its cause. */
function describeFetchError(error: Error): string {
  if (error.name === "TimeoutError") return "timed out";
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string" && cause.message) return cause.message;
  return error.message;
}

/** Cache files are named "<date>-<hash12>.json"; the newest date wins, then the newest file. */
export function cacheFileName(date: string, hash: string): string {
  return `${date.replace(/[^0-9A-Za-z.-]/g, "_")}-${hash.slice(0, 12)}.json`;
}

async function newestCachedSpec(cacheDir: string): Promise<SpecBytes | undefined> {
  let names: string[];
  try {
    names = (await readdir(cacheDir)).filter((n) => /^\d{4}-\d{2}-\d{2}-[0-9a-f]{12}\.json$/.test(n));
  } catch {
    return undefined;
  }
  if (names.length === 0) return undefined;
  const entries = await Promise.all(names.map(async (name) => ({ name, mtime: (await stat(join(cacheDir, name))).mtimeMs })));
  // Newest compatibility date first; among files of one date (ESI re-ships a date), the newest kept.
  const resolved = entries.sort((a, b) => a.name.slice(0, 10).localeCompare(b.name.slice(0, 10)) || a.mtime - b.mtime);
  const newest = resolved.at(-1)!;
  const path = join(cacheDir, newest.name);
  return { raw: await readFile(path), origin: path, kind: "cache" };
}
