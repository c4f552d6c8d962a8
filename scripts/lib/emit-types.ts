import { HTTP_METHODS, isClientFilled } from "./operation-table.ts";
import { SpecError } from "./spec-error.ts";
import type { OpenApiDocument } from "./spec-document.ts";

type Json = Record<string, unknown>;

/**
 * The paths/operations/components types, from openapi-typescript. Before that, the headers the client fills
 * itself are made optional: ESI declares X-Compatibility-Date required (a one-value enum) on every operation,
 * and a call's types must not ask the app for it. openapi-typescript (which loads the TypeScript compiler, ~1.5 s)
 * is imported here, on demand, so a run that finds nothing changed never pays for it.
 *
 * `defaultNonNullable: false`: a property is required only where the spec's `required` says so. openapi-typescript's
 * default turns every property with a `default` into a required one, which made request bodies ask for what the spec
 * leaves optional (PostRoute's RouteRequestBody: `preference` and `security_penalty`). A JSON Schema `default` is an
 * annotation, not a promise that a response carries the field, so responses follow `required` too.
 */
export async function emitTypes(doc: OpenApiDocument, banner: string, origin: string): Promise<string> {
  const { default: openapiTS, astToString } = await import("openapi-typescript");
  const typed = relaxClientFilledParameters(structuredClone(doc));
  try {
    const ast = await openapiTS(typed as never, { silent: true, defaultNonNullable: false });
    return `${banner}\n${astToString(ast)}`;
  } catch (error) {
    // openapi-typescript validates with Redocly first: "Can't resolve $ref at #/paths/..." is the spec's fault.
    throw new SpecError(`${origin}: openapi-typescript cannot make types from it: ${(error as Error).message}`, { cause: error });
  }
}

function relaxClientFilledParameters(doc: OpenApiDocument): OpenApiDocument {
  const relax = (raw: unknown) => {
    if (raw && typeof raw === "object" && !("$ref" in raw)) {
      const p = raw as Json;
      if (isClientFilled(p as { name: string; in: string })) p.required = false;
    }
  };
  for (const p of Object.values(doc.components?.parameters ?? {})) relax(p);
  for (const item of Object.values(doc.paths)) {
    for (const p of (item.parameters as unknown[]) ?? []) relax(p);
    for (const method of HTTP_METHODS) {
      const op = item[method] as Json | undefined;
      for (const p of (op?.parameters as unknown[]) ?? []) relax(p);
    }
  }
  return doc;
}
