import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { deref, sampleFromSchema, type JsonSchema } from "../../src/testing/fake-esi/sample.ts";

type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

const METHODS = ["get", "post", "put", "delete", "patch", "head", "options"] as const;

/** One parameter as the spec declares it, with where its schema sits in the spec (for Ajv). */
export interface SpecParameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  explode: boolean | undefined;
  schema: JsonSchema;
  /** The items' schema of an array, resolved. */
  items: JsonSchema;
  validate: ValidateFunction;
}

export interface SpecOperationRequest {
  operationId: string;
  method: string;
  path: string;
  parameters: SpecParameter[];
  body: { required: boolean; schema: JsonSchema; validate: ValidateFunction } | undefined;
}

/**
 * Every operation of an OpenAPI 3.1 spec with validators compiled by Ajv from the spec's own schemas (each a JSON
 * pointer into the spec, so $refs resolve as the spec wrote them): nothing here is a hand-written schema.
 */
export function readSpecRequests(spec: Record<string, any>): SpecOperationRequest[] {
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true, validateFormats: true }));
  ajv.addSchema({ $id: "spec", paths: spec.paths, components: spec.components }, undefined, undefined, false);
  const at = (...parts: Array<string | number>) => {
    const pointer = parts.map((p) => String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
    const validate = ajv.getSchema(`spec#/${pointer}`);
    if (!validate) throw new Error(`no schema at #/${pointer}`);
    return validate;
  };
  const out: SpecOperationRequest[] = [];
  for (const [path, item] of Object.entries(spec.paths as Record<string, any>)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const parameters: SpecParameter[] = [];
      const declared: Array<[unknown, Array<string | number>]> = [
        ...((item.parameters ?? []) as unknown[]).map((p, i): [unknown, Array<string | number>] => [p, ["paths", path, "parameters", i]]),
        ...((op.parameters ?? []) as unknown[]).map((p, i): [unknown, Array<string | number>] => [p, ["paths", path, method, "parameters", i]]),
      ];
      for (const [raw, where] of declared) {
        const ref = (raw as { $ref?: string }).$ref;
        const location = ref ? ref.replace(/^#\//, "").split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~")) : where;
        const p = deref(raw, spec);
        parameters.push({
          name: String(p.name),
          in: p.in as SpecParameter["in"],
          required: p.required === true,
          explode: typeof p.explode === "boolean" ? p.explode : undefined,
          schema: deref(p.schema, spec),
          items: deref(deref(p.schema, spec).items, spec),
          validate: at(...location, "schema"),
        });
      }
      let body: SpecOperationRequest["body"];
      if (op.requestBody) {
        const ref = (op.requestBody as { $ref?: string }).$ref;
        const location = ref ? ref.replace(/^#\//, "").split("/") : ["paths", path, method, "requestBody"];
        const requestBody = deref(op.requestBody, spec);
        const content = (requestBody.content ?? {}) as Record<string, { schema?: unknown }>;
        if (content["application/json"]?.schema !== undefined) {
          body = { required: requestBody.required === true, schema: deref(content["application/json"].schema, spec), validate: at(...location, "content", "application/json", "schema") };
        }
      }
      out.push({ operationId: String(op.operationId), method: method.toUpperCase(), path, parameters, body });
    }
  }
  return out;
}

/** A value for a schema from the fake ESI's sample builder, or the schema's own default or example when that is not valid. */
export function sampleValue(schema: JsonSchema, validate: ValidateFunction, seed: number, spec: unknown): unknown {
  const candidates = [sampleFromSchema(schema, seed, { root: spec }), schema.default, ...((schema.examples as unknown[] | undefined) ?? []), schema.example];
  for (const candidate of candidates) if (candidate !== undefined && validate(candidate)) return candidate;
  throw new Error(`no valid sample for ${JSON.stringify(schema).slice(0, 200)}: ${ajvMessage(validate)}`);
}

export function ajvMessage(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || "(value)"} ${e.message}`).join("; ");
}

/**
 * A parameter's text on the wire, read as the schema's type says (the way a server reads a query string):
 * "12" is 12 for an integer, "true" is true for a boolean. Text that is not of the type stays text, for Ajv to refuse.
 */
export function fromWire(text: string, schema: JsonSchema): unknown {
  const type = Array.isArray(schema.type) ? (schema.type as string[]).find((t) => t !== "null") : (schema.type as string | undefined);
  if ((type === "integer" || type === "number") && /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (type === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

/**
 * What a recorded request did wrong against its operation in the spec (empty when valid): path segments, query
 * (arrays one comma-separated value unless the spec says explode: true, the form ESI reads and esikit's
 * scripts/errata/array-query-comma.json ships), header parameters and the JSON body, each checked with the spec's
 * schema, and each value compared with what the call was given.
 */
export function requestProblems(
  op: SpecOperationRequest,
  request: { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string },
  sent: { path: Record<string, unknown>; query: Record<string, unknown>; header: Record<string, unknown>; body: unknown },
  expectHeaders: Record<string, string>,
): string[] {
  const problems: string[] = [];
  if (request.method !== op.method) problems.push(`method ${request.method}, not ${op.method}`);
  const url = new URL(request.url, "http://127.0.0.1");

  // Path: as many segments as the template, literal ones equal, each parameter's segment decoded and valid.
  const template = op.path.split("/");
  const segments = url.pathname.split("/");
  if (segments.length !== template.length) problems.push(`path ${url.pathname} has ${segments.length} segments, the template ${op.path} ${template.length}`);
  else {
    template.forEach((part, i) => {
      const name = /^\{(.+)\}$/.exec(part)?.[1];
      const segment = segments[i]!;
      if (!name) {
        if (segment !== part) problems.push(`path segment ${i} is ${segment}, not ${part}`);
        return;
      }
      const parameter = op.parameters.find((p) => p.in === "path" && p.name === name);
      if (!parameter) return void problems.push(`path parameter ${name} is not declared`);
      const text = decodeURIComponent(segment);
      check(parameter, fromWire(text, parameter.schema), `path ${name}`);
      if (text !== String(sent.path[name])) problems.push(`path ${name} is ${JSON.stringify(text)}, sent ${JSON.stringify(sent.path[name])}`);
    });
  }

  // Query: only declared names, each once unless exploded, arrays split on commas.
  const query = new URLSearchParams(url.search);
  const names = new Set(query.keys());
  for (const name of names) {
    const parameter = op.parameters.find((p) => p.in === "query" && p.name === name);
    if (!parameter) {
      problems.push(`query ${name} is not a parameter of ${op.operationId}`);
      continue;
    }
    const texts = query.getAll(name);
    const isArray = parameter.schema.type === "array";
    const exploded = isArray && parameter.explode === true;
    if (texts.length > 1 && !exploded) problems.push(`query ${name} sent ${texts.length} times (${isArray ? "an array is one comma-separated value" : "not an array"})`);
    const value = isArray ? (exploded ? texts : texts[0]!.split(",")).map((t) => fromWire(t, parameter.items)) : fromWire(texts[0]!, parameter.schema);
    check(parameter, value, `query ${name}`);
    if (JSON.stringify(value) !== JSON.stringify(sent.query[name])) problems.push(`query ${name} reads as ${JSON.stringify(value)}, sent ${JSON.stringify(sent.query[name])}`);
  }
  for (const parameter of op.parameters) {
    if (parameter.in === "query" && parameter.required && !names.has(parameter.name)) problems.push(`query ${parameter.name} is required and missing`);
    if (parameter.in === "query" && !names.has(parameter.name) && sent.query[parameter.name] !== undefined) problems.push(`query ${parameter.name} was given but not sent`);
  }

  // Headers the spec declares: present when required or expected, and valid.
  for (const parameter of op.parameters.filter((p) => p.in === "header")) {
    const raw = request.headers[parameter.name.toLowerCase()];
    const value = Array.isArray(raw) ? raw.join(", ") : raw;
    const expected = expectHeaders[parameter.name];
    if (value === undefined) {
      if (parameter.required || expected !== undefined) problems.push(`header ${parameter.name} is missing`);
      continue;
    }
    check(parameter, fromWire(value, parameter.schema), `header ${parameter.name}`);
    if (expected !== undefined && value !== expected) problems.push(`header ${parameter.name} is ${JSON.stringify(value)}, expected ${JSON.stringify(expected)}`);
  }

  // Body: JSON, valid, the one given.
  if (op.body) {
    if (request.body === "") {
      if (op.body.required) problems.push("the body is required and was not sent");
    } else {
      const type = String(request.headers["content-type"] ?? "");
      if (!/^application\/json\b/.test(type)) problems.push(`body sent as ${type || "no Content-Type"}, not application/json`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(request.body);
      } catch {
        problems.push(`body is not JSON: ${request.body.slice(0, 60)}`);
      }
      if (parsed !== undefined && !op.body.validate(parsed)) problems.push(`body: ${ajvMessage(op.body.validate)}`);
      if (parsed !== undefined && JSON.stringify(parsed) !== JSON.stringify(sent.body)) problems.push("body is not the one given");
    }
  } else if (request.body !== "") problems.push("a body was sent to an operation that takes none");
  return problems;

  function check(parameter: SpecParameter, value: unknown, what: string) {
    if (!parameter.validate(value)) problems.push(`${what} = ${JSON.stringify(value)}: ${ajvMessage(parameter.validate)}`);
  }
}
