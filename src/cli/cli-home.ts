import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { CliError, ExitCode } from "./exit-codes.ts";

/** What config.json may hold. Options and environment variables win over it. */
export interface CliConfig {
  /** The application's client id (https://developers.eveonline.com); also --client-id, ESIKIT_CLIENT_ID. */
  clientId?: string;
  /** The port of the login callback, http://127.0.0.1:<port>/callback: register exactly that URL. */
  callbackPort?: number;
  esiUrl?: string;
  ssoUrl?: string;
  /** Who is calling, with a contact: ESI asks every client to say. */
  userAgent?: string;
}

/**
 * The CLI's folder: ESIKIT_HOME when set (tests, several setups side by side), else the user's config folder:
 * $XDG_CONFIG_HOME/esikit, ~/.config/esikit, or %APPDATA%\esikit on Windows.
 */
export function esikitHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ESIKIT_HOME) return env.ESIKIT_HOME;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, "esikit");
  if (process.platform === "win32" && env.APPDATA) return join(env.APPDATA, "esikit");
  return join(homedir(), ".config", "esikit");
}

export const configPath = (home: string) => join(home, "config.json");
/** The file token store: one JSON file, mode 0600. */
export const tokenFilePath = (home: string) => join(home, "tokens.json");

export function readConfig(home: string): CliConfig {
  const file = configPath(home);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, ExitCode.failure);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not valid JSON: ${(error as Error).message}`, ExitCode.usage);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new CliError(`${file} must hold a JSON object`, ExitCode.usage);
  return parsed as CliConfig;
}

/** Merges `changes` into config.json (created with the folder, owner-only: it sits beside the tokens). */
export function updateConfig(home: string, changes: Partial<CliConfig>): void {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  writeFileSync(configPath(home), `${JSON.stringify({ ...readConfig(home), ...changes }, null, 2)}\n`, { mode: 0o600 });
}
