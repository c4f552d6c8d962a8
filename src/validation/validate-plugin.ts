import type { Middleware } from "openapi-fetch";
import { operationForRoute } from "../operations.ts";
import type { ClientView, EsiPlugin } from "../plugin.ts";
import type { SpecInput, SpecValidators } from "./spec-validators.ts";

export interface ValidateOptions {
  /**
   * The spec the client was generated from (the OpenAPI 3.x document, or a path to its JSON). The runtime keeps
   * no copy of the spec's schemas (they would weigh on every app), so validation asks for it.
   */
  spec: SpecInput;
}

/**
 * Opt-in response validation for development and tests: every JSON success body from the network is checked
 * against its operation's schema (compiled once per operation, on first use). A mismatch rejects the call with
 * a ResponseValidationError naming the operation, the JSON pointer and the value, so spec drift fails the app's
 * own tests. Kept responses are not checked again.
 */
export function validatePlugin(options: ValidateOptions): EsiPlugin {
  return {
    name: "validate",
    middleware(view: ClientView): Middleware {
      // Ajv is loaded, and the spec read, on the first response to check: an app that never validates never pays
      // for them at start-up. One set of validators per client, shared by its views.
      const validators = () =>
        view.core.state<Promise<SpecValidators>>("validate", () =>
          import("./spec-validators.ts").then(({ SpecValidators }) => new SpecValidators(options.spec)),
        );
      return {
        async onResponse({ request, response, schemaPath }) {
          if (response.status < 200 || response.status >= 300 || response.status === 204) return undefined;
          if (!/json/i.test(response.headers.get("Content-Type") ?? "")) return undefined;
          const text = await response.clone().text();
          if (text === "") return undefined;
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            return undefined; // not JSON after all: openapi-fetch reports that itself
          }
          const operationId = operationForRoute(request.method, schemaPath)?.operationId ?? `${request.method} ${schemaPath}`;
          (await validators()).check(operationId, request.method, schemaPath, body);
          return undefined;
        },
      };
    },
  };
}
