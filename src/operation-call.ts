import type { Client, FetchResponse } from "openapi-fetch";
import type { operations as OperationTypes, paths } from "../generated/esi.d.ts";
import { EsiUsageError } from "./errors.ts";
import { operationById, type OperationId, type OperationInfo } from "./operations.ts";

type Ops = OperationTypes;
type NonNever<T> = [T] extends [never] ? {} : [T] extends [undefined] ? {} : NonNullable<T>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type Params<Id extends OperationId> = Ops[Id] extends { parameters: infer P }
  ? (P extends { path?: infer X } ? NonNever<X> : {}) & (P extends { query?: infer Q } ? NonNever<Q> : {})
  : {};
type RequestBodyOf<O> = O extends { requestBody: infer R } ? R : O extends { requestBody?: infer R } ? R | undefined : undefined;
type JsonOf<R> = R extends { content: { "application/json": infer B } } ? B : never;
type Body<Id extends OperationId> = [JsonOf<NonNullable<RequestBodyOf<Ops[Id]>>>] extends [never]
  ? {}
  : undefined extends RequestBodyOf<Ops[Id]>
    ? { body?: JsonOf<NonNullable<RequestBodyOf<Ops[Id]>>> }
    : { body: JsonOf<NonNullable<RequestBodyOf<Ops[Id]>>> };

/** An operation's arguments, EsiPy-style: path and query parameters side by side, plus `body` where it takes one. */
export type OperationParams<Id extends OperationId> = Simplify<Params<Id> & Body<Id>>;

type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
type ParamsArg<Id extends OperationId> =
  RequiredKeys<OperationParams<Id>> extends never ? [params?: OperationParams<Id>] : [params: OperationParams<Id>];

export type OperationResult<Id extends OperationId> = FetchResponse<Ops[Id], {}, `${string}/${string}`>;
/** The data an operation answers with on success. */
export type OperationData<Id extends OperationId> = NonNullable<OperationResult<Id>["data"]>;

/** `esi.op.GetCharactersCharacterIdWallet({ character_id })`: every operation by its operationId. */
export type OperationCalls = {
  [Id in OperationId]: (...args: ParamsArg<Id>) => Promise<OperationResult<Id>>;
};

/** Splits flat EsiPy-style arguments into openapi-fetch's { params: { path, query }, body } by the operation table. */
export function toFetchInit(operation: OperationInfo, args: Record<string, unknown> = {}): Record<string, unknown> {
  const path: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  const known = new Set(["body"]);
  for (const p of operation.parameters) {
    known.add(p.name);
    if (!(p.name in args)) continue;
    if (p.in === "path") path[p.name] = args[p.name];
    else if (p.in === "query") query[p.name] = args[p.name];
  }
  const unknown = Object.keys(args).filter((k) => !known.has(k));
  if (unknown.length) {
    const valid = operation.parameters.map((p) => p.name).join(", ") || "none";
    throw new EsiUsageError(`${operation.operationId} has no parameter ${unknown.join(", ")} (its parameters: ${valid})`);
  }
  const missing = operation.parameters.filter((p) => p.required && !(p.name in args)).map((p) => p.name);
  if (missing.length) throw new EsiUsageError(`${operation.operationId} needs ${missing.join(", ")}`);
  const init: Record<string, unknown> = { params: { path, query } };
  if ("body" in args) init.body = args.body;
  return init;
}

/** Builds `esi.op`: a proxy, so start-up does not pay for 225 closures an app will mostly never call. */
export function createOperationCalls(client: Client<paths>): OperationCalls {
  const made = new Map<string, (args?: Record<string, unknown>) => Promise<unknown>>();
  return new Proxy({} as OperationCalls, {
    get(_target, key) {
      if (typeof key !== "string") return undefined;
      let call = made.get(key);
      if (call) return call;
      const operation = operationById(key);
      if (!operation) return undefined;
      call = (args) => (client.request as (m: string, p: string, i: unknown) => Promise<unknown>)(operation.method.toUpperCase(), operation.path, toFetchInit(operation, args));
      made.set(key, call);
      return call;
    },
    has: (_target, key) => typeof key === "string" && operationById(key) !== undefined,
  });
}
