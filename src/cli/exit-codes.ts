/**
 * The CLI's exit codes. Scripts branch on them, so they are part of the CLI's interface: never renumber one.
 * `esikit generate` exits with the generator's own codes (see `esikit generate --help`).
 */
export const ExitCode = {
  ok: 0,
  /** Something unexpected failed (a bug, a file that cannot be read or written). */
  failure: 1,
  /** Bad usage: unknown command or option, unknown operation, unknown or missing parameter, bad value. */
  usage: 2,
  /** ESI answered with an error status (after the retries esikit makes). */
  esiError: 3,
  /** Authentication: nobody logged in, no token for that character, a scope missing, or EVE SSO refused. */
  auth: 4,
  /** ESI or EVE SSO could not be reached (network error or timeout). */
  unreachable: 5,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  unexpected failure
  2  bad usage: unknown command, option, operation or parameter; missing parameter; bad value
  3  ESI answered with an error status
  4  authentication: not logged in, no token for that character, missing scope, EVE SSO refused
  5  ESI or EVE SSO could not be reached`;

/** A failure the CLI reports as one line on stderr and an exit code. */
export class CliError extends Error {
  readonly exitCode: ExitCodeValue;

  constructor(message: string, exitCode: ExitCodeValue) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}
