/**
 * `<out>/index.js` and `index.d.ts`: what an app imports. They bind this generation (its table, and its spec kept
 * beside it as openapi.json) to esikit's runtime, so `createEsiClient` from here is typed by this generation's paths.
 */
export function emitIndex(banner: string): { js: string; dts: string } {
  const js = `${banner}
import { createClientFor, defineGeneration } from "esikit/runtime";
import { meta, operations } from "./operations.js";

export const generation = defineGeneration({ ...meta, operations, spec: new URL("./openapi.json", import.meta.url) });
export const createEsiClient = (options) => createClientFor(generation, options);
export { meta, operations };
`;
  const dts = `${banner}
import type { paths, operations as OperationTypes } from "./esi.js";
import type { Generation, EsiClientFor, EsiClientOptions } from "esikit/runtime";

export type EsiGeneration = Generation<paths, OperationTypes>;
export declare const generation: EsiGeneration;
export declare function createEsiClient(options: EsiClientOptions): EsiClientFor<EsiGeneration>;
export { meta, operations, type OperationId } from "./operations.js";
export type { paths, components, operations as OperationTypes } from "./esi.js";
`;
  return { js, dts };
}
