import type { SpecOperation } from "../../src/testing/fake-esi/index.ts";

/** The real spec copy the tests run against (never copied into the repository). */
export const SPEC_PATH = process.env.ESIKIT_SPEC ?? new URL("../../../shared/esi-spec/openapi.json", import.meta.url).pathname;

/** A concrete path for an operation: integer path parameters get a plausible id, others a word. */
export function concretePath(op: SpecOperation): string {
  let path = op.path;
  for (const p of op.pathParams) path = path.replace(`{${p.name}}`, p.integer ? "90000001" : "tranquility");
  return path;
}
