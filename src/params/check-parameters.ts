import { EsiUsageError } from "../errors.ts";
import type { OperationInfo, ParameterRow } from "../generation.ts";
import { compileSchema, type Failure, type ValueCheck } from "./compile-schema.ts";
import { describeValue } from "./describe-value.ts";

interface CompiledParameter {
  readonly row: ParameterRow;
  readonly check: ValueCheck;
  /** Required of the caller (a required header the client fills itself is not). */
  readonly required: boolean;
}

interface CompiledOperation {
  readonly byName: Map<string, CompiledParameter>;
  readonly requiredCount: number;
  readonly hasBody: boolean;
}

/** Compiled once per operation row: a generation's rows are frozen and live as long as the generation. */
const compiled = new WeakMap<OperationInfo, CompiledOperation>();

/**
 * Checks an operation call's arguments (path, query and header parameters by their spec names, side by side, and
 * `body` where the operation takes one) before anything is sent, against each parameter's schema. Throws an
 * EsiUsageError naming the operation, the parameter, the value and what is allowed:
 *
 *   GetMarketsRegionIdOrders: order_type must be one of "buy", "sell", "all" (got "cheap")
 *   GetMarketsRegionIdOrders has no parameter typeid (its parameters: region_id, order_type, type_id, page, ...)
 *   GetMarketsRegionIdOrders needs order_type
 *
 * A value of `undefined` counts as not given. The checks of an operation are compiled on its first call.
 */
export function checkParameters(operation: OperationInfo, args: Readonly<Record<string, unknown>> | undefined): void {
  const op = compiled.get(operation) ?? compileOperation(operation);
  let requiredSeen = 0;
  let unknown: string[] | undefined;
  let failure: { name: string; failure: Failure } | undefined;
  if (args != null) {
    // for-in, not Object.keys: no array per call. (An enumerable property inherited from a polluted
    // Object.prototype shows up as an unknown parameter, which is what it would be.)
    for (const name in args) {
      const value = args[name];
      if (value === undefined) continue;
      const parameter = op.byName.get(name);
      if (parameter === undefined) {
        if (name !== "body" || !op.hasBody) (unknown ??= []).push(name);
        continue;
      }
      if (parameter.required) requiredSeen++;
      if (failure === undefined) {
        const found = parameter.check(value);
        if (found !== undefined) failure = { name, failure: found };
      }
    }
  }
  if (unknown) throw unknownError(operation, op, unknown);
  if (requiredSeen !== op.requiredCount) throw missingError(operation, op, args);
  if (failure) {
    const { name, failure: f } = failure;
    throw new EsiUsageError(`${operation.operationId}: ${name}${f.at} ${f.problem} (got ${describeValue(f.value)})`);
  }
}

/** Checks one parameter's value (not undefined) as checkParameters does; throws the same EsiUsageError. */
export function checkParameter(operation: OperationInfo, name: string, value: unknown): void {
  const op = compiled.get(operation) ?? compileOperation(operation);
  const parameter = op.byName.get(name);
  if (!parameter) throw unknownError(operation, op, [name]);
  const f = parameter.check(value);
  if (f) throw new EsiUsageError(`${operation.operationId}: ${name}${f.at} ${f.problem} (got ${describeValue(f.value)})`);
}

function compileOperation(operation: OperationInfo): CompiledOperation {
  const byName = new Map<string, CompiledParameter>();
  let requiredCount = 0;
  for (const row of operation.parameters) {
    const commaSeparated = row.in === "query" && row.explode !== true;
    let check: ValueCheck;
    try {
      check = compileSchema(row.schema, { in: row.in, commaSeparated });
    } catch (error) {
      // A schema esikit cannot compile (a pattern JavaScript cannot read) is the generation's fault, not the caller's.
      throw new Error(`${operation.operationId}: the schema of parameter ${row.name} cannot be checked: ${(error as Error).message}`, { cause: error });
    }
    const required = row.required && (row.in === "path" || !row.clientFilled);
    if (required) requiredCount++;
    byName.set(row.name, { row, check, required });
  }
  const result: CompiledOperation = { byName, requiredCount, hasBody: operation.hasBody };
  compiled.set(operation, result);
  return result;
}

function unknownError(operation: OperationInfo, op: CompiledOperation, names: string[]): EsiUsageError {
  const bodyMisuse = names.includes("body") && !op.hasBody;
  const others = names.filter((n) => n !== "body" || op.hasBody);
  const valid = [...op.byName.keys(), ...(op.hasBody ? ["body"] : [])].join(", ") || "none";
  if (bodyMisuse && others.length === 0) return new EsiUsageError(`${operation.operationId} takes no request body`);
  return new EsiUsageError(`${operation.operationId} has no parameter ${names.join(", ")} (its parameters: ${valid})`);
}

function missingError(operation: OperationInfo, op: CompiledOperation, args: Readonly<Record<string, unknown>> | undefined): EsiUsageError {
  const missing = [...op.byName.values()].filter((p) => p.required && (args == null || !Object.hasOwn(args, p.row.name) || args[p.row.name] === undefined)).map((p) => p.row.name);
  return new EsiUsageError(`${operation.operationId} needs ${missing.join(", ")}`);
}
