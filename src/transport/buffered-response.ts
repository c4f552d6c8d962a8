/**
 * A response whose body has been read in full (by the transport, or from the cache): layers read its text without
 * consuming it, and its JSON is parsed at most once (the front door and openapi-fetch's `json()` share it).
 * Reading the body in the transport is also what makes a body cut short an error the retry layer sees.
 *
 * Cheap to make: the body stream and the Headers are built only if someone asks for them (a Response made with
 * a string body and copied headers costs tens of microseconds; most answers are read once, as text or JSON).
 */
export class BufferedResponse extends Response {
  readonly bodyText: string;
  #headersInit: HeadersInit;
  #headers: Headers | undefined;
  #body: Response["body"] | undefined;
  #parsed = false;
  #data: unknown;

  constructor(text: string, init: { status: number; statusText?: string; headers: HeadersInit }, url: string) {
    super(null, { status: init.status, statusText: init.statusText ?? "" });
    this.bodyText = text;
    this.#headersInit = init.headers;
    Object.defineProperty(this, "url", { value: url });
  }

  override get headers(): Headers {
    return (this.#headers ??= this.#headersInit instanceof Headers ? this.#headersInit : new Headers(this.#headersInit));
  }

  /** A stream of the text, made on first access (204/304 and empty bodies have none). */
  override get body(): Response["body"] {
    if (this.#body === undefined) this.#body = this.bodyText === "" || this.status === 204 || this.status === 304 ? null : new Response(this.bodyText).body;
    return this.#body;
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

  override arrayBuffer(): Promise<ArrayBuffer> {
    return new Response(this.bodyText).arrayBuffer();
  }

  override blob(): Promise<Blob> {
    return Promise.resolve(new Blob([this.bodyText], { type: this.headers.get("Content-Type") ?? "" }));
  }

  override clone(): BufferedResponse {
    return new BufferedResponse(this.bodyText, { status: this.status, statusText: this.statusText, headers: this.headers }, this.url);
  }
}
