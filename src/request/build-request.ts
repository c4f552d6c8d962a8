import type { OperationInfo, ParameterRow } from "../generation.ts";
import { encodePathParameter } from "../params/encode-path-parameter.ts";

/** What an operation call sends, before any layer adds its headers. */
export interface BuiltRequest {
  readonly url: string;
  /** The header parameters the caller gave (Accept-Language, If-None-Match...), by their spec names. */
  readonly headers: Record<string, string> | undefined;
  readonly body: string | undefined;
}

/**
 * The request of an operation called by id with flat arguments (already checked against the spec): path values
 * encoded into their segments, the query serialised as ESI reads it (arrays comma-separated unless the table
 * says explode), header parameters set aside, the body as JSON. Built without a Request, so a fresh cache hit
 * costs no more than this.
 */
export function buildRequest(baseUrl: string, operation: OperationInfo, args: Readonly<Record<string, unknown>>): BuiltRequest {
  let path = operation.path;
  let query = "";
  let headers: Record<string, string> | undefined;
  for (const parameter of operation.parameters) {
    const value = args[parameter.name];
    if (value === undefined) continue;
    if (parameter.in === "path") path = path.replace(`{${parameter.name}}`, encodePathParameter(value));
    else if (parameter.in === "query") query += (query === "" ? "?" : "&") + serializeQueryParameter(parameter, value);
    else if (parameter.in === "header") (headers ??= {})[parameter.name] = String(value);
  }
  let body: string | undefined;
  if (args.body !== undefined) {
    body = JSON.stringify(args.body);
    (headers ??= {})["Content-Type"] = "application/json";
  }
  return { url: `${baseUrl}${path}${query}`, headers, body };
}

/** name=value, arrays as name=a,b (ESI's wire; see scripts/errata) or name=a&name=b where the spec says explode. */
export function serializeQueryParameter(parameter: Pick<ParameterRow, "name" | "explode">, value: unknown): string {
  const name = encodeURIComponent(parameter.name);
  if (!Array.isArray(value)) return `${name}=${encodeURIComponent(String(value))}`;
  if (parameter.explode === true) return value.map((item) => `${name}=${encodeURIComponent(String(item))}`).join("&");
  return `${name}=${value.map((item) => encodeURIComponent(String(item))).join(",")}`;
}

/** A path template split once into its literal parts and parameter names: "/a/{b}/c" -> ["/a/", "b", "/c"]. */
const templates = new Map<string, string[]>();

/** openapi-fetch's pathSerializer for `esi.GET` and friends: the same encoding as operation calls. */
export function fillPath(template: string, values: Readonly<Record<string, unknown>>): string {
  let parts = templates.get(template);
  if (!parts) {
    parts = template.split(/\{([^}]+)\}/);
    // Bounded: only templates a caller used, and an app uses a few hundred at most; a flood of odd ones is not kept.
    if (templates.size < 10_000) templates.set(template, parts);
  }
  let path = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i]!;
    const value = values[name];
    path += (value === undefined ? `{${name}}` : encodePathParameter(value)) + parts[i + 1]!;
  }
  return path;
}
