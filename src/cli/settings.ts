import { esikitHome, readConfig, type CliConfig } from "./cli-home.ts";
import { CliError, ExitCode } from "./exit-codes.ts";
import { packageVersion } from "./package-root.ts";

/** The global options, as commander hands them over (environment variables already applied by commander). */
export interface GlobalOptions {
  esiUrl?: string;
  ssoUrl?: string;
  clientId?: string;
  userAgent?: string;
}

// Only light modules here: every command, even one that fails on bad input, loads this file.

/** Everything a command needs to reach ESI and SSO: options win over the environment, which wins over config.json. */
export interface Settings {
  home: string;
  config: CliConfig;
  /** undefined: the client's default, https://esi.evetech.net. */
  esiUrl: string | undefined;
  /** undefined: createSso's default, https://login.eveonline.com. */
  ssoUrl: string | undefined;
  clientId: string | undefined;
  userAgent: string;
  callbackPort: number;
}

/** The callback port when neither --callback-port nor config.json names one: register http://127.0.0.1:8085/callback. */
export const DEFAULT_CALLBACK_PORT = 8085;

export function resolveSettings(options: GlobalOptions): Settings {
  const home = esikitHome();
  const config = readConfig(home);
  return {
    home,
    config,
    esiUrl: checkUrl("--esi-url", options.esiUrl ?? config.esiUrl),
    ssoUrl: checkUrl("--sso-url", options.ssoUrl ?? config.ssoUrl),
    clientId: options.clientId ?? config.clientId,
    userAgent: options.userAgent ?? config.userAgent ?? `esikit-cli/${packageVersion()}`,
    callbackPort: config.callbackPort ?? DEFAULT_CALLBACK_PORT,
  };
}

function checkUrl(option: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`${option} must be an http(s) URL, got ${JSON.stringify(value)}`, ExitCode.usage);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new CliError(`${option} must be an http(s) URL, got ${JSON.stringify(value)}`, ExitCode.usage);
  return value.replace(/\/+$/, "");
}
