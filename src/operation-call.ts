import type { FetchResponse } from "openapi-fetch";
import type { Generation, OpsOf } from "./generation.ts";

type NonNever<T> = [T] extends [never] ? {} : [T] extends [undefined] ? {} : NonNullable<T>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type Params<O> = O extends { parameters: infer P }
  ? (P extends { path?: infer X } ? NonNever<X> : {}) & (P extends { query?: infer Q } ? NonNever<Q> : {}) & (P extends { header?: infer H } ? NonNever<H> : {})
  : {};
type RequestBodyOf<O> = O extends { requestBody: infer R } ? R : O extends { requestBody?: infer R } ? R | undefined : undefined;
type JsonOf<R> = R extends { content: { "application/json": infer B } } ? B : never;
type Body<O> = [JsonOf<NonNullable<RequestBodyOf<O>>>] extends [never]
  ? {}
  : undefined extends RequestBodyOf<O>
    ? { body?: JsonOf<NonNullable<RequestBodyOf<O>>> }
    : { body: JsonOf<NonNullable<RequestBodyOf<O>>> };

/** Every operationId of a generation. */
export type OperationIdOf<G extends Generation> = keyof OpsOf<G> & string;

type Op<G extends Generation, Id extends OperationIdOf<G>> = OpsOf<G>[Id];

/** An operation's arguments, EsiPy-style: path, query and header parameters side by side, plus `body` where it takes one. */
export type OperationParams<G extends Generation, Id extends OperationIdOf<G>> = Simplify<Params<Op<G, Id>> & Body<Op<G, Id>>>;

type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
/** The argument list of a call: optional when no parameter is required. */
export type ParamsArg<G extends Generation, Id extends OperationIdOf<G>> =
  RequiredKeys<OperationParams<G, Id>> extends never ? [params?: OperationParams<G, Id>] : [params: OperationParams<G, Id>];

/** `{ data, error, response }`, as openapi-fetch answers. */
export type OperationResult<G extends Generation, Id extends OperationIdOf<G>> = FetchResponse<Op<G, Id> & Record<string | number, any>, {}, `${string}/${string}`>;
/** The data an operation answers with on success. */
export type OperationData<G extends Generation, Id extends OperationIdOf<G>> = NonNullable<OperationResult<G, Id>["data"]>;

/** `esi.op.GetCharactersCharacterIdWallet({ character_id })`: every operation by its operationId. */
export type OperationCalls<G extends Generation> = {
  [Id in OperationIdOf<G>]: (...args: ParamsArg<G, Id>) => Promise<OperationResult<G, Id>>;
};
