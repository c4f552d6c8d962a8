import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { fixture, ROOT, tempDir, tempDirs } from "./helpers.ts";

/**
 * What only generation needs (openapi-typescript and the TypeScript compiler it loads, swagger2openapi) is loaded
 * only when something is generated: an unchanged re-run, `--check` and `--help` never load it, nor Ajv. Checked in
 * a child process with a module hook that lists every package module actually loaded.
 */
const HEAVY = ["openapi-typescript", "typescript", "swagger2openapi", "ajv", "@redocly"];

let hooks: string;
beforeAll(async () => {
  const dir = await tempDir("load-trace");
  await writeFile(
    join(dir, "hooks.mjs"),
    `export async function load(url, context, next) {
  const match = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(url);
  if (match) process.stderr.write("LOADED " + match[1] + "\\n");
  return next(url, context);
}
`,
  );
  hooks = join(dir, "register.mjs");
  await writeFile(hooks, `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});\n`);
});

async function packagesLoaded(args: string[]): Promise<{ code: number; packages: string[] }> {
  const run = promisify(execFile)(process.execPath, ["--import", "tsx", "--import", hooks, "scripts/generate.ts", ...args], {
    cwd: ROOT,
    timeout: 120_000,
  }).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (error: { code?: number; stderr?: string }) => ({ code: error.code ?? 1, stderr: error.stderr ?? "" }),
  );
  const { code, stderr } = await run;
  const packages = [...new Set(stderr.split("\n").filter((l) => l.startsWith("LOADED ")).map((l) => l.slice(7)))].sort();
  return { code, packages };
}

describe("the generator's heavy dependencies", () => {
  it("load when it generates, and not on an unchanged re-run, --check or --help", async () => {
    const dirs = await tempDirs();
    const args = ["--offline", "--spec", fixture("openapi-3.1.json"), "--out", dirs.outDir, "--cache", dirs.cacheDir];
    const generated = await packagesLoaded(args);
    expect(generated.code).toBe(0);
    // The hook sees what loads: generating does load openapi-typescript and the compiler.
    expect(generated.packages).toEqual(expect.arrayContaining(["openapi-typescript", "typescript"]));

    for (const extra of [[], ["--check"], ["--help"]]) {
      const again = await packagesLoaded([...args, ...extra]);
      expect(again.code, extra.join(" ")).toBe(0);
      expect(again.packages.filter((p) => HEAVY.includes(p) || p.startsWith("@redocly")), extra.join(" ") || "unchanged").toEqual([]);
    }
  }, 180_000);
});
