import type { TokenManager } from "../auth/token-manager.ts";
import type { OperationInfo } from "../generation.ts";

/**
 * Who a call acts for: the one rule, decided once per call, that auth (whose token), the cache (whose answer) and
 * limits (whose rate-limit bucket) all read from the call.
 * - An operation that needs no scope acts for nobody: public data is shared by every character, and ESI counts
 *   unauthenticated requests per application, not per character.
 * - A signed operation acts for the view's character (`esi.as(id)`); else for the only character whose tokens are
 *   held; else for the path's `character_id` when tokens for it are held. Anything else is left to auth, which
 *   says which of these was missing (NotLoggedInError).
 * Undefined for a signed call means "not known before its token is refreshed": such a call is not cached.
 */
export async function actingCharacter(
  operation: OperationInfo | undefined,
  viewCharacterId: number | undefined,
  pathCharacterId: unknown,
  tokens: TokenManager | undefined,
): Promise<number | undefined> {
  const known = actingCharacterNow(operation, viewCharacterId);
  if (known) return known.characterId;
  if (!tokens) return undefined;
  await tokens.load();
  try {
    const key = tokens.resolve(undefined, typeof pathCharacterId === "number" ? pathCharacterId : undefined);
    return tokens.peek(key)?.characterId;
  } catch {
    return undefined; // auth throws the precise NotLoggedInError for this call
  }
}

/** The same rule where it needs no token store: public operations, and views of one character. */
export function actingCharacterNow(operation: OperationInfo | undefined, viewCharacterId: number | undefined): { characterId: number | undefined } | undefined {
  if (!operation || operation.scopes.length === 0) return NOBODY;
  if (viewCharacterId !== undefined) return { characterId: viewCharacterId };
  return undefined;
}

const NOBODY = Object.freeze({ characterId: undefined });
