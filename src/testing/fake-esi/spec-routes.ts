import { readFileSync } from "node:fs";
import { deref, type JsonSchema } from "./sample.ts";

const METHODS = ["get", "post", "put", "delete", "patch", "head", "options"] as const;

/** What the fake needs to know of one operation, read from the spec's own fields and x- extensions. */
export interface SpecOperation {
  operationId: string;
  method: string;
  /** The spec's path template, e.g. /characters/{character_id}/wallet. */
  path: string;
  pathParams: Array<{ name: string; integer: boolean }>;
  /** The success status and the JSON schema of its body (none for 204). */
  successStatus: number;
  responseSchema: unknown;
  cacheSeconds: number | null;
  rateLimit: { group: string; maxTokens: number; windowSeconds: number } | null;
  paging: "page" | "cursor" | null;
  secured: boolean;
  match: RegExp;
}

/** An OpenAPI 3.x document, or a path to one (JSON). */
export type SpecSource = string | object;

export function loadSpec(source: SpecSource): Record<string, unknown> {
  const spec = typeof source === "string" ? (JSON.parse(readFileSync(source, "utf8")) as Record<string, unknown>) : (source as Record<string, unknown>);
  if (!spec || typeof spec !== "object" || typeof spec.paths !== "object") throw new Error("fake ESI: the spec has no paths: pass an OpenAPI 3.x document or a path to one");
  if (typeof spec.openapi !== "string" || !spec.openapi.startsWith("3.")) {
    throw new Error(`fake ESI: needs an OpenAPI 3.x spec (got ${String(spec.openapi ?? spec.swagger ?? "unknown")}); convert Swagger 2.0 first`);
  }
  return spec;
}

export function readOperations(spec: Record<string, unknown>): SpecOperation[] {
  const out: SpecOperation[] = [];
  for (const [path, item] of Object.entries(spec.paths as Record<string, Record<string, unknown>>)) {
    const shared = (item.parameters as unknown[] | undefined) ?? [];
    for (const method of METHODS) {
      const op = item[method] as JsonSchema | undefined;
      if (!op || typeof op !== "object") continue;
      const parameters = [...shared, ...((op.parameters as unknown[] | undefined) ?? [])].map((p) => deref(p, spec));
      const statuses = Object.keys((op.responses as object) ?? {}).filter((s) => /^2\d\d$/.test(s)).sort();
      const successStatus = Number(statuses[0] ?? 200);
      const success = deref((op.responses as Record<string, unknown>)[String(successStatus)], spec);
      const content = success.content as Record<string, { schema?: unknown }> | undefined;
      const rate = op["x-rate-limit"] as { group?: string; "max-tokens"?: number; "window-size"?: string } | undefined;
      const queryNames = new Set(parameters.filter((p) => p.in === "query").map((p) => p.name as string));
      // In the order the template names them: the order of the match groups.
      const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => {
        const declared = parameters.find((p) => p.in === "path" && p.name === name);
        return { name: name as string, integer: ["integer", "number"].includes(String(deref(declared?.schema, spec).type)) };
      });
      out.push({
        operationId: String(op.operationId ?? `${method} ${path}`),
        method: method.toUpperCase(),
        path,
        pathParams,
        successStatus,
        responseSchema: content?.["application/json"]?.schema,
        cacheSeconds: typeof op["x-cache-age"] === "number" ? op["x-cache-age"] : null,
        rateLimit: rate?.group ? { group: rate.group, maxTokens: rate["max-tokens"] ?? 150, windowSeconds: parseWindow(rate["window-size"] ?? "15m") } : null,
        paging: op["x-pagination"] ? "cursor" : queryNames.has("page") ? "page" : null,
        secured: Array.isArray(op.security) ? op.security.length > 0 : Array.isArray(spec.security) && spec.security.length > 0,
        match: templateToRegExp(path),
      });
    }
  }
  // Literal segments beat parameters (/characters/affiliation before /characters/{character_id}).
  return out.sort((a, b) => a.pathParams.length - b.pathParams.length);
}

/** "15m" -> 900. */
export function parseWindow(text: string): number {
  const m = /^(\d+)\s*([smhd])$/.exec(text.trim());
  if (!m) return 900;
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "s" | "m" | "h" | "d"];
}

/** 900 -> "15m": the largest unit that divides the window exactly, as ESI writes it. */
export function formatWindow(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

function templateToRegExp(template: string): RegExp {
  const body = template
    .replace(/\/+$/, "")
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith("{") ? "([^/]+)" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}/?$`);
}
