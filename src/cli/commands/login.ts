import { Command } from "commander";
import { generation } from "../../default-generation.ts";
import { startCallbackServer } from "../callback-server.ts";
import { updateConfig } from "../cli-home.ts";
import { closest } from "../edit-distance.ts";
import { CliError, ExitCode } from "../exit-codes.ts";
import { openBrowser } from "../open-browser.ts";
import { resolveSettings, type GlobalOptions } from "../settings.ts";

const allScopes = generation.scopes;

interface LoginOptions {
  scopes: string[];
  allScopes?: boolean;
  callbackPort?: string;
  browser: boolean;
  timeout: string;
}

/** `esikit login`: EVE SSO's authorization code flow with PKCE, through a callback server on 127.0.0.1. */
export function loginCommand(): Command {
  return new Command("login")
    .description("log a character in through EVE SSO (PKCE) and keep its tokens")
    .option("-s, --scopes <scopes...>", "scopes to ask for (space or comma separated)", [])
    .option("--all-scopes", "ask for every scope the spec names")
    .option("--callback-port <port>", "port of the callback server on 127.0.0.1 (config: callbackPort; default 8085; 0: any free port)")
    .option("--no-browser", "only print the authorization URL (the browser is never opened in CI or without a terminal)")
    .option("--timeout <seconds>", "how long to wait for the login to come back", "300")
    .addHelpText(
      "after",
      `
Register http://127.0.0.1:<port>/callback as your application's callback URL (default port 8085).
The client id is saved to config.json on the first login.

Examples:
  esikit --client-id abc123 login --scopes esi-wallet.read_character_wallet.v1 esi-location.read_location.v1
  esikit login --all-scopes --no-browser`,
    )
    .action(async (options: LoginOptions, command: Command) => {
      const settings = resolveSettings(command.optsWithGlobals<GlobalOptions>());
      const scopes = chooseScopes(options);
      const port = parsePort(options.callbackPort) ?? settings.callbackPort;
      const timeoutSeconds = Number(options.timeout);
      if (!(timeoutSeconds > 0)) throw new CliError(`--timeout must be a number of seconds above 0, got ${JSON.stringify(options.timeout)}`, ExitCode.usage);
      const { callbackUrl, openSso, openTokenStore } = await import("../session.ts");
      const store = openTokenStore(settings);
      // Checked before a port is opened: no client id, no login.
      openSso(settings, store);

      const server = await startCallbackServer(port);
      try {
        const sso = openSso(settings, store, callbackUrl(server.port));
        const start = await sso.authorizationUrl({ scopes });
        process.stderr.write(`Log in with EVE Online: open this URL in a browser\n\n  ${start.url}\n\nWaiting for the login to come back to ${callbackUrl(server.port)} …\n`);
        if (openBrowser(start.url, { allowed: options.browser })) process.stderr.write("(opened in your browser)\n");

        const { result, answer } = await server.next(start.state, timeoutSeconds * 1000);
        try {
          if (result.error) throw new CliError(`EVE SSO did not log the character in: ${result.error}`, ExitCode.auth);
          if (!result.code) throw new CliError("the login came back without a code", ExitCode.auth);
          const loggedIn = await sso.exchangeCode(result.code, { state: result.state, expectedState: start.state, codeVerifier: start.codeVerifier });
          answer(true, `${loggedIn.characterName} is logged in to esikit.`);
          if (!settings.config.clientId) updateConfig(settings.home, { clientId: sso.clientId });
          const granted = loggedIn.scopes.length ? `with scopes: ${loggedIn.scopes.join(" ")}` : "with no scopes";
          process.stdout.write(`Logged in as ${loggedIn.characterName} (${loggedIn.characterId}) ${granted}\n`);
        } catch (error) {
          answer(false, error instanceof CliError ? error.message : "esikit could not complete the login; see the terminal.");
          throw error;
        }
      } finally {
        await server.close();
      }
    });
}

function chooseScopes(options: LoginOptions): string[] {
  if (options.allScopes) {
    if (options.scopes.length) throw new CliError("give --scopes or --all-scopes, not both", ExitCode.usage);
    return [...allScopes];
  }
  const scopes = [...new Set(options.scopes.flatMap((s) => s.split(/[\s,]+/)).filter(Boolean))];
  const known = new Set<string>(allScopes);
  for (const scope of scopes) {
    if (known.has(scope)) continue;
    const near = closest(scope, allScopes);
    throw new CliError(`unknown scope ${JSON.stringify(scope)}${near.length ? `: did you mean ${near.join(", ")}?` : ""}`, ExitCode.usage);
  }
  return scopes;
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--callback-port must be a port number (0-65535), got ${JSON.stringify(value)}`, ExitCode.usage);
  return port;
}
