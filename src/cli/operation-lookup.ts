import { generation } from "../default-generation.ts";
import type { OperationInfo } from "../generation.ts";
import { closest } from "./edit-distance.ts";
import { CliError, ExitCode } from "./exit-codes.ts";

/** An operation picked on the command line, with the parameters its concrete path or query string carried. */
export interface ChosenOperation {
  operation: OperationInfo;
  /** From "GET /characters/90000001/wallet?datasource=tranquility": character_id and datasource. */
  params: Record<string, string>;
}

const METHODS = ["get", "post", "put", "delete", "patch", "head", "options"];

/**
 * Finds an operation by operationId (any case), or by "METHOD /path" where the path is the spec's template
 * (/characters/{character_id}/wallet) or a concrete one (/characters/90000001/wallet), optionally with a query.
 * A name it does not know fails with the closest ones.
 */
export function lookUpOperation(input: string): ChosenOperation {
  const trimmed = input.trim();
  const route = /^([A-Za-z]+)\s+(\/\S*)$/.exec(trimmed);
  if (route && METHODS.includes(route[1]!.toLowerCase())) return byRoute(route[1]!.toLowerCase(), route[2]!);
  const exact = generation.operationById(trimmed) ?? [...generation.allOperations()].find((op) => op.operationId.toLowerCase() === trimmed.toLowerCase());
  if (exact) return { operation: exact, params: {} };
  const suggestions = closest(trimmed, [...generation.allOperations()].map((op) => op.operationId));
  const hint = suggestions.length ? ` Did you mean ${suggestions.join(", ")}?` : "";
  throw new CliError(`unknown operation ${JSON.stringify(trimmed)}.${hint} (\`esikit ops <filter>\` lists them)`, ExitCode.usage);
}

function byRoute(method: string, rawPath: string): ChosenOperation {
  const url = new URL(rawPath, "http://esi.invalid");
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
  const query = Object.fromEntries(url.searchParams);
  const sameMethod = [...generation.allOperations()].filter((op) => op.method === method);
  const template = sameMethod.find((op) => op.path === path || op.path.replace(/\/+$/, "") === path);
  if (template) return { operation: template, params: query };
  for (const op of sameMethod) {
    const params = matchTemplate(op.path, path);
    if (params) return { operation: op, params: { ...query, ...params } };
  }
  const otherMethods = [...generation.allOperations()].filter((op) => op.method !== method && (op.path === path || matchTemplate(op.path, path)));
  if (otherMethods.length) {
    const methods = otherMethods.map((op) => `${op.method.toUpperCase()} (${op.operationId})`).join(", ");
    throw new CliError(`${method.toUpperCase()} ${path} is not an operation; that path takes ${methods}`, ExitCode.usage);
  }
  // Concrete ids and template names both become {} so that only the words of the paths are compared.
  const shape = (p: string) => p.replace(/\{[^}]+\}/g, "{}").replace(/\/\d+(?=\/|$)/g, "/{}");
  const templates = new Map(sameMethod.map((op) => [shape(op.path), op.path]));
  const suggestions = closest(shape(path), templates.keys()).map((s) => templates.get(s)!);
  const hint = suggestions.length ? ` Did you mean ${suggestions.map((p) => `${method.toUpperCase()} ${p}`).join(", ")}?` : "";
  throw new CliError(`no operation answers ${method.toUpperCase()} ${path}.${hint} (\`esikit ops <filter>\` lists them)`, ExitCode.usage);
}

/** The path parameters of a concrete path under a template, or undefined when it does not fit. */
function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const wanted = template.replace(/\/+$/, "").split("/");
  const given = path.split("/");
  if (wanted.length !== given.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < wanted.length; i++) {
    const name = /^\{(.+)\}$/.exec(wanted[i]!)?.[1];
    if (name) {
      if (given[i] === "") return undefined;
      params[name] = decodeURIComponent(given[i]!);
    } else if (wanted[i] !== given[i]) return undefined;
  }
  return params;
}
