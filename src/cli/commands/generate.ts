import { Command } from "commander";

/**
 * `esikit generate [...]`: the generator (scripts/generate.ts, compiled into the package's dist/scripts/) with its
 * own options and exit codes. Imported only when this command runs: the generator's dependencies (openapi-typescript,
 * the TypeScript compiler, swagger2openapi) load only when something is generated, never for `esikit call`.
 */
export function generateCommand(): Command {
  return new Command("generate")
    .description("write your app's own typed client (esi/) from the newest ESI spec; `esikit generate --help` for its options")
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .argument("[options...]", "passed to the generator: --spec FILE, --out DIR, --offline, --check, --force, --cache DIR, --esi URL, --report FILE, --fail-on breaking, --verbose, --app DIR, --help")
    .addHelpText(
      "after",
      "\nExit codes (the generator's): 0 generated or up to date; 1 no usable spec; 2 bad arguments; 3 --check found the output stale;\n4 --fail-on breaking and a breaking change; 5 --check could not reach live ESI; 6 --app found errors in the app (docs/change-report.md).",
    )
    .action(async (args: string[]) => {
      const generator = await import("../../../scripts/generate.ts");
      process.exitCode = await generator.main(args);
    });
}
