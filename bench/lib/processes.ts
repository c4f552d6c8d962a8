import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** The binaries npm scripts resolve to (npx would add its own lookup, the same for every contender). */
export const bin = (name: string): string => `${ROOT}node_modules/.bin/${name}`;

export interface Finished {
  ms: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to the end and times it from spawn to exit; a failing command fails the bench, loudly. */
export function run(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve({ ms, stdout, stderr });
      else reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${stderr.slice(-2000) || stdout.slice(-2000)}`));
    });
  });
}

/** Runs a script in a fresh node (TypeScript through tsx) and reads the JSON it prints last. */
export async function runScript<T>(file: URL, args: readonly string[] = [], nodeFlags: readonly string[] = []): Promise<T> {
  const loader = file.pathname.endsWith(".ts") ? ["--import", "tsx"] : [];
  const { stdout } = await run(process.execPath, [...nodeFlags, ...loader, fileURLToPath(file), ...args]);
  const last = stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${file} printed no JSON result:\n${stdout.slice(-2000)}`);
  }
}
