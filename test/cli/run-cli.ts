import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MAIN = join(ROOT, "src/cli/main.ts");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Hands out fresh CLI folders (ESIKIT_HOME: config.json and tokens.json land there), all removed after the test
 * file's last test. Call it at the top level of a test file.
 */
export function cliHomes(): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), "esikit-cli-"));
    made.push(dir);
    return dir;
  };
}

export interface RunningCli {
  /** Resolves with the first match of `pattern` in stderr as it is written. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  readonly done: Promise<CliRun>;
}

/**
 * Starts the real CLI (node + tsx on src/cli/main.ts) as a child process, with pipes (never a terminal), an
 * isolated ESIKIT_HOME and no ESIKIT_* variables from the developer's shell. Asynchronous on purpose: the fakes
 * it talks to run in the test's own process.
 */
export function startCli(args: string[], env: Record<string, string>): RunningCli {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("ESIKIT_")));
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], { cwd: ROOT, env: { ...clean, CI: "true", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const watchers = new Set<() => void>();
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    for (const watch of watchers) watch();
  });
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  return {
    done,
    waitForStderr(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`the CLI did not print ${pattern} within ${timeoutMs} ms; stderr so far:\n${stderr}`)), timeoutMs);
        const finish = (error?: Error, match?: RegExpExecArray) => {
          clearTimeout(timer);
          watchers.delete(check);
          if (error) reject(error);
          else resolve(match!);
        };
        const check = () => {
          const match = pattern.exec(stderr);
          if (match) finish(undefined, match);
        };
        watchers.add(check);
        void done.then(() => finish(new Error(`the CLI ended before printing ${pattern}; stderr:\n${stderr}`)));
        check();
      });
    },
  };
}

export const runCli = (args: string[], env: Record<string, string>) => startCli(args, env).done;

/**
 * `esikit --client-id cli-app login …`, playing the browser: follows the printed authorization URL to the fake
 * SSO, which redirects to the CLI's callback. `beforeCallback` runs once the callback URL is known.
 */
export async function logIn(env: Record<string, string>, args: string[], beforeCallback?: (callback: URL) => Promise<void>) {
  const cli = startCli(["--client-id", "cli-app", "login", "--callback-port", "0", ...args], env);
  const [url] = await cli.waitForStderr(/http:\/\/127\.0\.0\.1:\d+\/v2\/oauth\/authorize\S+/);
  const authorize = await fetch(url, { redirect: "manual" });
  expect(authorize.status).toBe(302);
  const callback = new URL(authorize.headers.get("location")!);
  expect(callback.hostname).toBe("127.0.0.1");
  await beforeCallback?.(callback);
  const page = await fetch(callback);
  return { run: await cli.done, page: { status: page.status, text: await page.text() }, callback };
}
