import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

/**
 * The generated types are checked (skipLibCheck off) together with an app's code by both the TypeScript esikit
 * generates with (5.x, which openapi-typescript needs) and npm's latest (7.x), which users' apps may use.
 */
const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const require = createRequire(import.meta.url);
const compilers = {
  "TypeScript 5": join(root, "node_modules/typescript/bin/tsc"),
  "TypeScript 7": join(root, "node_modules/typescript-7/bin/tsc"),
};

describe("generated types", () => {
  for (const [name, tsc] of Object.entries(compilers)) {
    it(`pass ${name} with an app that uses them`, async () => {
      const { version } = require(join(dirname(tsc), "..", "package.json")) as { version: string };
      expect(version.split(".")[0]).toBe(name.split(" ")[1]);
      const result = await run(process.execPath, [tsc, "-p", join(here, "tsconfig.app.json")]).then(
        () => ({ code: 0, output: "" }),
        (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
      );
      expect(result.output).toBe("");
      expect(result.code).toBe(0);
    }, 60_000);
  }
});
