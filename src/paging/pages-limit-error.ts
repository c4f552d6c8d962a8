/**
 * ESI said an X-Pages operation has more pages than the caller allows (`maxPages`): nothing past page 1 was
 * fetched. A real answer of that size is rare (the largest market region has a few hundred pages); a huge X-Pages
 * is more likely a broken proxy or cache, which would otherwise start millions of requests.
 */
export class EsiPagesLimitError extends Error {
  readonly operationId: string;
  /** What X-Pages said. */
  readonly pages: number;
  readonly maxPages: number;

  constructor(details: { operationId: string; pages: number; maxPages: number }) {
    super(
      `${details.operationId} says it has ${details.pages} pages (X-Pages), more than maxPages ${details.maxPages}: ` +
        `nothing past page 1 was fetched (pass a larger maxPages to read them all)`,
    );
    this.name = "EsiPagesLimitError";
    this.operationId = details.operationId;
    this.pages = details.pages;
    this.maxPages = details.maxPages;
  }
}
