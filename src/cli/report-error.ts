import { EsiError, EsiUsageError } from "../errors.ts";
import { redactSecrets } from "../errors/safe-cause.ts";
import { EsiThrottledError } from "../limits/throttled-error.ts";
import { EsiNetworkError } from "../transport/network-error.ts";
import { MissingScopeError, NotLoggedInError, SsoError, StateMismatchError, TokenVerificationError } from "../auth/errors.ts";
import { CliError, ExitCode, type ExitCodeValue } from "./exit-codes.ts";

/**
 * The exit code and one-line message for a failure. The messages come from esikit's errors, which never carry
 * a token or a secret; anything unexpected is shown with its stack for a bug report.
 */
export function describeFailure(error: unknown): { exitCode: ExitCodeValue; message: string } {
  const { exitCode, message } = classify(error);
  // esikit's errors carry no secret; this is the last guard for anything else on its way to the terminal.
  return { exitCode, message: redactSecrets(message, []) };
}

function classify(error: unknown): { exitCode: ExitCodeValue; message: string } {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
  if (error instanceof EsiUsageError) return { exitCode: ExitCode.usage, message: error.message };
  if (error instanceof EsiError || error instanceof EsiThrottledError) return { exitCode: ExitCode.esiError, message: error.message };
  if (error instanceof SsoError) {
    // No status: SSO did not answer at all.
    return { exitCode: error.status === undefined ? ExitCode.unreachable : ExitCode.auth, message: error.message };
  }
  if (error instanceof NotLoggedInError || error instanceof MissingScopeError || error instanceof StateMismatchError || error instanceof TokenVerificationError) {
    return { exitCode: ExitCode.auth, message: error.message };
  }
  if (error instanceof EsiNetworkError) {
    const code = causeCode(error);
    return { exitCode: ExitCode.unreachable, message: `${error.message}${code ? ` (${code})` : ""}` };
  }
  if (error instanceof TypeError && error.message === "fetch failed") {
    return { exitCode: ExitCode.unreachable, message: `could not reach the server (${causeCode(error) ?? "network error"})` };
  }
  return { exitCode: ExitCode.failure, message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}

/** The system error code (ECONNREFUSED, ENOTFOUND...) somewhere down a chain of causes. */
function causeCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return code;
  }
  return undefined;
}
