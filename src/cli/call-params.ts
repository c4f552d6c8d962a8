import { readFileSync } from "node:fs";
import type { OperationInfo } from "../operations.ts";
import { CliError, ExitCode } from "./exit-codes.ts";

/** Repeatable `--param name=value`: commander hands each one to this collector. */
export function collectParam(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * Turns `--param name=value` pairs (a name given twice becomes a list) and the parameters a concrete path carried
 * into an operation's arguments, checked against the operation before anything is sent: an unknown name or a
 * missing required one fails with the list of the valid ones.
 */
export function buildParams(operation: OperationInfo, pairs: readonly string[], fromPath: Record<string, string>, defaults: Record<string, string> = {}): Record<string, unknown> {
  const params: Record<string, string | string[]> = { ...fromPath };
  const fromOptions = new Set<string>();
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new CliError(`--param needs name=value, got ${JSON.stringify(pair)}`, ExitCode.usage);
    const name = pair.slice(0, at);
    const value = pair.slice(at + 1);
    if (name in fromPath) throw new CliError(`${name} is given twice: in the path and as --param`, ExitCode.usage);
    if (fromOptions.has(name)) {
      const existing = params[name]!;
      params[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
    } else {
      params[name] = value;
      fromOptions.add(name);
    }
  }
  const known = new Map(operation.parameters.filter((p) => p.in === "path" || p.in === "query").map((p) => [p.name, p]));
  const unknown = Object.keys(params).filter((name) => !known.has(name));
  if (unknown.length) {
    throw new CliError(`${operation.operationId} has no parameter ${unknown.join(", ")}. ${describeParameters(operation)}`, ExitCode.usage);
  }
  for (const [name, value] of Object.entries(defaults)) if (known.has(name) && !(name in params)) params[name] = value;
  const missing = [...known.values()].filter((p) => p.required && !(p.name in params)).map((p) => p.name);
  if (missing.length) {
    throw new CliError(`${operation.operationId} needs ${missing.map((m) => `--param ${m}=…`).join(" ")}. ${describeParameters(operation)}`, ExitCode.usage);
  }
  return params;
}

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
