import { createEsiClient, createSso, type EsiClient, type EsiClientOptions } from "../../src/index.ts";
import { DEFAULT_FAKE_CLIENT, startFakeSso } from "../../src/testing/fake-sso/index.ts";

export const BENCH_CHARACTER = 2112625428;
/** The scope of GET /universe/structures/{structure_id}, the route the network benches call. */
const SCOPES = ["esi-universe.read_structures.v1", "esi-markets.structure_markets.v1"];

export interface FullStackClient {
  /** The character's view: requests that need a scope carry its (valid) access token. */
  client: EsiClient;
  /** The layers this client runs, in request order (for the table). */
  plugins: string[];
  close(): Promise<void>;
}

/**
 * esikit as an app gets it: createEsiClient with default options (every layer on: identify, cache, retry, limits)
 * plus auth, holding a valid token from the fake SSO.
 */
export async function createFullStackClient(baseUrl: string, userAgent: string): Promise<FullStackClient> {
  const sso = await startFakeSso({ character: { characterId: BENCH_CHARACTER, name: "Bench Pilot" } });
  const auth = createSso({
    clientId: DEFAULT_FAKE_CLIENT.clientId,
    clientSecret: DEFAULT_FAKE_CLIENT.clientSecret,
    callbackUrl: "http://127.0.0.1/callback",
    userAgent,
    ssoBaseUrl: sso.url,
  });
  // A token valid well past any bench run: no refresh happens while measuring.
  await auth.updateToken(await sso.issueTokens({ characterId: BENCH_CHARACTER, scopes: SCOPES, expiresIn: 86_400 }));
  const options: EsiClientOptions = { userAgent, baseUrl, auth };
  return {
    client: createEsiClient(options).as(BENCH_CHARACTER),
    plugins: ["identify", "auth", "cache", "retry", "limits"],
    close: () => sso.close(),
  };
}
