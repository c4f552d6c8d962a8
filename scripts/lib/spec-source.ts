import { readdir, readFile, stat } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { SpecError } from "./spec-error.ts";

/**
 * Where the spec came from and why, for generation to say (and `--check` to tell "stale" from "could not ask").
 */
export interface SpecProvenance {
  /** file: --spec; live: ESI itself; cache: a spec kept from an earlier generation; fallback: a documented local copy. */
  source: "file" | "live" | "cache" | "fallback";
  origin: string;
  /** info.version of the spec used (the compatibility date of an ESI 3.x spec), when it could be read. */
  date?: string;
  /** One line: why this source. */
  why: string;
  /** Live ESI was to be asked but could not be: the reason. Absent when live answered, or was not to be asked. */
  liveUnreachable?: string;
  /**
   * The other local specs (cache, fallback copies) with their compatibility dates, newest first: a warning names
   * those newer than the spec used (its date is known once it is parsed; a --spec file is not read twice for it).
   */
  known: Array<{ date: string; origin: string }>;
}

export interface SpecBytes {
  raw: Buffer;
  origin: string;
  /** "file", "live" or "cache": a spec from the cache need not be cached again. */
  kind: "file" | "live" | "cache";
  provenance: SpecProvenance;
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
  /** Local copies, looked at beside the cache when live ESI is not asked or does not answer (documented in the README). */
  fallbackFiles?: string[];
  fetch?: typeof fetch;
  /** Told where the spec came from and why, as soon as it is found (generation prints it). */
  onSource?(provenance: SpecProvenance): void;
}

/** A spec kept locally (swagger-cache/ or a fallback copy), with its date. */
interface LocalSpec {
  path: string;
  /** Compatibility date (from the cache file's name, or the copy's info.version); "" when unknown. */
  date: string;
  source: "cache" | "fallback";
  mtime: number;
}

const isDate = (text: string) => /^\d{4}-\d{2}-\d{2}$/.test(text);

/**
 * Finds the spec to generate from: an explicit file, else live ESI (newest compatibility date), else the newest of
 * the local specs (kept in swagger-cache/, or a documented local copy; newest compatibility date first, the cache
 * first among equals). Says where it came from and why; says everything it tried when all fail.
 */
export async function findSpec(options: SourceOptions): Promise<SpecBytes> {
  const found = await locate(options);
  options.onSource?.(found.provenance);
  return found;
}

async function locate(options: SourceOptions): Promise<SpecBytes> {
  if (options.specFile) {
    const path = resolve(options.specFile);
    let raw: Buffer;
    try {
      raw = await readFile(path);
    } catch (error) {
      throw new SpecError(`cannot read the spec file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const known = listed(await localSpecs(options), path);
    return { raw, origin: path, kind: "file", provenance: { source: "file", origin: path, why: "--spec (or ESIKIT_SPEC) names it", known } };
  }
  const tried: string[] = [];
  let liveUnreachable: string | undefined;
  if (!options.offline) {
    try {
      const live = await fetchLiveSpec(options);
      const known = listed(await localSpecs(options), live.url);
      return {
        raw: live.raw,
        origin: live.url,
        kind: "live",
        provenance: { source: "live", origin: live.url, date: live.date, why: `live ESI's newest compatibility date is ${live.date}`, known },
      };
    } catch (error) {
      liveUnreachable = (error as Error).message;
      tried.push(`live ESI at ${options.esiBaseUrl ?? DEFAULT_ESI}: ${liveUnreachable}`);
    }
  } else {
    tried.push("live ESI: skipped (--offline)");
  }
  const locals = await localSpecs(options);
  const chosen = newestLocal(locals);
  if (chosen) {
    const raw = await readFile(chosen.path);
    const known = locals.filter((l) => l !== chosen).map((l) => `${l.date || "undated"} in ${l.path}`);
    const reason = liveUnreachable ? `live ESI could not be asked (${liveUnreachable})` : "--offline";
    const what = chosen.source === "cache" ? "the newest spec kept in the cache" : "the newest local copy";
    const others = known.length ? `; also known: ${known.join(", ")}` : "";
    return {
      raw,
      origin: chosen.path,
      kind: chosen.source === "cache" ? "cache" : "file",
      provenance: {
        source: chosen.source,
        origin: chosen.path,
        ...(chosen.date ? { date: chosen.date } : {}),
        why: `${reason}: ${what}${others}`,
        ...(liveUnreachable ? { liveUnreachable } : {}),
        known: listed(locals, chosen.path),
      },
    };
  }
  tried.push(`swagger-cache (${options.cacheDir}): no spec kept there`);
  for (const file of options.fallbackFiles ?? []) tried.push(`${resolve(file)}: not found`);
  throw new SpecError(
    `no ESI spec found. Tried:\n  - ${tried.join("\n  - ")}\n` +
      "Pass one with --spec path/to/openapi.json (or ESIKIT_SPEC=path/to/openapi.json).",
  );
}

export const DEFAULT_ESI = "https://esi.evetech.net";

async function fetchLiveSpec(options: SourceOptions): Promise<{ raw: Buffer; url: string; date: string }> {
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
  const body = (await datesResponse.json().catch(() => ({}))) as { compatibility_dates?: unknown };
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
  return { raw: Buffer.from(await specResponse.arrayBuffer()), url, date: newest };
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

/** info.version of a spec's bytes, or "" when they are not a spec (the generator says what is wrong later). */
function versionOf(raw: Buffer): string {
  try {
    const doc = JSON.parse(raw.toString("utf8")) as { info?: { version?: unknown } };
    return typeof doc?.info?.version === "string" ? doc.info.version : "";
  } catch {
    return "";
  }
}

/** Every spec kept in the cache folder and every fallback copy that exists, with its date. */
async function localSpecs(options: SourceOptions): Promise<LocalSpec[]> {
  const specs: LocalSpec[] = [];
  let names: string[] = [];
  try {
    names = (await readdir(options.cacheDir)).filter((n) => /^\d{4}-\d{2}-\d{2}-[0-9a-f]{12}\.json$/.test(n));
  } catch {
    // No cache folder yet.
  }
  for (const name of names) {
    const path = join(options.cacheDir, name);
    specs.push({ path, date: name.slice(0, 10), source: "cache", mtime: (await stat(path)).mtimeMs });
  }
  for (const file of options.fallbackFiles ?? []) {
    const path = resolve(file);
    if (!existsSync(path)) continue;
    specs.push({ path, date: versionOf(await readFile(path)), source: "fallback", mtime: 0 });
  }
  return specs;
}

/**
 * The local spec to use: the newest compatibility date; among specs of one date (ESI re-ships a date), the cache's
 * newest file before a fallback copy. An undated copy (a legacy spec) only when nothing else is there.
 */
function newestLocal(specs: LocalSpec[]): LocalSpec | undefined {
  const rank = (s: LocalSpec) => [isDate(s.date) ? s.date : "", s.source === "cache" ? 1 : 0, s.mtime] as const;
  let best: LocalSpec | undefined;
  for (const s of specs) {
    if (!best) {
      best = s;
      continue;
    }
    const [a, b] = [rank(s), rank(best)];
    if (a[0] > b[0] || (a[0] === b[0] && (a[1] > b[1] || (a[1] === b[1] && a[2] > b[2])))) best = s;
  }
  return best;
}

/** The local specs other than the one used, dated ones only, newest first. */
function listed(specs: LocalSpec[], used: string): Array<{ date: string; origin: string }> {
  return specs
    .filter((s) => s.path !== used && isDate(s.date))
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
    .map((s) => ({ date: s.date, origin: s.path }));
}

/** Specs known elsewhere that are newer than a spec of this date. */
export function newerSpecs(provenance: SpecProvenance, date: string | undefined): Array<{ date: string; origin: string }> {
  if (!date || !isDate(date)) return [];
  return provenance.known.filter((k) => k.date > date);
}
