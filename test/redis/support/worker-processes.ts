import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { isAbsolute } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** A message a worker wrote to stdout: one JSON object per line, `type` says what it is. */
export interface WorkerMessage {
  type: string;
  [key: string]: unknown;
}

/**
 * One worker process (`node --import tsx <script>`), talking JSON lines: it reads its input from
 * ESIKIT_WORKER_INPUT, writes messages to stdout, and reads commands from stdin.
 */
export class WorkerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly messages: WorkerMessage[] = [];
  readonly #waiting: Array<{ type: string; resolve: (m: WorkerMessage) => void }> = [];
  #stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /** `script`: a file name in test/redis/workers, or an absolute path. */
  constructor(script: string, input: unknown) {
    const path = isAbsolute(script) ? script : fileURLToPath(new URL(`../workers/${script}`, import.meta.url));
    this.child = spawn(process.execPath, ["--import", "tsx", path], {
      cwd: ROOT,
      env: { ...process.env, ESIKIT_WORKER_INPUT: JSON.stringify(input) },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stderr.on("data", (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    createInterface({ input: this.child.stdout }).on("line", (line) => {
      let message: WorkerMessage;
      try {
        message = JSON.parse(line) as WorkerMessage;
      } catch {
        return; // a stray log line
      }
      this.messages.push(message);
      const i = this.#waiting.findIndex((w) => w.type === message.type);
      if (i >= 0) this.#waiting.splice(i, 1)[0]!.resolve(message);
    });
    this.exited = once(this.child, "exit").then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  }

  /** The first message of `type` not yet taken (waits for it); fails if the worker exits first. */
  next(type: string): Promise<WorkerMessage> {
    const i = this.messages.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(this.messages.splice(i, 1)[0]!);
    return Promise.race([
      new Promise<WorkerMessage>((resolve) =>
        this.#waiting.push({
          type,
          resolve: (m) => {
            this.messages.splice(this.messages.indexOf(m), 1);
            resolve(m);
          },
        }),
      ),
      this.exited.then(({ code, signal }) => {
        throw new Error(`worker exited (code ${code}, signal ${signal}) before sending "${type}"; stderr:\n${this.#stderr}`);
      }),
    ]);
  }

  send(command: WorkerMessage): void {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  /** Ends the worker if it still runs. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}

/** Starts `count` workers of one script; input(i) is worker i's input. */
export function spawnWorkers(script: string, count: number, input: (index: number) => unknown): WorkerProcess[] {
  return Array.from({ length: count }, (_, i) => new WorkerProcess(script, input(i)));
}
