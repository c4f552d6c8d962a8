import { allOperations, type OperationInfo } from "../operations.ts";

let routes: Array<{ method: string; match: RegExp; operation: OperationInfo }> | undefined;

/**
 * The operation a URL calls, for the transport, which sees only the Request (no schema path): its events and
 * errors then name the operation. Matched on the end of the path, so any base path in front is fine.
 */
export function operationForUrl(method: string, url: string): OperationInfo | undefined {
  routes ??= [...allOperations()]
    .map((operation) => ({ method: operation.method.toUpperCase(), match: templateRegExp(operation.path), operation, params: (operation.path.match(/\{/g) ?? []).length }))
    // Literal segments first: /characters/affiliation before /characters/{character_id}.
    .sort((a, b) => a.params - b.params);
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const upper = method.toUpperCase();
  return routes.find((r) => r.method === upper && r.match.test(pathname))?.operation;
}

function templateRegExp(template: string): RegExp {
  const body = template
    .replace(/\/+$/, "")
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith("{") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`${body}/?$`);
}
