import type { EsiCall } from "./call.ts";

/** Sends the call on through the layers below; may be called again (a retry or a replay passes them all again). */
export type Next = (call: EsiCall) => Promise<Response>;

/** One concern of the request path (Octokit's hook.wrap, hono's compose): do something, call next, look at the answer. */
export type Layer = (call: EsiCall, next: Next) => Promise<Response>;

/** Layers in order, outermost first, over the innermost `send` (the transport). */
export function compose(layers: readonly Layer[], send: Next): Next {
  let next = send;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    const inner = next;
    next = (call) => layer(call, inner);
  }
  return next;
}
