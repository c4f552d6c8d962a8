import type { OperationData, OperationParams } from "../operation-call.ts";
import type { OperationId } from "../operations.ts";

type WithParameter<Name extends string> = { [Id in OperationId]: Name extends keyof OperationParams<Id> ? Id : never }[OperationId];

/** Operations paged with `page` and X-Pages (markets, assets, contracts...). */
export type PagedOperationId = WithParameter<"page">;
/** Operations paged with opaque `before`/`after` cursors (projects, freelance jobs, military campaigns). */
export type CursorOperationId = WithParameter<"before"> & WithParameter<"after">;
/** Operations walked back with `from_id` (wallet transactions). */
export type FromIdOperationId = WithParameter<"from_id">;

/** One item of a list answer. */
export type ItemOf<Id extends OperationId> = OperationData<Id> extends ReadonlyArray<infer Item> ? Item : never;

/** The records of a cursor answer: the array beside `cursor` (e.g. `freelance_jobs`). */
export type CursorRecordOf<Id extends OperationId> = {
  [K in keyof OperationData<Id>]-?: NonNullable<OperationData<Id>[K]> extends ReadonlyArray<infer R> ? R : never;
}[keyof OperationData<Id>];

/** An operation's parameters without the ones the helper drives itself. */
export type ParamsWithout<Id extends OperationId, Driven extends string> = Omit<OperationParams<Id>, Driven>;
