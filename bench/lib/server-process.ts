import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface BenchServer {
  url: string;
  close(): Promise<void>;
}

/** Starts bench/lib/load-server.mjs in its own node process and waits for its address. */
export function startBenchServer(options: { latencyMs?: number; pages?: number; cacheControl?: string } = {}): Promise<BenchServer> {
  const script = fileURLToPath(new URL("./load-server.mjs", import.meta.url));
  const child = spawn(
    process.execPath,
    [script, "--latency-ms", String(options.latencyMs ?? 0), "--pages", String(options.pages ?? 100), "--cache-control", options.cacheControl ?? "public, max-age=300"],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const closed = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const close = async () => {
    child.stdin.end();
    child.kill();
    await closed;
  };
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`the bench server exited early (${code})`)));
    createInterface({ input: child.stdout }).once("line", (line) => resolve({ url: (JSON.parse(line) as { url: string }).url, close }));
  });
}
