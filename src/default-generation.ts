import type { operations as OperationTypes, paths } from "../generated/esi.js";
import { meta, operations } from "../generated/operations.js";
import { defineGeneration, type Generation } from "./generation.ts";

/** The generation this package ships: made from the newest ESI spec at release (`npm run generate` in the checkout). */
export type DefaultGeneration = Generation<paths, OperationTypes>;

export const generation: DefaultGeneration = defineGeneration<paths, OperationTypes>({
  ...meta,
  operations,
  spec: new URL("../generated/openapi.json", import.meta.url),
});
