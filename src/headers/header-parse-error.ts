/** A header ESI (or something between us and ESI) sent in a shape esikit cannot read. */
export class HeaderParseError extends Error {
  readonly header: string;
  readonly value: string;

  constructor(header: string, value: string, expected: string) {
    super(`${header} header ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)} is not ${expected}`);
    this.name = "HeaderParseError";
    this.header = header;
    this.value = value;
  }
}

/** A header value as Headers.get() gives it; null or undefined means the header was not sent. */
export type RawHeader = string | null | undefined;
