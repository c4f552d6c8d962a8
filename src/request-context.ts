/**
 * What one middleware learns about a call that a later one needs. openapi-fetch hands every middleware of one
 * call the same `params` object, so it keys a WeakMap: nothing to clean up, nothing shared between calls.
 */
const actingCharacters = new WeakMap<object, number>();

/** The auth plugin says whose token signs the call (a base view may act for its only character, or the path's). */
export function setActingCharacter(params: object, characterId: number): void {
  actingCharacters.set(params, characterId);
}

export function actingCharacter(params: object): number | undefined {
  return actingCharacters.get(params);
}
