import { operations, compatibilityDate, basePath, allScopes } from "../generated/operations.ts";
import type { operations as OperationTypes } from "../generated/esi.d.ts";

export { compatibilityDate, basePath, allScopes };

/** Every operationId of the generated spec. */
export type OperationId = keyof typeof operations & keyof OperationTypes;

export type HttpMethod = "get" | "post" | "put" | "delete" | "patch" | "head" | "options";

/** What esikit knows of an operation before it is sent (from the spec and its x- extensions). */
export interface OperationInfo {
  readonly operationId: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly summary: string;
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
  readonly cacheSeconds: number | null;
  readonly rateLimit: { readonly group: string; readonly maxTokens: number; readonly windowSeconds: number } | null;
  readonly paging: "page" | "cursor" | "from_id" | null;
  readonly parameters: ReadonlyArray<{ readonly name: string; readonly in: "path" | "query" | "header" | "cookie"; readonly required: boolean }>;
  readonly hasBody: boolean;
}

// The generated table must match OperationInfo; this line fails to compile when it does not.
const table: { readonly [id: string]: Omit<OperationInfo, "operationId"> } = operations;

const byId = new Map<string, OperationInfo>();
const byRoute = new Map<string, OperationInfo>();
for (const [operationId, row] of Object.entries(table)) {
  const info: OperationInfo = { operationId, ...row };
  byId.set(operationId, info);
  byRoute.set(`${row.method} ${row.path}`, info);
}

/** The operation behind an openapi-fetch schema path and method, e.g. ("GET", "/characters/{character_id}/wallet"). */
export function operationForRoute(method: string, schemaPath: string): OperationInfo | undefined {
  return byRoute.get(`${method.toLowerCase()} ${schemaPath}`);
}

export function operationById(operationId: string): OperationInfo | undefined {
  return byId.get(operationId);
}

export function allOperations(): IterableIterator<OperationInfo> {
  return byId.values();
}
