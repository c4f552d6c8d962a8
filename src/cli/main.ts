#!/usr/bin/env node
/**
 * The esikit CLI entry point (bin: esikit). Exit codes: see exit-codes.ts and `esikit --help`.
 * Output goes to stdout, progress and errors to stderr; the exit code is set rather than forced with
 * process.exit, so piped output is never cut short.
 */
import { CommanderError } from "commander";
import { ExitCode } from "./exit-codes.ts";
import { createProgram } from "./program.ts";
import { describeFailure } from "./report-error.ts";

async function run(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message already; --help and --version end with exit code 0.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const { exitCode, message } = describeFailure(error);
    process.stderr.write(`esikit: ${message}\n`);
    return exitCode;
  }
}

process.exitCode = await run(process.argv);
