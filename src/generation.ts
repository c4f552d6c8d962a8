/**
 * A *generation*: what `esikit generate` makes from one ESI spec, and what the runtime is generic over.
 * Types (openapi-typescript's `paths` and `operations`) travel as a phantom type parameter; values are the
 * operation table, the spec's compatibility date, hash and base path, and where the spec it came from is kept.
 *
 * The package ships one generation (the newest spec at release: `generated/`, bound in src/index.ts); an app that
 * runs `npx esikit generate` gets its own in `esi/` (esi/index.js binds it with `createClientFor`).
 */

/** A parameter's schema, resolved (no $ref), with only what esikit checks before sending. */
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

/** One row of the operation table: what esikit knows of an operation before it is sent (spec + x- extensions). */
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

/** The generation's values, as emitted in `<out>/operations.js` (`meta` and `operations`). */
export interface GenerationMeta {
  readonly compatibilityDate: string;
  readonly specSha256: string;
  /** The path prefix before every path ("" for ESI 3.x, "/latest" for the legacy spec). */
  readonly basePath: string;
  readonly scopes: ReadonlyArray<string>;
  /** Ids of the errata applied to the spec before generating. */
  readonly errata: ReadonlyArray<string>;
}

export interface GenerationInput extends GenerationMeta {
  /** operationId -> row. May have keys such as `constructor` or `__proto__` (read with Object.entries). */
  readonly operations: { readonly [operationId: string]: OperationRow };
  /** Where the spec of this generation is kept (the fake ESI and validation default to it). */
  readonly spec?: URL | string;
}

/** An operation row with its id. */
export interface OperationInfo extends OperationRow {
  readonly operationId: string;
}

/**
 * A generation bound for the runtime. `Paths` and `Ops` are openapi-typescript's `paths` and `operations` of the
 * spec; they exist only in types.
 */
export interface Generation<Paths extends {} = any, Ops extends {} = any> extends GenerationMeta {
  readonly spec: URL | string | undefined;
  readonly operationIds: ReadonlyArray<string>;
  operationById(operationId: string): OperationInfo | undefined;
  operationForRoute(method: string, schemaPath: string): OperationInfo | undefined;
  allOperations(): IterableIterator<OperationInfo>;
  /** Phantom: never set at run time. */
  readonly __types?: { paths: Paths; operations: Ops };
}

export type PathsOf<G> = G extends Generation<infer P, any> ? P : never;
export type OpsOf<G> = G extends Generation<any, infer O> ? O : never;

/** Binds a generation's table for the runtime: maps by id and by route, built once. */
export function defineGeneration<Paths extends {}, Ops extends {}>(input: GenerationInput): Generation<Paths, Ops> {
  const byId = new Map<string, OperationInfo>();
  // By method as the caller writes it, then path: no string is built per look-up.
  const byRoute = new Map<string, Map<string, OperationInfo>>();
  for (const [operationId, row] of Object.entries(input.operations)) {
    const info: OperationInfo = Object.freeze({ ...row, operationId });
    byId.set(operationId, info);
    for (const method of [row.method, row.method.toUpperCase()]) {
      let paths = byRoute.get(method);
      if (!paths) byRoute.set(method, (paths = new Map()));
      paths.set(row.path, info);
    }
  }
  return Object.freeze({
    compatibilityDate: input.compatibilityDate,
    specSha256: input.specSha256,
    basePath: input.basePath,
    scopes: input.scopes,
    errata: input.errata,
    spec: input.spec,
    operationIds: Object.freeze([...byId.keys()]),
    operationById: (operationId: string) => byId.get(operationId),
    operationForRoute: (method: string, schemaPath: string) => (byRoute.get(method) ?? byRoute.get(method.toLowerCase()))?.get(schemaPath),
    allOperations: () => byId.values(),
  });
}
