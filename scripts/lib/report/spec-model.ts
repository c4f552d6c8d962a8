/**
 * One spec read for comparison: its operations (normalised, with the behaviour esikit derives from x- keys), its
 * components (normalised) and the scopes its security schemes offer. Reading never throws on odd input: what cannot
 * be read is left out, since the spec was already accepted (or will be rejected) by the generator itself.
 */
import { buildOperationTable, HTTP_METHODS, type OperationRow } from "../operation-table.ts";
import type { OpenApiDocument } from "../spec-document.ts";
import {
  canonical,
  COMPONENT_KINDS,
  componentKeyOf,
  dict,
  isObject,
  joinPointer,
  normaliseParameter,
  normaliseRequestBody,
  normaliseResponse,
  READ_EXTENSIONS,
  textOf,
  type ComponentKind,
  type CosmeticSink,
  type Json,
  type JsonObject,
} from "./normalise.ts";

/** How esikit treats an operation, as printable values (compared one by one). */
export interface Behaviour {
  paging: string;
  cacheSeconds: string;
  rateLimitGroup: string;
  rateLimitBudget: string;
  roles: string[];
  compatibilityDate: string;
}

export interface ModelOperation {
  method: string;
  path: string;
  operationId: string;
  /** "get /markets/{}/orders": the route with path parameter names blanked, for matching. */
  routeKey: string;
  /** "in:name" -> normalised parameter (or `{ $ref }`); X-Compatibility-Date and legacy token/datasource left out. */
  parameters: Map<string, Json>;
  requestBody: Json | null;
  /** status -> normalised response (or `{ $ref }`). */
  responses: Map<string, Json>;
  /** null: no authentication; otherwise every scope any requirement names. */
  scopes: string[] | null;
  /** True when a requirement is `{}` (a token is optional). */
  authOptional: boolean;
  deprecated: boolean;
  behaviour: Behaviour;
  cosmetic: CosmeticSink;
}

export interface ModelComponent {
  key: string;
  kind: ComponentKind;
  name: string;
  normal: Json;
  cosmetic: CosmeticSink;
}

export interface SpecModel {
  doc: OpenApiDocument;
  /** info.version: the compatibility date of an ESI 3.x spec. */
  version: string;
  operations: ModelOperation[];
  components: Map<string, ModelComponent>;
  /** scheme name -> the scopes it offers. */
  schemeScopes: Map<string, Set<string>>;
  servers: string[];
  cosmetic: CosmeticSink;
}

/** Parameters the client fills itself and whose changes the report states elsewhere (the compatibility date). */
function isSetAside(param: JsonObject): boolean {
  const name = typeof param.name === "string" ? param.name.toLowerCase() : "";
  if (param.in === "header" && name === "x-compatibility-date") return true;
  return param.in === "query" && (name === "token" || name === "datasource");
}

export function readSpecModel(doc: OpenApiDocument): SpecModel {
  const components = new Map<string, ModelComponent>();
  const raw = (doc.components ?? {}) as Record<string, unknown>;
  for (const kind of Object.keys(COMPONENT_KINDS) as ComponentKind[]) {
    const group = raw[kind];
    if (!isObject(group)) continue;
    for (const name of Object.keys(group)) {
      const key = `${kind}/${name}`;
      const cosmetic: CosmeticSink = new Map();
      const node = group[name];
      if (kind === "parameters" && isObject(node) && isSetAside(node)) continue;
      components.set(key, { key, kind, name, normal: COMPONENT_KINDS[kind](node, "", cosmetic), cosmetic });
    }
  }
  const rows = behaviourRows(doc);
  const operations: ModelOperation[] = [];
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const path of Object.keys(paths)) {
    const item = paths[path];
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObject(op) || typeof op.operationId !== "string") continue;
      operations.push(readOperation(doc, path, method, op, item, rows.get(`${method} ${path}`)));
    }
  }
  const schemeScopes = new Map<string, Set<string>>();
  const schemes = raw.securitySchemes;
  if (isObject(schemes)) {
    for (const name of Object.keys(schemes)) {
      const scheme = schemes[name];
      const scopes = new Set<string>();
      const flows = isObject(scheme) && isObject(scheme.flows) ? scheme.flows : {};
      for (const flow of Object.values(flows)) if (isObject(flow) && isObject(flow.scopes)) for (const s of Object.keys(flow.scopes)) scopes.add(s);
      schemeScopes.set(name, scopes);
    }
  }
  const cosmetic: CosmeticSink = new Map();
  const info: JsonObject = isObject(doc.info) ? doc.info : {};
  for (const key of Object.keys(info)) if (key !== "version") cosmetic.set(joinPointer("/info", key), info[key]);
  for (const key of ["tags", "externalDocs"]) if (doc[key] !== undefined) cosmetic.set(`/${key}`, doc[key]);
  const servers = Array.isArray(doc.servers) ? doc.servers.map((s) => (isObject(s) && typeof s.url === "string" ? s.url : "")) : [];
  return {
    doc,
    version: typeof info.version === "string" ? info.version : "",
    operations,
    components,
    schemeScopes,
    servers,
    cosmetic,
  };
}

/** The generator's own reading of paging, cache and rate limits, so the report and the client agree. */
function behaviourRows(doc: OpenApiDocument): Map<string, OperationRow> {
  const rows = new Map<string, OperationRow>();
  try {
    for (const row of buildOperationTable(doc)) rows.set(`${row.method} ${row.path}`, row);
  } catch {
    // A spec the table cannot read (a duplicate operationId, a broken x-rate-limit) still gets a report: its
    // behaviour is then read from the raw x- keys below.
  }
  return rows;
}

function readOperation(doc: OpenApiDocument, path: string, method: string, op: JsonObject, item: JsonObject, row: OperationRow | undefined): ModelOperation {
  const cosmetic: CosmeticSink = new Map();
  const parameters = new Map<string, Json>();
  const shared = Array.isArray(item.parameters) ? item.parameters : [];
  const own = Array.isArray(op.parameters) ? op.parameters : [];
  for (const rawParam of [...shared, ...own]) {
    const resolved = resolveLocal(doc, rawParam);
    if (!isObject(resolved) || typeof resolved.name !== "string" || typeof resolved.in !== "string" || isSetAside(resolved)) continue;
    const name = resolved.in === "header" ? resolved.name.toLowerCase() : resolved.name;
    // Set-aside values are keyed by the parameter, not its index: a parameter added before it moves nothing.
    const key = `${resolved.in}:${name}`;
    parameters.set(key, normaliseParameter(rawParam, joinPointer("/parameters", key), cosmetic));
  }
  const responses = new Map<string, Json>();
  if (isObject(op.responses)) {
    for (const status of Object.keys(op.responses)) {
      responses.set(status, normaliseResponse(op.responses[status], joinPointer("/responses", status), cosmetic));
    }
  }
  for (const key of Object.keys(op)) {
    if (["parameters", "responses", "requestBody", "security", "operationId", "deprecated"].includes(key) || READ_EXTENSIONS.has(key)) continue;
    cosmetic.set(joinPointer("", key), op[key]); // summary, description, tags, unread x- keys
  }
  const security = Array.isArray(op.security) ? op.security : Array.isArray(doc.security) ? (doc.security as Json[]) : [];
  const scopes = new Set<string>();
  let authOptional = false;
  for (const requirement of security) {
    if (!isObject(requirement)) continue;
    if (Object.keys(requirement).length === 0) authOptional = true;
    for (const list of Object.values(requirement)) if (Array.isArray(list)) for (const s of list) scopes.add(textOf(s));
  }
  const requirements = security.filter((r) => isObject(r) && Object.keys(r).length > 0);
  return {
    method,
    path,
    operationId: op.operationId as string,
    // Parameter names blanked and a trailing slash dropped (the legacy spec wrote "/status/"): the same route.
    routeKey: `${method} ${path.replace(/\{[^}]*\}/g, "{}").replace(/(.)\/+$/, "$1")}`,
    parameters,
    requestBody: op.requestBody === undefined ? null : normaliseRequestBody(op.requestBody, "/requestBody", cosmetic),
    responses,
    scopes: requirements.length ? [...scopes].sort() : null,
    authOptional,
    deprecated: op.deprecated === true,
    behaviour: behaviourOf(op, row),
    cosmetic,
  };
}

function behaviourOf(op: JsonObject, row: OperationRow | undefined): Behaviour {
  const rate = isObject(op["x-rate-limit"]) ? op["x-rate-limit"] : undefined;
  const group = row?.rateLimit?.group ?? (typeof rate?.group === "string" ? rate.group : "none");
  const budget = row?.rateLimit
    ? `${row.rateLimit.maxTokens} per ${row.rateLimit.windowSeconds} s`
    : rate
      ? `${textOf(rate["max-tokens"])} per ${textOf(rate["window-size"])}`
      : "none";
  const cache = row ? row.cacheSeconds : ["x-cache-age", "x-client-cache-ttl", "x-cached-seconds"].map((k) => op[k]).find((v) => typeof v === "number");
  const roles = row?.roles ?? (Array.isArray(op["x-required-roles"]) ? op["x-required-roles"].map(textOf) : []);
  return {
    paging: row ? (row.paging ?? "none") : typeof op["x-pagination"] === "string" ? op["x-pagination"] : "none",
    cacheSeconds: cache === null || cache === undefined ? "none" : textOf(cache),
    rateLimitGroup: group,
    rateLimitBudget: budget,
    roles: [...roles].sort(),
    compatibilityDate: typeof op["x-compatibility-date"] === "string" ? op["x-compatibility-date"] : "",
  };
}

/** Follows local references without throwing (a dangling one reads as undefined). */
export function resolveLocal(doc: OpenApiDocument, value: unknown): unknown {
  let current = value;
  for (let hops = 0; hops < 32 && isObject(current) && typeof current.$ref === "string"; hops++) {
    const ref = current.$ref;
    if (!ref.startsWith("#/")) return undefined;
    let target: unknown = doc;
    for (const part of ref.slice(2).split("/")) {
      const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
      target = isObject(target) && Object.hasOwn(target, key) ? target[key] : undefined;
    }
    current = target;
  }
  return current;
}

/** The normalised node a `$ref` names, or undefined when it leads nowhere. */
export function componentNode(model: SpecModel, ref: string): Json | undefined {
  const key = componentKeyOf(ref);
  return key ? model.components.get(key)?.normal : undefined;
}

export function sameCanonical(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

export { dict };
