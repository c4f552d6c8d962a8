import { Command, Option } from "commander";
import { formatColumns } from "../format-table.ts";
import type { StoredCharacter } from "../session.ts";
import { resolveSettings, type GlobalOptions } from "../settings.ts";

// SSO and the stores load inside the actions, so that other commands do not pay for them.
const session = () => import("../session.ts");

/** `esikit token list|refresh|revoke`: the tokens kept for logged-in characters. Tokens themselves are never printed. */
export function tokenCommand(): Command {
  const token = new Command("token").description("list, refresh or revoke the tokens of logged-in characters");

  token
    .command("list")
    .description("the logged-in characters: scopes, access token expiry, whether a refresh token is kept")
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (options: { format: "table" | "json" }, command: Command) => {
      const settings = resolveSettings(command.optsWithGlobals<GlobalOptions>());
      const { openTokenStore, storedCharacters } = await session();
      const characters = await storedCharacters(openTokenStore(settings));
      if (options.format === "json") {
        process.stdout.write(`${JSON.stringify(characters.map(summary), null, 2)}\n`);
        return;
      }
      if (!characters.length) {
        process.stderr.write("nobody is logged in: run `esikit login`\n");
        return;
      }
      const rows = characters.map((c) => {
        const s = summary(c);
        return [String(s.characterId ?? c.key), s.characterName ?? "", expiry(c.tokens.expiresAt), s.refreshToken ? "yes" : "no", s.scopes.join(" ") || "-"];
      });
      process.stdout.write(`${formatColumns(["CHARACTER", "NAME", "ACCESS TOKEN", "REFRESH", "SCOPES"], rows)}\n`);
    });

  token
    .command("refresh")
    .description("refresh a character's access token now (EVE SSO rotates the refresh token; the new one is kept)")
    .argument("[character]", "character id or name (default: the only one logged in)")
    .action(async (reference: string | undefined, _options: unknown, command: Command) => {
      const settings = resolveSettings(command.optsWithGlobals<GlobalOptions>());
      const { characterLabel, chooseCharacter, openSso, openTokenStore } = await session();
      const store = openTokenStore(settings);
      const character = await chooseCharacter(store, reference);
      const sso = openSso(settings, store);
      const answer = await sso.refresh(character.tokens.characterId);
      process.stdout.write(`Refreshed ${characterLabel(character)}: access token valid until ${new Date(Date.now() + answer.expires_in * 1000).toISOString()}\n`);
    });

  token
    .command("revoke")
    .description("revoke a character's refresh token at EVE SSO and forget its tokens")
    .argument("[character]", "character id or name (default: the only one logged in)")
    .action(async (reference: string | undefined, _options: unknown, command: Command) => {
      const settings = resolveSettings(command.optsWithGlobals<GlobalOptions>());
      const { characterLabel, chooseCharacter, openSso, openTokenStore } = await session();
      const store = openTokenStore(settings);
      const character = await chooseCharacter(store, reference);
      await openSso(settings, store).revoke(character.tokens.characterId);
      process.stdout.write(`Revoked the tokens of ${characterLabel(character)} and forgot them\n`);
    });

  return token;
}

function summary({ key, tokens }: StoredCharacter) {
  return {
    characterId: tokens.characterId ?? (/^\d+$/.test(key) ? Number(key) : undefined),
    characterName: tokens.characterName,
    scopes: [...tokens.scopes],
    accessTokenExpiresAt: tokens.expiresAt ? new Date(tokens.expiresAt).toISOString() : null,
    refreshToken: tokens.refreshToken !== undefined,
  };
}

function expiry(expiresAt: number): string {
  const seconds = Math.round((expiresAt - Date.now()) / 1000);
  if (!expiresAt || seconds <= 0) return "expired";
  return seconds >= 120 ? `${Math.floor(seconds / 60)} min left` : `${seconds} s left`;
}
