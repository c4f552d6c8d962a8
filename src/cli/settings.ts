import { DEFAULT_BASE_URL } from "../client.ts";
import { DEFAULT_SSO_BASE_URL } from "../auth/sso-metadata.ts";
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

/** Everything a command needs to reach ESI and SSO: options win over the environment, which wins over config.json. */
export interface Settings {
  home: string;
  config: CliConfig;
  esiUrl: string;
  ssoUrl: string;
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
    esiUrl: checkUrl("--esi-url", options.esiUrl ?? config.esiUrl ?? DEFAULT_BASE_URL),
    ssoUrl: checkUrl("--sso-url", options.ssoUrl ?? config.ssoUrl ?? DEFAULT_SSO_BASE_URL),
    clientId: options.clientId ?? config.clientId,
    userAgent: options.userAgent ?? config.userAgent ?? `esikit-cli/${packageVersion()}`,
    callbackPort: config.callbackPort ?? DEFAULT_CALLBACK_PORT,
  };
}

function checkUrl(option: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`${option} must be an http(s) URL, got ${JSON.stringify(value)}`, ExitCode.usage);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new CliError(`${option} must be an http(s) URL, got ${JSON.stringify(value)}`, ExitCode.usage);
  return value.replace(/\/+$/, "");
}
