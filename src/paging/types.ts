import type { DefaultGeneration } from "../default-generation.ts";
import type { Generation } from "../generation.ts";
import type { OperationData, OperationIdOf, OperationParams } from "../operation-call.ts";

type WithParameter<G extends Generation, Name extends string> = {
  [Id in OperationIdOf<G>]: Name extends keyof OperationParams<G, Id> ? Id : never;
}[OperationIdOf<G>];

/** Operations paged with `page` and X-Pages (markets, assets, contracts...), of a generation. */
export type PagedOperationId<G extends Generation = DefaultGeneration> = WithParameter<G, "page">;
/** Operations paged with opaque `before`/`after` cursors (projects, freelance jobs, military campaigns). */
export type CursorOperationId<G extends Generation = DefaultGeneration> = WithParameter<G, "before"> & WithParameter<G, "after">;
/** Operations walked back with `from_id` (wallet transactions). */
export type FromIdOperationId<G extends Generation = DefaultGeneration> = WithParameter<G, "from_id">;

/** One item of a list answer. */
export type ItemOf<Id extends OperationIdOf<G>, G extends Generation = DefaultGeneration> = OperationData<G, Id> extends ReadonlyArray<infer Item> ? Item : never;

/** The records of a cursor answer: the array beside `cursor` (e.g. `freelance_jobs`). */
export type CursorRecordOf<Id extends OperationIdOf<G>, G extends Generation = DefaultGeneration> = {
  [K in keyof OperationData<G, Id>]-?: NonNullable<OperationData<G, Id>[K]> extends ReadonlyArray<infer R> ? R : never;
}[keyof OperationData<G, Id>];

/** An operation's parameters without the ones the helper drives itself. */
export type ParamsWithout<G extends Generation, Id extends OperationIdOf<G>, Driven extends string> = Omit<OperationParams<G, Id>, Driven>;
