import type { GenerationMeta } from "../../src/generation.ts";
import type { OperationRow } from "./operation-table.ts";

/**
 * `<out>/operations.js` and `operations.d.ts`: the generation's values (src/generation.ts is the contract).
 *
 * The JavaScript holds the table as one `JSON.parse("…")`: a JSON string parses faster than the same object
 * literal at start-up, and JSON.parse makes every key a plain own property, so operationIds such as `__proto__`
 * or `constructor` are table rows like any other (an object literal would set the prototype instead).
 *
 * The declarations spell the row shape out instead of importing it from "esikit", so a generation type-checks on
 * its own (the checkout's generated/ is imported by esikit's own source). Each row keeps its method, path and
 * paging kind as literal types, for typing what only some operations allow (paging).
 */
export function emitTable(rows: readonly OperationRow[], meta: GenerationMeta, banner: string): { js: string; dts: string } {
  const table: Record<string, Omit<OperationRow, "operationId">> = Object.create(null);
  for (const { operationId, ...row } of rows) table[operationId] = row;
  const js = [
    banner,
    `export const meta = JSON.parse(${JSON.stringify(JSON.stringify(meta))});`,
    `export const operations = JSON.parse(${JSON.stringify(JSON.stringify(table))});`,
    "",
  ].join("\n");

  const literal = (value: unknown) => JSON.stringify(value);
  const dts = [
    banner,
    ROW_SHAPE,
    "export declare const meta: GenerationMeta & {",
    `  readonly compatibilityDate: ${literal(meta.compatibilityDate)};`,
    `  readonly specSha256: ${literal(meta.specSha256)};`,
    `  readonly basePath: ${literal(meta.basePath)};`,
    "};",
    "",
    "/** operationId -> what esikit knows of the operation before sending it. */",
    "export declare const operations: {",
    ...rows.map((r) => `  readonly ${literal(r.operationId)}: Row<${literal(r.method)}, ${literal(r.path)}, ${literal(r.paging)}>;`),
    "};",
    "",
    "/** Every operationId of this generation. */",
    `export type OperationId =${rows.length ? rows.map((r) => `\n  | ${literal(r.operationId)}`).join("") : " never"};`,
    "",
  ].join("\n");
  return { js, dts };
}

/** The shapes of src/generation.ts, spelled out (test/generator checks they stay assignable both ways). */
const ROW_SHAPE = `
export interface ParameterSchema {
  readonly type?: "integer" | "number" | "string" | "boolean" | "array" | "object" | ReadonlyArray<string>;
  readonly enum?: ReadonlyArray<unknown>;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly items?: ParameterSchema;
  readonly default?: unknown;
}

export interface ParameterRow {
  readonly name: string;
  readonly in: "path" | "query" | "header" | "cookie";
  readonly required: boolean;
  readonly schema?: ParameterSchema;
  /** Arrays in the query: false = one comma-separated value (ESI's wire), true = repeated keys. */
  readonly explode?: boolean;
  /** A header the client fills itself (X-Compatibility-Date, Accept-Language, If-None-Match...): optional to callers. */
  readonly clientFilled?: boolean;
}

export type HttpMethod = "get" | "post" | "put" | "delete" | "patch" | "head" | "options";

export interface OperationRow {
  readonly method: HttpMethod;
  readonly path: string;
  readonly summary: string;
  readonly scopes: ReadonlyArray<string>;
  readonly roles: ReadonlyArray<string>;
  readonly cacheSeconds: number | null;
  readonly rateLimit: { readonly group: string; readonly maxTokens: number; readonly windowSeconds: number } | null;
  readonly paging: "page" | "cursor" | "from_id" | null;
  readonly parameters: ReadonlyArray<ParameterRow>;
  readonly hasBody: boolean;
}

export interface GenerationMeta {
  readonly compatibilityDate: string;
  readonly specSha256: string;
  /** The path prefix before every path ("" for ESI 3.x, "/latest" for the legacy spec). */
  readonly basePath: string;
  readonly scopes: ReadonlyArray<string>;
  /** Ids of the errata applied to the spec before generating. */
  readonly errata: ReadonlyArray<string>;
}

type Row<M extends HttpMethod, P extends string, G extends OperationRow["paging"]> = OperationRow & {
  readonly method: M;
  readonly path: P;
  readonly paging: G;
};
`;
