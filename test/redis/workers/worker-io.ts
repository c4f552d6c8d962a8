import { createInterface } from "node:readline";

/** The worker side of test/redis/support/worker-processes.ts: input from the env, JSON lines both ways. */
export function workerInput<T>(): T {
  const raw = process.env.ESIKIT_WORKER_INPUT;
  if (!raw) throw new Error("ESIKIT_WORKER_INPUT is not set: workers are started by test/redis/support/worker-processes.ts");
  return JSON.parse(raw) as T;
}

export function tell(message: { type: string; [key: string]: unknown }): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

const commands: Array<{ type: string; [key: string]: unknown }> = [];
const waiting: Array<(c: { type: string; [key: string]: unknown }) => void> = [];
createInterface({ input: process.stdin }).on("line", (line) => {
  const command = JSON.parse(line) as { type: string };
  const next = waiting.shift();
  if (next) next(command);
  else commands.push(command);
});

/** The next command the test sent (e.g. {type: "go"}: start together with the other workers). */
export function nextCommand(): Promise<{ type: string; [key: string]: unknown }> {
  const queued = commands.shift();
  return queued ? Promise.resolve(queued) : new Promise((resolve) => waiting.push(resolve));
}

/** Runs the worker's body; an error is reported as a message and a non-zero exit. */
export function runWorker(body: () => Promise<void>): void {
  body().then(
    () => process.exit(0),
    (error: unknown) => {
      tell({ type: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exit(1);
    },
  );
}
