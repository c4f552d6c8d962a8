import type { KyInstance, Options } from "ky";
import { safeCause } from "../errors/safe-cause.ts";
import { SsoError } from "./errors.ts";

export interface SsoHttpOptions {
  userAgent: string;
  /** Per-attempt timeout, ms. Default 10 s. */
  timeoutMs?: number;
  /** Attempts after the first on 5xx and network errors. Default 2. */
  retryLimit?: number;
  /** Longest single backoff, ms. Default 2 s. */
  backoffLimitMs?: number;
  fetch?: (input: Request) => Promise<Response>;
}

/** What the SSO layer asks of HTTP: a GET and a form POST, each a Response (4xx included) or a thrown failure. */
export interface SsoHttp {
  get(url: string): Promise<Response>;
  post(url: string, options: Pick<Options, "body" | "headers">): Promise<Response>;
}

/**
 * ky for every call to EVE SSO: retries 5xx and network errors with backoff and jitter (token requests
 * included, since a refresh that failed on a 5xx did not rotate anything we saw), a per-attempt timeout.
 * 4xx are handed back as responses: the caller reads the OAuth error (invalid_grant is never retried).
 * ky is loaded on the first call to SSO: an app that only calls public routes never loads it.
 */
export function createSsoHttp(options: SsoHttpOptions): SsoHttp {
  let client: Promise<KyInstance> | undefined;
  const load = () => (client ??= import("ky").then(({ default: ky }) => createKy(ky, options)));
  return {
    get: async (url) => (await load()).get(url),
    post: async (url, init) => (await load()).post(url, init),
  };
}

function createKy(ky: typeof import("ky").default, options: SsoHttpOptions): KyInstance {
  return ky.create({
    fetch: (options.fetch ?? ((input: Request) => globalThis.fetch(input))) as typeof fetch,
    timeout: options.timeoutMs ?? 10_000,
    headers: { "User-Agent": options.userAgent },
    throwHttpErrors: (status) => status >= 500,
    retry: {
      limit: options.retryLimit ?? 2,
      methods: ["get", "post"],
      statusCodes: [500, 502, 503, 504],
      afterStatusCodes: [],
      backoffLimit: options.backoffLimitMs ?? 2_000,
      jitter: true,
      retryOnTimeout: true,
    },
  });
}

/**
 * Turns ky's failures into an SsoError naming the endpoint. Its cause is scrubbed (name, code, redacted message):
 * ky's errors hold the Request, whose body and Authorization header carry the secrets.
 */
export function toSsoError(error: unknown, what: string, characterId?: number, secrets: readonly string[] = []): SsoError {
  if (error instanceof SsoError) return error;
  const cause = safeCause(error, secrets);
  // ky's error classes, told by name: ky itself is loaded only once SSO is called.
  const name = error instanceof Error ? error.name : "";
  const response = (error as { response?: unknown }).response;
  if (name === "HTTPError" && response instanceof Response) {
    return new SsoError(`${what} failed: EVE SSO answered ${response.status} ${response.statusText}`.trim(), { status: response.status, characterId, cause });
  }
  if (name === "TimeoutError") return new SsoError(`${what} failed: EVE SSO did not answer in time`, { characterId, cause });
  const reason = error instanceof Error ? error.name : "unknown failure";
  return new SsoError(`${what} failed: EVE SSO could not be reached (${reason})`, { characterId, cause });
}

/** Reads a JSON body, or explains what came instead (an HTML error page from a proxy, for example). */
export async function readJson(response: Response, what: string, characterId?: number): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const type = response.headers.get("content-type") ?? "no content type";
    throw new SsoError(`${what} failed: EVE SSO answered ${response.status} with a body that is not JSON (${type})`, { status: response.status, characterId });
  }
}
