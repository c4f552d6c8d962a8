import type { Layer } from "../pipeline/compose.ts";
import type { EsiCore } from "../pipeline/core.ts";
import type { Sso } from "./create-sso.ts";
import { MissingScopeError, NotLoggedInError } from "./errors.ts";
import type { TokenEventName } from "./token-manager.ts";

const TOKEN_EVENTS: TokenEventName[] = ["token-refreshed", "token-revoked", "token-refresh-failed", "store-permissions-fixed"];

/**
 * Signs the calls that need a scope with their character's access token, and only those (the operation table
 * says which). Before sending: no token or one about to expire -> one shared refresh per character; a missing
 * scope -> MissingScopeError. After: a 401 on a token that looked valid -> one refresh, and the call goes on
 * down the layers once more (so the replay is cached, counted by the limits and seen by the app's layers).
 */
export function authLayer(core: EsiCore, sso: Sso): Layer {
  // The sso's token events reach this client's events too.
  for (const event of TOKEN_EVENTS) sso.on(event, (payload) => core.events.emit(event, payload as never));
  const { tokens: manager } = sso;

  return async (call, next) => {
    const { operation } = call;
    if (!operation || operation.scopes.length === 0) return next(call);
    await manager.load();
    // The acting character was decided with the path's character_id already (see actingCharacter).
    const key = manager.resolve(call.characterId);
    const missingFrom = (scopes: readonly string[]) => operation.scopes.filter((scope) => !scopes.includes(scope));
    // A refresh keeps the grant's scopes: a token known to lack one fails before even the refresh.
    const held = manager.peek(key);
    if (held?.accessToken && missingFrom(held.scopes).length) {
      throw new MissingScopeError({ scopes: missingFrom(held.scopes), operationId: operation.operationId, characterId: held.characterId });
    }
    const tokens = await manager.fresh(key);
    if (call.characterId !== undefined && tokens.characterId !== call.characterId) {
      throw new NotLoggedInError(`No tokens for character ${call.characterId}: the token set held is for character ${String(tokens.characterId)}.`, call.characterId);
    }
    const missing = missingFrom(tokens.scopes);
    if (missing.length) throw new MissingScopeError({ scopes: missing, operationId: operation.operationId, characterId: tokens.characterId });
    call.headers.set("Authorization", `Bearer ${tokens.accessToken}`);
    const response = await next(call);
    if (response.status !== 401) return response;

    // Shared with every other call that got a 401 on the same token: one refresh between them.
    const renewed = await manager.fresh(key, { rejected: tokens.accessToken });
    await response.body?.cancel().catch(() => undefined);
    call.headers.set("Authorization", `Bearer ${renewed.accessToken}`);
    call.retries++;
    return next(call);
  };
}

