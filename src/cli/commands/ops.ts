import { Command, Option } from "commander";
import { generation } from "../../default-generation.ts";
import type { OperationInfo } from "../../generation.ts";
import { formatColumns } from "../format-table.ts";

/** `esikit ops [filter]`: the operations of the generated spec, with what a caller needs to know before calling. */
export function opsCommand(): Command {
  return new Command("ops")
    .description("list ESI operations: method, path, operationId, scopes, cache time, rate-limit group")
    .argument("[filter]", "only operations whose operationId, path, summary or scope contains this (any case)")
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .addHelpText("after", "\nExamples:\n  esikit ops wallet\n  esikit ops esi-assets --format json")
    .action((filter: string | undefined, options: { format: "table" | "json" }, command: Command) => {
      const needle = filter?.toLowerCase();
      const ops = [...generation.allOperations()]
        .filter((op) => !needle || [op.operationId, op.path, op.summary, ...op.scopes].some((text) => text.toLowerCase().includes(needle)))
        .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
      if (options.format === "json") {
        process.stdout.write(`${JSON.stringify(ops, null, 2)}\n`);
        return;
      }
      if (!ops.length) {
        command.error(`no operation matches ${JSON.stringify(filter)}`, { exitCode: 2, code: "esikit.noMatch" });
      }
      process.stdout.write(`${formatColumns(["METHOD", "PATH", "OPERATION", "SCOPES", "CACHE", "RATE LIMIT"], ops.map(row))}\n`);
      process.stderr.write(`${ops.length} operation${ops.length === 1 ? "" : "s"}\n`);
    });
}

function row(op: OperationInfo): string[] {
  return [
    op.method.toUpperCase(),
    op.path,
    op.operationId,
    op.scopes.join(",") || "-",
    op.cacheSeconds === null ? "-" : `${op.cacheSeconds}s`,
    op.rateLimit ? `${op.rateLimit.group} (${op.rateLimit.maxTokens}/${op.rateLimit.windowSeconds}s)` : "-",
  ];
}
