import { EsiError } from "../errors.ts";

/** A page of a paged call failed: the EsiError of that page, naming it (`page`, and `pages` when known). */
export class EsiPageError extends EsiError {
  readonly page: number;
  readonly pages: number | undefined;

  constructor(error: EsiError, page: number, pages: number | undefined) {
    super(
      {
        status: error.status,
        operationId: error.operationId,
        method: error.method,
        path: error.path,
        body: error.body,
        excerpt: error.excerpt,
        limits: error.limits,
        retries: error.retries,
        characterId: error.characterId,
      },
      { cause: error },
    );
    this.name = "EsiPageError";
    this.page = page;
    this.pages = pages;
    const what = error.operationId ?? `${error.method} ${error.path}`;
    this.message = `${what} page ${page}${pages ? ` of ${pages}` : ""} failed with ${error.status}: ${error.body?.error ?? error.excerpt ?? "no error body"}`;
  }
}
