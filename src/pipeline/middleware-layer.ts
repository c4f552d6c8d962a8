import type { Middleware } from "openapi-fetch";
import type { Layer } from "./compose.ts";

const NO_OPTIONS = Object.freeze({}) as never;

/**
 * openapi-fetch middleware run as an esikit layer, so the app's middleware sees every attempt (retries and
 * replays included) and cannot leave esikit's state behind when it answers from onRequest. onRequest gets a Request
 * of the call; the headers of the Request it returns are what is sent. onResponse runs in reverse order.
 */
export function middlewareLayer(middleware: readonly Middleware[]): Layer {
  let ids = 0;
  return async (call, next) => {
    const id = `esikit-${++ids}`;
    const schemaPath = call.operation?.path ?? new URL(call.url).pathname;
    const params = {};
    let request = new Request(call.url, { method: call.method, headers: call.headers, body: call.body ?? null });
    let answered: Response | undefined;
    for (const m of middleware) {
      const result = await m.onRequest?.({ request, schemaPath, params, options: NO_OPTIONS, id });
      if (result instanceof Response) {
        answered = result;
        break;
      }
      if (result instanceof Request) request = result;
    }
    if (answered) return answered;
    // What the middleware set on the Request is what goes out.
    for (const name of [...call.headers.keys()]) if (!request.headers.has(name)) call.headers.delete(name);
    request.headers.forEach((value, name) => call.headers.set(name, value));
    let response: Response;
    try {
      response = await next(call);
    } catch (error) {
      for (let i = middleware.length - 1; i >= 0; i--) {
        const recovered = await middleware[i]!.onError?.({ request, error, schemaPath, params, options: NO_OPTIONS, id });
        if (recovered instanceof Response) return recovered;
        if (recovered instanceof Error) error = recovered;
      }
      throw error;
    }
    for (let i = middleware.length - 1; i >= 0; i--) {
      const result = await middleware[i]!.onResponse?.({ request, response, schemaPath, params, options: NO_OPTIONS, id });
      if (result instanceof Response) response = result;
    }
    return response;
  };
}
