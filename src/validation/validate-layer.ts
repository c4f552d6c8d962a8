import { fileURLToPath } from "node:url";
import { EsiUsageError } from "../errors.ts";
import type { Layer } from "../pipeline/compose.ts";
import type { EsiCore } from "../pipeline/core.ts";
import { BufferedResponse } from "../transport/buffered-response.ts";
import type { SpecInput, SpecValidators } from "./spec-validators.ts";

export interface ValidateOptions {
  /** The spec to check against (an OpenAPI 3.x document or a path to its JSON). Default: the spec of the client's generation. */
  spec?: SpecInput;
}

/**
 * Opt-in response validation for development and tests: every JSON success body from the network is checked
 * against its operation's schema (compiled once per operation, on first use). A mismatch rejects the call with a
 * ResponseValidationError naming the operation, the JSON pointer and the value, so spec drift fails the app's own
 * tests. Sits below the cache: what is kept was checked once, and a hit is not checked again.
 */
export function validateLayer(core: EsiCore, options: ValidateOptions | true): Layer {
  const spec = (options === true ? undefined : options.spec) ?? specOf(core);
  // Ajv is loaded, and the spec read, on the first response to check: an app that never validates pays nothing.
  let validators: Promise<SpecValidators> | undefined;
  const load = () => (validators ??= import("./spec-validators.ts").then(({ SpecValidators }) => new SpecValidators(spec)));
  return async (call, next) => {
    const response = await next(call);
    if (!call.operation || response.status < 200 || response.status >= 300 || response.status === 204) return response;
    if (!/json/i.test(response.headers.get("Content-Type") ?? "")) return response;
    const body = response instanceof BufferedResponse ? response.data : JSON.parse(await response.clone().text());
    if (body === undefined) return response;
    (await load()).check(call.operation.operationId, call.method, call.operation.path, body);
    return response;
  };
}

function specOf(core: EsiCore): string {
  const spec = core.generation.spec;
  if (spec === undefined) throw new EsiUsageError("validate: this client's generation keeps no spec; pass validate: { spec: \"path/to/openapi.json\" }");
  return spec instanceof URL ? fileURLToPath(spec) : spec;
}
