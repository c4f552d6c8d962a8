import type { CacheOutcome } from "./events.ts";

/** What esikit knows of a response beyond its headers: read with `esi.info(response)`. */
export interface ResponseInfo {
  operationId: string | undefined;
  cache: CacheOutcome;
  /** How many times the request was sent again (5xx, 420, 429, 401 refresh). */
  retries: number;
  characterId: number | undefined;
}

const infos = new WeakMap<Response, ResponseInfo>();

export function getResponseInfo(response: Response): ResponseInfo | undefined {
  return infos.get(response);
}

/** Merges what one middleware learnt about a response into what the others recorded. */
export function noteResponse(response: Response, info: Partial<ResponseInfo>): void {
  const current = infos.get(response);
  infos.set(response, {
    operationId: info.operationId ?? current?.operationId,
    cache: info.cache ?? current?.cache ?? "miss",
    retries: (current?.retries ?? 0) + (info.retries ?? 0),
    characterId: info.characterId ?? current?.characterId,
  });
}
