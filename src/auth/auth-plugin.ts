import type { Middleware } from "openapi-fetch";
import { operationForRoute } from "../operations.ts";
import type { ClientView, EsiPlugin } from "../plugin.ts";
import { setActingCharacter } from "../request-context.ts";
import { noteResponse } from "../response-info.ts";
import type { Sso } from "./create-sso.ts";
import { MissingScopeError, NotLoggedInError } from "./errors.ts";
import type { TokenEventName } from "./token-manager.ts";

interface Sent {
  /** Taken before openapi-fetch consumed the body: the 401 replay sends it. */
  copy: Request;
  key: string;
  accessToken: string;
}

const TOKEN_EVENTS: TokenEventName[] = ["token-refreshed", "token-revoked", "token-refresh-failed"];

/**
 * Signs requests that need a scope with the right character's access token, and only those (the operation
 * table says which). Before sending: no token or one about to expire -> one shared refresh per character; a
 * missing scope -> MissingScopeError. After: a 401 on a token that looked valid -> one refresh, one retry.
 */
export function authPlugin(sso: Sso): EsiPlugin {
  return {
    name: "auth",
    middleware(view: ClientView): Middleware {
      const { core } = view;
      // The sso's token events reach this client's events too (once per client, shared by its views).
      core.state("auth:events", () => {
        for (const event of TOKEN_EVENTS) sso.on(event, (payload) => core.events.emit(event, payload as never));
        return true;
      });
      // Keyed by the call's params object: a cache hit skips every onResponse, and must leave nothing behind.
      const sent = new WeakMap<object, Sent>();

      return {
        async onRequest({ request, schemaPath, params }) {
          const operation = operationForRoute(request.method, schemaPath);
          if (!operation || operation.scopes.length === 0) return undefined;
          await sso.tokens.load();
          const pathCharacter = (params as { path?: Record<string, unknown> } | undefined)?.path?.character_id;
          const key = sso.tokens.resolve(view.characterId, typeof pathCharacter === "number" ? pathCharacter : undefined);
          const missingFrom = (scopes: readonly string[]) => operation.scopes.filter((scope) => !scopes.includes(scope));
          // A refresh keeps the grant's scopes: a token known to lack one fails before even the refresh.
          const held = sso.tokens.peek(key);
          if (held?.accessToken && missingFrom(held.scopes).length) {
            throw new MissingScopeError({ scopes: missingFrom(held.scopes), operationId: operation.operationId, characterId: held.characterId });
          }
          const tokens = await sso.tokens.fresh(key);
          if (view.characterId !== undefined && tokens.characterId !== view.characterId) {
            throw new NotLoggedInError(`No tokens for character ${view.characterId}: the token set held is for character ${String(tokens.characterId)}.`, view.characterId);
          }
          const missing = missingFrom(tokens.scopes);
          if (missing.length) throw new MissingScopeError({ scopes: missing, operationId: operation.operationId, characterId: tokens.characterId });
          request.headers.set("Authorization", `Bearer ${tokens.accessToken}`);
          // The cache, after this plugin, keys the answer by this character: never shared with another's.
          if (tokens.characterId !== undefined) setActingCharacter(params, tokens.characterId);
          sent.set(params, { copy: request.clone(), key, accessToken: tokens.accessToken });
          return request;
        },
        async onResponse({ response, params }) {
          const entry = sent.get(params);
          sent.delete(params);
          if (!entry || response.status !== 401) return undefined;
          // Shared with every other request that got a 401 on the same token: one refresh between them.
          const tokens = await sso.tokens.fresh(entry.key, { rejected: entry.accessToken });
          await response.body?.cancel();
          entry.copy.headers.set("Authorization", `Bearer ${tokens.accessToken}`);
          const retried = await core.send(entry.copy);
          noteResponse(retried, { retries: 1, characterId: tokens.characterId });
          return retried;
        },
        onError({ params }) {
          sent.delete(params);
          return undefined;
        },
      };
    },
  };
}
