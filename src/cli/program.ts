import { Command, Option } from "commander";
import { callCommand } from "./commands/call.ts";
import { generateCommand } from "./commands/generate.ts";
import { loginCommand } from "./commands/login.ts";
import { opsCommand } from "./commands/ops.ts";
import { tokenCommand } from "./commands/token.ts";
import { EXIT_CODES_HELP } from "./exit-codes.ts";
import { versionText } from "./package-root.ts";

/** The esikit command line: global options, then one command per file in commands/. */
export function createProgram(): Command {
  const program = new Command("esikit")
    .description("EVE Online's ESI from the terminal: log characters in, call any operation, list operations, generate the client")
    .version(versionText(), "-V, --version", "print the version and the ESI compatibility date of the client it ships")
    .addOption(new Option("--esi-url <url>", "ESI base URL (default https://esi.evetech.net)").env("ESIKIT_ESI_URL"))
    .addOption(new Option("--sso-url <url>", "EVE SSO base URL (default https://login.eveonline.com)").env("ESIKIT_SSO_URL"))
    .addOption(new Option("--client-id <id>", "your application's client id (https://developers.eveonline.com)").env("ESIKIT_CLIENT_ID"))
    .addOption(new Option("--user-agent <text>", "who is calling, with a contact: ESI asks for it").env("ESIKIT_USER_AGENT"))
    .showSuggestionAfterError()
    .addHelpText(
      "after",
      `
Files: config.json and tokens.json (mode 0600) in $ESIKIT_HOME, else $XDG_CONFIG_HOME/esikit, else ~/.config/esikit.
${EXIT_CODES_HELP}`,
    );
  for (const command of [loginCommand(), tokenCommand(), callCommand(), opsCommand(), generateCommand()]) program.addCommand(command);
  // addCommand does not pass these on: every command, nested ones too, reports usage errors the same way.
  const configure = (command: Command) => {
    command.exitOverride().showHelpAfterError("(add --help for usage)");
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}
