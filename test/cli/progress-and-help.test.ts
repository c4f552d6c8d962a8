import { describe, expect, it } from "vitest";
import type { Command } from "commander";
import { createProgram } from "../../src/cli/program.ts";
import { createProgress } from "../../src/cli/progress.ts";

describe("progress on stderr", () => {
  it("redraws one bar in place on a terminal, and ends the line when done", () => {
    let out = "";
    const progress = createProgress("Orders", { isTTY: true, columns: 80, write: (t: string) => (out += t) });
    progress.page(1, 4, 3);
    progress.page(4, 4, 12);
    progress.finish();
    expect(out.split("\r\x1b[2K").filter(Boolean)).toEqual([expect.stringMatching(/^Orders \[#+-+\] 1\/4 pages, 3 items$/), expect.stringMatching(/^Orders \[#+\] 4\/4 pages, 12 items\n$/)]);
  });

  it("writes plain lines when stderr is not a terminal, with no total for cursor walks", () => {
    let out = "";
    const progress = createProgress("Jobs", { isTTY: false, write: (t: string) => (out += t) });
    progress.page(1, undefined, 100);
    progress.finish();
    expect(out).toBe("Jobs: page 1, 100 items\n");
  });
});

describe("--help", () => {
  const all = (command: Command): Command[] => [command, ...command.commands.flatMap(all)];
  it("every command has a description and usage", () => {
    const program = createProgram();
    const names = all(program).map((c) => c.name());
    expect(names).toEqual(["esikit", "login", "token", "list", "refresh", "revoke", "call", "ops", "generate"]);
    for (const command of all(program)) {
      expect(command.description(), command.name()).not.toBe("");
      expect(command.helpInformation()).toMatch(/^Usage: /);
    }
  });
});
