import { SpecError } from "./spec-error.ts";
import type { LoadedSpec, OpenApiDocument } from "./spec-document.ts";

/**
 * Brings any supported spec to OpenAPI 3.x. openapi-typescript 7 rejects Swagger 2.0, so the legacy spec
 * goes through swagger2openapi first; 3.0 and 3.1 are read as they are. The result is a fresh copy.
 */
export async function toOpenApi3(spec: LoadedSpec): Promise<OpenApiDocument> {
  const copy = structuredClone(spec.original);
  if (spec.format !== "swagger-2.0") return copy as unknown as OpenApiDocument;
  // Loaded on demand: only the legacy spec needs it.
  const { default: swagger2openapi } = await import("swagger2openapi");
  try {
    // `text` is the source as given: without it swagger2openapi spends ~1 s rendering the spec as YAML it never needs.
    const options = { patch: true, warnOnly: true, resolve: false, text: spec.raw.toString("utf8") };
    const converted = (await swagger2openapi.convertObj(copy as never, options)) as unknown as {
      openapi: unknown;
    };
    const { openapi } = converted;
    return openapi as OpenApiDocument;
  } catch (error) {
    throw new SpecError(`${spec.origin}: converting Swagger 2.0 to OpenAPI 3 failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
