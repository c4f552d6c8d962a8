import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { ResponseValidationError } from "./response-validation-error.ts";

// ajv-formats is CommonJS: under ESM its function sits on `default`.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

/** An OpenAPI 3.x document, or a path to one (JSON). */
export type SpecInput = string | object;

/**
 * Validators for the success bodies of a spec's operations, compiled once per operation on first use (Ajv is fast
 * to run, slow to compile: compiling all 225 up front would cost an app's start-up for routes it never calls).
 */
export class SpecValidators {
  readonly #ajv: Ajv;
  readonly #spec: Record<string, unknown>;
  readonly #compiled = new Map<string, ValidateFunction | null>();

  constructor(input: SpecInput) {
    const spec = typeof input === "string" ? (JSON.parse(readFileSync(input, "utf8")) as Record<string, unknown>) : (input as Record<string, unknown>);
    if (!spec || typeof spec !== "object" || typeof spec.paths !== "object") throw new Error("validate: the spec has no paths: pass an OpenAPI 3.x document or a path to one");
    const version = String(spec.openapi ?? spec.swagger ?? "");
    if (!version.startsWith("3.")) throw new Error(`validate: needs an OpenAPI 3.x spec, got version "${version || "unknown"}"`);
    this.#spec = spec;
    // 3.1 schemas are JSON Schema 2020-12; 3.0 ones are draft-07-like (Ajv reads their `nullable`).
    const options = { strict: false, allErrors: false, validateSchema: false, validateFormats: true } as const;
    this.#ajv = version.startsWith("3.0") ? new Ajv(options) : new Ajv2020(options);
    addFormats(this.#ajv);
    // Only the parts refs point into: the spec as a whole is not a schema.
    this.#ajv.addSchema(oneOfAsAnyOf({ $id: "esi-spec", paths: spec.paths, components: spec.components }) as object, undefined, undefined, false);
  }

  /** The validator of an operation's success body, or null when the spec gives it no JSON body. */
  forRoute(method: string, pathTemplate: string): ValidateFunction | null {
    const key = `${method.toLowerCase()} ${pathTemplate}`;
    if (this.#compiled.has(key)) return this.#compiled.get(key) ?? null;
    const op = ((this.#spec.paths as Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>)[pathTemplate] ?? {})[
      method.toLowerCase()
    ];
    const status = Object.keys(op?.responses ?? {}).filter((s) => /^2\d\d$/.test(s)).sort()[0];
    let validate: ValidateFunction | null = null;
    if (status && op?.responses?.[status]?.content?.["application/json"]?.schema !== undefined) {
      const pointer = ["paths", pathTemplate, method.toLowerCase(), "responses", status, "content", "application/json", "schema"]
        .map((part) => part.replace(/~/g, "~0").replace(/\//g, "~1"))
        .join("/");
      // A pointer into the one added document: refs it shares with other operations resolve in one place.
      validate = this.#ajv.getSchema(`esi-spec#/${pointer}`) ?? null;
    }
    this.#compiled.set(key, validate);
    return validate;
  }

  /** Checks a body; throws ResponseValidationError naming the operation, the JSON pointer and the value. */
  check(operationId: string, method: string, pathTemplate: string, body: unknown): void {
    const validate = this.forRoute(method, pathTemplate);
    if (!validate || validate(body)) return;
    const error = validate.errors?.[0];
    const pointer = error?.instancePath ?? "";
    const missing = error?.keyword === "required" ? (error.params as { missingProperty?: string }).missingProperty : undefined;
    const at = missing ? `${pointer}/${missing}` : pointer;
    throw new ResponseValidationError({ operationId, pointer: at, value: missing ? undefined : valueAt(body, pointer), reason: error?.message ?? "does not match the schema" });
  }
}

/**
 * ESI's spec writes alternatives as oneOf branches that require nothing (e.g. a system's claim: {faction} or
 * {alliance} or {unclaimed}), so a correct answer matches several branches and strict oneOf would reject it.
 * They are checked as anyOf: the body must still match one of the alternatives.
 */
function oneOfAsAnyOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(oneOfAsAnyOf);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key === "oneOf" ? "anyOf" : key] = oneOfAsAnyOf(value);
  return out;
}

function valueAt(body: unknown, pointer: string): unknown {
  let node = body;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    node = (node as Record<string, unknown> | undefined)?.[key];
  }
  return node;
}
