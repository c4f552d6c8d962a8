import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { versionText } from "../../src/cli/package-root.ts";
import { ROOT } from "./helpers.ts";

describe("esikit --version", () => {
  it("names the package version and the compatibility date of the generation the package ships", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    const { specDate } = JSON.parse(readFileSync(join(ROOT, "generated", "meta.json"), "utf8"));
    expect(specDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(versionText()).toBe(`${version} (ESI compatibility date ${specDate})`);
  });
});
