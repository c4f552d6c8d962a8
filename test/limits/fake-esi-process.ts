import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FakeEsiOptions, FakeEsiStats } from "../../src/testing/fake-esi/index.ts";

export interface FakeEsiProcess {
  url: string;
  stats(): Promise<FakeEsiStats>;
  close(): Promise<void>;
}

/**
 * The fake ESI in its own node process, for load tests: the client under test gets a core to itself, as it would
 * against the real ESI. Only JSON knobs cross over (no handlers).
 */
export function startFakeEsiProcess(options: FakeEsiOptions): Promise<FakeEsiProcess> {
  const child = fork(fileURLToPath(new URL("./fake-esi-child.ts", import.meta.url)), [JSON.stringify(options)], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const next = <T>(key: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: Record<string, unknown>) => {
        if (!(key in message)) return;
        child.off("message", onMessage);
        resolve(message[key] as T);
      };
      child.on("message", onMessage);
      child.once("exit", (code) => reject(new Error(`the fake ESI process exited (${code})`)));
    });
  return next<string>("url").then((url) => ({
    url,
    stats: () => {
      const answer = next<FakeEsiStats>("stats");
      child.send("stats");
      return answer;
    },
    close: async () => {
      if (child.connected) child.send("close");
      await exited;
    },
  }));
}
