import type { OperationRow as OperationRowShape, ParameterRow as ParameterRowShape } from "../../src/generation.ts";
import { normaliseParameterSchema } from "./parameter-schema.ts";
import { SpecError } from "./spec-error.ts";
import type { OpenApiDocument } from "./spec-document.ts";

export const HTTP_METHODS = ["get", "post", "put", "delete", "patch", "head", "options"] as const satisfies ReadonlyArray<OperationRowShape["method"]>;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export type Paging = OperationRowShape["paging"];
export type RateLimitRow = NonNullable<OperationRowShape["rateLimit"]>;
export type ParameterRow = Mutable<ParameterRowShape>;

/** One row of the operation table with its id: the runtime's OperationRow (src/generation.ts) and its key. */
export interface OperationRow extends Mutable<Omit<OperationRowShape, "parameters">> {
  operationId: string;
  /** Every parameter, headers included; the headers the client fills itself are marked `clientFilled`. */
  parameters: ParameterRow[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Headers the client fills itself: the generated types make them optional and the table marks them `clientFilled`. */
export const CLIENT_FILLED_HEADERS = [
  "X-Compatibility-Date",
  "If-None-Match",
  "If-Modified-Since",
  "Accept-Language",
  "X-Tenant",
] as const;
const clientFilled = new Set(CLIENT_FILLED_HEADERS.map((h) => h.toLowerCase()));

/** Legacy specs carry a `token` query parameter and a `datasource`: the client sends Authorization instead. */
const LEGACY_CLIENT_FILLED_QUERY = new Set(["token", "datasource"]);

export function isClientFilled(param: { name: string; in: string }): boolean {
  if (param.in === "header") return clientFilled.has(param.name.toLowerCase());
  return param.in === "query" && LEGACY_CLIENT_FILLED_QUERY.has(param.name);
}

type Json = Record<string, unknown>;

/** Follows a local "#/..." reference; throws a SpecError naming the reference when it leads nowhere. */
export function resolveRef<T = Json>(doc: OpenApiDocument, value: unknown): T {
  let current = value as Json;
  const seen = new Set<string>();
  while (current && typeof current === "object" && typeof current.$ref === "string") {
    const ref = current.$ref;
    if (seen.has(ref)) throw new SpecError(`reference cycle at ${ref}`);
    seen.add(ref);
    if (!ref.startsWith("#/")) throw new SpecError(`only local references are supported, found ${ref}`);
    let target: unknown = doc;
    for (const raw of ref.slice(2).split("/")) {
      const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
      target = target && typeof target === "object" ? (target as Json)[key] : undefined;
    }
    if (target === undefined) throw new SpecError(`unresolved reference ${ref}`);
    current = target as Json;
  }
  return current as T;
}

/** Every operation of the spec, sorted by operationId, read from the spec's own fields and x- extensions. */
export function buildOperationTable(doc: OpenApiDocument): OperationRow[] {
  const rows: OperationRow[] = [];
  const ids = new Map<string, string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    const shared = (item.parameters as unknown[] | undefined) ?? [];
    for (const method of HTTP_METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const where = `${method.toUpperCase()} ${path}`;
      const operationId = op.operationId;
      if (typeof operationId !== "string" || operationId === "") {
        throw new SpecError(`${where} has no operationId (every operation needs one to be called by name)`);
      }
      const clash = ids.get(operationId);
      if (clash) throw new SpecError(`operationId ${operationId} is used twice: ${clash} and ${where}`);
      ids.set(operationId, where);
      rows.push(readOperation(doc, operationId, method, path, op, shared, where));
    }
  }
  return rows.sort((a, b) => (a.operationId < b.operationId ? -1 : a.operationId > b.operationId ? 1 : 0));
}

function readOperation(
  doc: OpenApiDocument,
  operationId: string,
  method: HttpMethod,
  path: string,
  op: Json,
  shared: unknown[],
  where: string,
): OperationRow {
  // An operation's own parameter overrides a path-level one of the same name and location (OpenAPI's rule).
  const byKey = new Map<string, ParameterRow>();
  for (const raw of [...shared, ...((op.parameters as unknown[] | undefined) ?? [])]) {
    const p = resolveRef<Json>(doc, raw);
    if (typeof p.name !== "string" || typeof p.in !== "string") {
      throw new SpecError(`${where}: a parameter lacks "name" or "in"`);
    }
    if (!PARAMETER_LOCATIONS.has(p.in)) throw new SpecError(`${where}: parameter ${p.name} is "in": ${JSON.stringify(p.in)}, not path, query, header or cookie`);
    byKey.set(`${p.in}:${p.name}`, readParameter(doc, p, `${where} parameter ${p.name}`));
  }
  const parameters = [...byKey.values()];
  const names = new Set(parameters.filter((p) => p.in === "query").map((p) => p.name));
  return {
    operationId,
    method,
    path,
    summary: typeof op.summary === "string" ? op.summary : "",
    scopes: readScopes(op),
    roles: Array.isArray(op["x-required-roles"]) ? (op["x-required-roles"] as string[]).map(String) : [],
    cacheSeconds: readCacheSeconds(op),
    rateLimit: readRateLimit(op, where),
    paging: readPaging(doc, op, names),
    parameters,
    hasBody: op.requestBody !== undefined,
  };
}

const PARAMETER_LOCATIONS = new Set(["path", "query", "header", "cookie"]);

function readParameter(doc: OpenApiDocument, p: Json, where: string): ParameterRow {
  const row: ParameterRow = { name: p.name as string, in: p.in as ParameterRow["in"], required: p.required === true };
  const schema = normaliseParameterSchema(doc, p.schema, where);
  if (schema) row.schema = schema;
  // Only an array in the query has a choice to make: repeated keys (explode, OpenAPI's default for style form) or
  // one comma-separated value. ESI reads commas; scripts/errata says so where the spec is silent.
  if (row.in === "query" && (schema?.type === "array" || (Array.isArray(schema?.type) && schema.type.includes("array")))) {
    row.explode = typeof p.explode === "boolean" ? p.explode : p.style === undefined || p.style === "form";
  }
  if (isClientFilled(row)) row.clientFilled = true;
  return row;
}

function readScopes(op: Json): string[] {
  const scopes = new Set<string>();
  for (const requirement of (op.security as Array<Record<string, string[]>> | undefined) ?? []) {
    for (const list of Object.values(requirement)) for (const scope of list ?? []) scopes.add(scope);
  }
  return [...scopes].sort();
}

function readCacheSeconds(op: Json): number | null {
  // 3.x ESI: x-cache-age / x-client-cache-ttl; legacy Swagger: x-cached-seconds.
  for (const key of ["x-cache-age", "x-client-cache-ttl", "x-cached-seconds"]) {
    const value = op[key];
    if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  }
  return null;
}

const WINDOW_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "15m" -> 900. Exported for the client's rate-limit header parsing tests to share the grammar. */
export function parseWindow(text: string): number | null {
  const match = /^(\d+)\s*([smhd])$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * WINDOW_UNITS[match[2]!]!;
}

function readRateLimit(op: Json, where: string): RateLimitRow | null {
  const raw = op["x-rate-limit"] as Json | undefined;
  if (raw === undefined) return null;
  const group = raw.group;
  const maxTokens = raw["max-tokens"];
  const windowSeconds = typeof raw["window-size"] === "string" ? parseWindow(raw["window-size"]) : null;
  if (typeof group !== "string" || typeof maxTokens !== "number" || windowSeconds === null) {
    throw new SpecError(`${where}: x-rate-limit must have group, max-tokens and window-size like "15m"; got ${JSON.stringify(raw)}`);
  }
  return { group, maxTokens, windowSeconds };
}

function readPaging(doc: OpenApiDocument, op: Json, names: Set<string>): Paging {
  if (op["x-pagination"] === "cursor" || (names.has("before") && names.has("after"))) return "cursor";
  if (names.has("page") || declaresXPages(doc, op)) return "page";
  if (names.has("from_id")) return "from_id";
  return null;
}

function declaresXPages(doc: OpenApiDocument, op: Json): boolean {
  const responses = (op.responses as Json | undefined) ?? {};
  const ok = responses["200"] ? resolveRef<Json>(doc, responses["200"]) : undefined;
  const headers = (ok?.headers as Json | undefined) ?? {};
  return Object.keys(headers).some((h) => h.toLowerCase() === "x-pages");
}
