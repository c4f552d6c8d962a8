/**
 * esikit: the runtime (esikit/runtime) bound to the generation this package ships. An app that regenerates
 * (`npx esikit generate`) imports its own `esi/index.js` instead, which binds the same runtime to its generation.
 */
import { createClientFor, type EsiClient as ClientOf, type EsiClientOptions } from "./client.ts";
import { generation, type DefaultGeneration } from "./default-generation.ts";
import type { Generation } from "./generation.ts";
import type { OperationData as DataOf, OperationIdOf, OperationParams as ParamsOf, OperationResult as ResultOf } from "./operation-call.ts";

export * from "./runtime.ts";
export { generation, type DefaultGeneration };
export type { paths as EsiPaths, operations as EsiOperations, components as EsiComponents } from "../generated/esi.js";

/** The compatibility date of the shipped generation (the newest ESI spec at release). */
export const compatibilityDate: string = generation.compatibilityDate;

/** An operationId of the shipped generation. */
export type OperationId = OperationIdOf<DefaultGeneration>;
/** An operation's flat arguments (shipped generation; esikit/runtime has the generic form). */
export type OperationParams<Id extends OperationId> = ParamsOf<DefaultGeneration, Id>;
/** An operation's data on success (shipped generation). */
export type OperationData<Id extends OperationId> = DataOf<DefaultGeneration, Id>;
/** An operation's `{ data, error, response }` (shipped generation). */
export type OperationResult<Id extends OperationId> = ResultOf<DefaultGeneration, Id>;

/** A client; of the shipped generation unless said otherwise. */
export type EsiClient<G extends Generation = DefaultGeneration> = ClientOf<G>;

/** A client of the shipped generation. */
export function createEsiClient(options: EsiClientOptions): EsiClient {
  return createClientFor(generation, options);
}
