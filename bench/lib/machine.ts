import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";

/** Where the figures were measured: they mean little without the machine and its load at the time. */
export function describeMachine(): string {
  let cpu = "unknown CPU";
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux: keep "unknown CPU"
  }
  const load = loadavg().map((l) => l.toFixed(2)).join(" ");
  return `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${availableParallelism()} cores (${cpu}), node ${process.version}, load average ${load}`;
}
