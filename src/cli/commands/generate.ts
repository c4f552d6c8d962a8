import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Command } from "commander";
import { CliError, ExitCode } from "../exit-codes.ts";
import { packageRoot } from "../package-root.ts";

/**
 * `esikit generate [...]`: the build script (scripts/generate.ts) with its own options and exit codes. It is
 * loaded at run time, not imported: src/ never depends on scripts/, and an installed package has no scripts/.
 */
export function generateCommand(): Command {
  return new Command("generate")
    .description("generate the typed client from the newest ESI spec (runs scripts/generate.ts; `esikit generate --help` for its options)")
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .argument("[options...]", "passed to the generator: --spec FILE, --offline, --check, --force, --out DIR, --cache DIR, --esi URL, --help")
    .addHelpText("after", "\nExit codes (the generator's): 0 generated or up to date; 1 no usable spec; 2 bad arguments; 3 --check found generated/ stale.")
    .action(async (args: string[]) => {
      const script = join(packageRoot(), "scripts", "generate.ts");
      if (!existsSync(script)) throw new CliError(`esikit generate needs esikit's source checkout: ${script} is not there`, ExitCode.failure);
      const generator = (await import(pathToFileURL(script).href)) as { main(argv: string[]): Promise<number> };
      process.exitCode = await generator.main(args);
    });
}
