import { createClientFor, type EsiClient } from "../client.ts";
import { generation, type DefaultGeneration } from "../default-generation.ts";
import { createSso, type Sso } from "../auth/create-sso.ts";
import { FileTokenStore } from "../stores/file-token-store.ts";
import type { TokenSet } from "../stores/types.ts";
import { tokenFilePath } from "./cli-home.ts";
import { CliError, ExitCode } from "./exit-codes.ts";
import type { Settings } from "./settings.ts";

/** The CLI's tokens: a file in its folder, mode 0600. */
export function openTokenStore(settings: Settings): FileTokenStore {
  return new FileTokenStore(tokenFilePath(settings.home));
}

export const callbackUrl = (port: number) => `http://127.0.0.1:${port}/callback`;

/** EVE SSO for the CLI's application: a PKCE client (a CLI cannot keep a secret). */
export function openSso(settings: Settings, store: FileTokenStore, callback = callbackUrl(settings.callbackPort)): Sso {
  if (!settings.clientId) {
    throw new CliError(
      "no client id: pass --client-id, set ESIKIT_CLIENT_ID, or put \"clientId\" in config.json (register an application at https://developers.eveonline.com)",
      ExitCode.auth,
    );
  }
  return createSso({ clientId: settings.clientId, callbackUrl: callback, userAgent: settings.userAgent, ssoBaseUrl: settings.ssoUrl, store });
}

export function openEsi(settings: Settings, sso?: Sso): EsiClient<DefaultGeneration> {
  return createClientFor(generation, { userAgent: settings.userAgent, baseUrl: settings.esiUrl, auth: sso });
}

export interface StoredCharacter {
  key: string;
  tokens: TokenSet;
}

export async function storedCharacters(store: FileTokenStore): Promise<StoredCharacter[]> {
  const found: StoredCharacter[] = [];
  for (const key of await store.keys()) {
    const tokens = await store.get(key);
    if (tokens) found.push({ key, tokens });
  }
  return found;
}

export const characterLabel = ({ key, tokens }: StoredCharacter) =>
  tokens.characterName ? `${tokens.characterName} (${tokens.characterId ?? key})` : String(tokens.characterId ?? key);

/**
 * The logged-in character a command acts for: by id or by name (any case); with no reference, the only one
 * logged in. Anything ambiguous is an error listing who is logged in.
 */
export async function chooseCharacter(store: FileTokenStore, reference: string | undefined): Promise<StoredCharacter> {
  const all = await storedCharacters(store);
  if (all.length === 0) throw new CliError("nobody is logged in: run `esikit login` first", ExitCode.auth);
  const who = () => `logged in: ${all.map(characterLabel).join(", ")}`;
  if (reference === undefined) {
    if (all.length === 1) return all[0]!;
    throw new CliError(`${all.length} characters are logged in: say which with --character id|name (${who()})`, ExitCode.usage);
  }
  const wanted = reference.trim().toLowerCase();
  const match = all.filter(({ key, tokens }) => key === wanted || String(tokens.characterId) === wanted || tokens.characterName?.toLowerCase() === wanted);
  if (match.length === 1) return match[0]!;
  throw new CliError(`no logged-in character is ${JSON.stringify(reference)} (${who()})`, ExitCode.auth);
}
