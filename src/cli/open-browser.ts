import { spawn } from "node:child_process";

/**
 * Opens a URL in the user's browser when there is a user to see it: an interactive terminal, not CI. Failing to
 * open is not an error; the URL is printed anyway.
 */
export function openBrowser(url: string, options: { allowed: boolean }): boolean {
  if (!options.allowed || !process.stdout.isTTY || process.env.CI) return false;
  const [command, args] =
    process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["cmd", ["/c", "start", '""', url]] : ["xdg-open", [url]];
  try {
    const child = spawn(command, args as string[], { stdio: "ignore", detached: true });
    child.on("error", () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
