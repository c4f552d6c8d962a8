import { readFileSync } from "node:fs";
import type { OperationInfo, ParameterSchema } from "../generation.ts";
import { checkParameter } from "../params/check-parameters.ts";
import { CliError, ExitCode } from "./exit-codes.ts";

/** Repeatable `--param name=value`: commander hands each one to this collector. */
export function collectParam(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * Turns `--param name=value` pairs (a name given twice becomes a list) and the parameters a concrete path carried
 * into an operation's arguments, typed as the spec says ("10000002" becomes 10000002) and checked before anything
 * is sent: an unknown name or a missing required one fails with the list of the valid ones (exit 2); a bad value
 * fails with the client's own EsiUsageError (exit 2 too).
 */
export function buildParams(operation: OperationInfo, pairs: readonly string[], fromPath: Record<string, string>, defaults: Record<string, string> = {}): Record<string, unknown> {
  // A Map, not an object: a name such as __proto__ or constructor is a name like any other.
  const given = new Map<string, string | string[]>(Object.entries(fromPath));
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new CliError(`--param needs name=value, got ${JSON.stringify(pair)}`, ExitCode.usage);
    const name = pair.slice(0, at);
    const value = pair.slice(at + 1);
    if (Object.hasOwn(fromPath, name)) throw new CliError(`${name} is given twice: in the path and as --param`, ExitCode.usage);
    const existing = given.get(name);
    given.set(name, existing === undefined ? value : [...[existing].flat(), value]);
  }
  const known = new Map(operation.parameters.filter((p) => p.in === "path" || p.in === "query").map((p) => [p.name, p]));
  const unknown = [...given.keys()].filter((name) => !known.has(name));
  if (unknown.length) {
    throw new CliError(`${operation.operationId} has no parameter ${unknown.join(", ")}. ${describeParameters(operation)}`, ExitCode.usage);
  }
  const missing = [...known.values()].filter((p) => p.required && !given.has(p.name) && !Object.hasOwn(defaults, p.name)).map((p) => p.name);
  if (missing.length) {
    throw new CliError(`${operation.operationId} needs ${missing.map((m) => `--param ${m}=…`).join(" ")}. ${describeParameters(operation)}`, ExitCode.usage);
  }
  const params: Record<string, unknown> = {};
  for (const [name, value] of given) {
    params[name] = typed(value, known.get(name)!.schema);
    // The client checks again when it sends; checked here, a bad value fails before any token is read.
    checkParameter(operation, name, params[name]);
  }
  for (const [name, value] of Object.entries(defaults)) if (known.has(name) && !given.has(name)) params[name] = typed(value, known.get(name)!.schema);
  return params;
}

/**
 * Command-line text as the type a parameter's schema names: "10000002" → 10000002, "true" → true, each item of a
 * list. Text that is no such value stays text, for the check to name: `region_id must be an integer (got "abc")`.
 */
function typed(value: string | string[], schema: ParameterSchema | undefined): unknown {
  if (typesOf(schema).includes("array")) return [value].flat().map((item) => typedItem(item, schema?.items));
  return Array.isArray(value) ? value.map((item) => typedItem(item, schema)) : typedItem(value, schema);
}

const NUMBER = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;

function typedItem(text: string, schema: ParameterSchema | undefined): unknown {
  const types = typesOf(schema);
  if (types.includes("string")) return text;
  if ((types.includes("integer") || types.includes("number")) && NUMBER.test(text)) return Number(text);
  if (types.includes("boolean") && (text === "true" || text === "false")) return text === "true";
  return text;
}

const typesOf = (schema: ParameterSchema | undefined): readonly string[] => (schema?.type === undefined ? [] : [schema.type].flat());

/** "Its parameters: character_id (path, required), page (query)." */
export function describeParameters(operation: OperationInfo): string {
  const list = operation.parameters.filter((p) => p.in === "path" || p.in === "query");
  if (!list.length) return "It takes no parameters.";
  return `Its parameters: ${list.map((p) => `${p.name} (${p.in}${p.required ? ", required" : ""})`).join(", ")}.`;
}

/** `--body '<json>'`, `--body @file.json` or `--body -` (stdin), parsed, for operations that take a body. */
export function readBody(operation: OperationInfo, body: string | undefined): { body?: unknown } {
  if (body === undefined) return {};
  if (!operation.hasBody) throw new CliError(`${operation.operationId} takes no request body (--body)`, ExitCode.usage);
  let text: string;
  try {
    text = body === "-" ? readFileSync(0, "utf8") : body.startsWith("@") ? readFileSync(body.slice(1), "utf8") : body;
  } catch (error) {
    throw new CliError(`cannot read the --body file: ${(error as Error).message}`, ExitCode.usage);
  }
  try {
    return { body: JSON.parse(text) };
  } catch (error) {
    throw new CliError(`--body is not valid JSON: ${(error as Error).message}`, ExitCode.usage);
  }
}
