/**
 * A response whose body has been read in full (by the transport, or from the cache): layers read its text without
 * consuming it, and its JSON is parsed at most once (the front door and openapi-fetch's `json()` share it).
 * Reading the body in the transport is also what makes a body cut short an error the retry layer sees.
 */
export class BufferedResponse extends Response {
  readonly bodyText: string;
  #parsed = false;
  #data: unknown;

  constructor(text: string, init: { status: number; statusText?: string; headers: HeadersInit }, url: string) {
    // 204/304 (and 1xx) may not carry a body.
    super(text === "" || init.status === 204 || init.status === 304 ? null : text, init);
    this.bodyText = text;
    Object.defineProperty(this, "url", { value: url });
  }

  /** The body as JSON (undefined when empty); throws a SyntaxError when it is not JSON. */
  get data(): unknown {
    if (!this.#parsed) {
      this.#data = this.bodyText === "" ? undefined : JSON.parse(this.bodyText);
      this.#parsed = true;
    }
    return this.#data;
  }

  override text(): Promise<string> {
    return Promise.resolve(this.bodyText);
  }

  override json(): Promise<unknown> {
    try {
      return Promise.resolve(this.data);
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
