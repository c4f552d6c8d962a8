import { SsoError } from "./errors.ts";
import { readJson, toSsoError, type SsoHttp } from "./sso-http.ts";

export const DEFAULT_SSO_BASE_URL = "https://login.eveonline.com";

/** The parts of EVE SSO's RFC 8414 metadata esikit uses. */
export interface SsoMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint: string;
  jwks_uri: string;
}

const REQUIRED = ["issuer", "authorization_endpoint", "token_endpoint", "revocation_endpoint", "jwks_uri"] as const;

/**
 * Fetches /.well-known/oauth-authorization-server once and keeps it: the endpoints do not move while an app
 * runs. A failed fetch is not kept, so the next call tries again.
 */
export function createMetadataSource(http: SsoHttp, ssoBaseUrl: string): () => Promise<SsoMetadata> {
  const url = `${ssoBaseUrl.replace(/\/+$/, "")}/.well-known/oauth-authorization-server`;
  let pending: Promise<SsoMetadata> | undefined;
  return () => {
    pending ??= fetchMetadata(http, url).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

async function fetchMetadata(http: SsoHttp, url: string): Promise<SsoMetadata> {
  const what = "Reading EVE SSO's metadata";
  let response: Response;
  try {
    response = await http.get(url);
  } catch (error) {
    throw toSsoError(error, what);
  }
  if (!response.ok) throw new SsoError(`${what} failed: EVE SSO answered ${response.status}`, { status: response.status });
  const body = (await readJson(response, what)) as Record<string, unknown>;
  const missing = REQUIRED.filter((field) => typeof body?.[field] !== "string");
  if (missing.length) throw new SsoError(`${what} failed: the metadata lacks ${missing.join(", ")}`);
  return Object.fromEntries(REQUIRED.map((field) => [field, body[field]])) as unknown as SsoMetadata;
}
