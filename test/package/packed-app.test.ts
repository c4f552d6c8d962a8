import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, stat, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAVE_REAL_SPECS, specFile } from "../support/spec-files.ts";

/**
 * The package as an app gets it: packed with `npm pack` (prepack builds dist/), installed from the tarball into a
 * new app, and used there the way the README's Install / Use / Regenerate sections say, in plain Node (no tsx).
 * The app's TypeScript is checked by the checkout's compilers (5.9 and 7), so only esikit, its dependencies and
 * @types/node are installed in the app. The app's files are test/fixtures/packed-app.
 */
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURE = fileURLToPath(new URL("../fixtures/packed-app/", import.meta.url));
const COMPILERS = {
  "TypeScript 5.9": join(ROOT, "node_modules/typescript/bin/tsc"),
  "TypeScript 7": join(ROOT, "node_modules/typescript-7/bin/tsc"),
} as const;
const OLD_SPEC = specFile("openapi-2026-07-21.json");
const NEW_SPEC = specFile("openapi.json");
/** Packing builds dist/, installing and two generations follow: minutes on a loaded machine. */
const SLOW = 600_000;
const STEP = 300_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; never throws (the exit code and output are the result). */
function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: childEnv(), timeout: STEP, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/**
 * The environment without what `npm run`/`npx` put in it for this checkout (npm_package_*, npm_config_local_prefix
 * and friends): a nested npm must see the temporary app as its project. The user's registry and cache stay.
 */
function childEnv(): NodeJS.ProcessEnv {
  const keep = new Set(["npm_config_cache", "npm_config_registry", "npm_config_userconfig"]);
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_") || keep.has(name.toLowerCase())));
}

function shown(result: Run): string {
  return `exit ${result.code}\n${result.stdout}\n${result.stderr}`.trim();
}

async function ok(command: string, args: string[], cwd: string): Promise<Run> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${shown(result)}`);
  return result;
}

/** Path + method pairs of a spec file: what a fake serving it answers. */
async function operationCount(file: string): Promise<number> {
  const spec = JSON.parse(await readFile(file, "utf8")) as { paths: Record<string, Record<string, unknown>> };
  const methods = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);
  return Object.values(spec.paths).reduce((sum, item) => sum + Object.keys(item).filter((key) => methods.has(key)).length, 0);
}

async function specVersion(file: string): Promise<string> {
  return (JSON.parse(await readFile(file, "utf8")) as { info: { version: string } }).info.version;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Every file under a folder, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/** The app's generation summary, printed as JSON by app.ts / app.mjs / shipped/app.ts. */
function report(result: Run): Record<string, unknown> {
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout.trim()) as Record<string, unknown>;
}

describe.skipIf(!HAVE_REAL_SPECS)("esikit packed and installed in a new app", () => {
  let work: string;
  let app: string;
  const esikit = (...args: string[]) => run(process.execPath, ["node_modules/esikit/bin/esikit", ...args], app);
  const tsc = (compiler: string, ...args: string[]) => run(process.execPath, [compiler, ...args], app);

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "esikit-packed-"));
    // npm pack runs prepack (the build), which replaces dist/: a copy of the checkout is packed, so the build
    // never pulls dist/ from under others working in the checkout. Its node_modules are the checkout's.
    const snapshot = join(work, "esikit");
    const skipped = new Set(["node_modules", ".git", "dist", "swagger-cache", "coverage", ".tmp"]);
    await cp(ROOT, snapshot, { recursive: true, filter: (source) => !skipped.has(relative(ROOT, source)) });
    await symlink(join(ROOT, "node_modules"), join(snapshot, "node_modules"), "dir");
    await ok("npm", ["pack", "--pack-destination", work], snapshot);
    const tarballs = (await readdir(work)).filter((name) => name.endsWith(".tgz"));
    expect(tarballs).toHaveLength(1);

    app = join(work, "app");
    await cp(FIXTURE, app, { recursive: true });
    await ok("npm", ["install", join(work, tarballs[0]!), "--no-audit", "--no-fund", "--prefer-offline"], app);
    // The version the checkout uses (Node 20's), so the install is served from the warm npm cache.
    const typesNode = JSON.parse(await readFile(join(ROOT, "node_modules/@types/node/package.json"), "utf8")) as { version: string };
    await ok("npm", ["install", "--save-dev", `@types/node@${typesNode.version}`, "--no-audit", "--no-fund", "--prefer-offline"], app);
  }, SLOW);

  afterAll(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  }, SLOW);

  it("uses the checkout's TypeScript 5.9 and 7 (the app installs none)", async () => {
    for (const [name, compiler] of Object.entries(COMPILERS)) {
      const { version } = JSON.parse(await readFile(join(compiler, "../../package.json"), "utf8")) as { version: string };
      expect(version, name).toMatch(name === "TypeScript 7" ? /^7\./ : /^5\.9\./);
    }
  });

  it("installs a package holding its command, LICENSE and compiled code, with no source maps", async () => {
    const installed = join(app, "node_modules/esikit");
    const files = await filesUnder(installed);
    expect(files).toEqual(expect.arrayContaining(["bin/esikit", "LICENSE", "README.md", "dist/src/index.js", "dist/src/index.d.ts", "dist/scripts/generate.js"]));
    expect(files.filter((file) => file.endsWith(".map"))).toEqual([]);
    expect(files.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))).toEqual([]);
    const withMapComments: string[] = [];
    for (const file of files.filter((name) => name.endsWith(".js"))) {
      if ((await readFile(join(installed, file), "utf8")).includes("sourceMappingURL")) withMapComments.push(file);
    }
    expect(withMapComments).toEqual([]);
  });

  it("the optional peers are not installed, and importing a store that needs one names the package", async () => {
    for (const [entry, peer] of [["esikit/sqlite", "better-sqlite3"], ["esikit/redis", "ioredis"]] as const) {
      expect(await exists(join(app, "node_modules", peer)), peer).toBe(false);
      const imported = await run(process.execPath, ["--input-type=module", "-e", `await import(${JSON.stringify(entry)})`], app);
      expect(imported.code, entry).not.toBe(0);
      expect(imported.stderr, entry).toContain(`Cannot find package '${peer}'`);
    }
  }, STEP);

  it("an app importing esikit without generating type-checks (5.9 and 7) and runs against startFakeEsi()", async () => {
    expect(await exists(join(app, "esi"))).toBe(false);
    for (const compiler of Object.values(COMPILERS)) {
      const checked = await tsc(compiler, "--noEmit", "-p", "shipped/tsconfig.json");
      expect(shown(checked)).toBe("exit 0");
    }
    await ok(process.execPath, [COMPILERS["TypeScript 7"], "-p", "shipped/tsconfig.json"], app);
    const shippedSpec = join(app, "node_modules/esikit/dist/generated/openapi.json");
    const date = await specVersion(shippedSpec);
    expect(report(await run(process.execPath, ["shipped/app.js"], app))).toEqual({
      compatibilityDate: date,
      served: await operationCount(shippedSpec),
      sentDate: date,
      players: "number",
      typeName: "string",
    });
    const { version } = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(shown(await esikit("--version"))).toBe(`exit 0\n${version} (ESI compatibility date ${date})`);
  }, STEP);

  it("generated from the 2026-07-21 spec, the app calling GetMilitaryCampaignsListing fails tsc (5.9 and 7) on that call", async () => {
    const generated = await esikit("generate", "--spec", OLD_SPEC);
    expect(generated.code, shown(generated)).toBe(0);
    expect(await specVersion(join(app, "esi/openapi.json"))).toBe("2026-07-21");
    const source = (await readFile(join(app, "app.ts"), "utf8")).split("\n");
    const callLine = source.findIndex((line) => line.includes('esi.call("GetMilitaryCampaignsListing")')) + 1;
    expect(callLine).toBeGreaterThan(0);
    for (const [name, compiler] of Object.entries(COMPILERS)) {
      const checked = await tsc(compiler, "--noEmit", "-p", "tsconfig.json");
      expect(checked.code, name).not.toBe(0);
      const errors = checked.stdout.split("\n").filter((line) => /error TS\d+/.test(line));
      // Only the app's own code is wrong: esikit's and the generation's declarations pass the library check.
      expect(errors.filter((line) => !line.startsWith("app.ts(")), name).toEqual([]);
      expect(errors.some((line) => line.startsWith(`app.ts(${callLine},`) && line.includes('"GetMilitaryCampaignsListing"')), `${name}:\n${checked.stdout}`).toBe(true);
    }
  }, STEP);

  it("the plain JavaScript app runs on that generation: its fake serves the 2026-07-21 spec and the call is refused", async () => {
    expect(report(await run(process.execPath, ["app.mjs"], app))).toEqual({
      compatibilityDate: "2026-07-21",
      served: await operationCount(OLD_SPEC),
      players: "number",
      sentDate: "2026-07-21",
      error: 'EsiUsageError: unknown operationId "GetMilitaryCampaignsListing"',
    });
  }, STEP);

  it("--check against the newer spec exits 3 (stale) and leaves esi/ as it was", async () => {
    const before = await readFile(join(app, "esi/meta.json"), "utf8");
    const checked = await esikit("generate", "--check", "--spec", NEW_SPEC);
    expect(checked.code, shown(checked)).toBe(3);
    expect(checked.stdout + checked.stderr).toMatch(/stale/);
    expect(await readFile(join(app, "esi/meta.json"), "utf8")).toBe(before);
  }, STEP);

  it("regenerated from openapi.json, the same app type-checks (5.9 and 7) and runs against the fake of its generation", async () => {
    const generated = await esikit("generate", "--spec", NEW_SPEC);
    expect(generated.code, shown(generated)).toBe(0);
    for (const compiler of Object.values(COMPILERS)) {
      const checked = await tsc(compiler, "--noEmit", "-p", "tsconfig.json");
      expect(shown(checked)).toBe("exit 0");
    }
    await ok(process.execPath, [COMPILERS["TypeScript 7"], "-p", "tsconfig.json"], app);
    const date = await specVersion(NEW_SPEC);
    const result = report(await run(process.execPath, ["app.js"], app));
    expect(result).toMatchObject({ compatibilityDate: date, served: await operationCount(NEW_SPEC), path: "/military-campaigns", sentDate: date });
    expect(result.states).toEqual(expect.any(Array));
    expect(result.typeIds).toEqual(expect.any(Number));
  }, STEP);

  it("the same app type-checks (5.9 and 7) for a bundler too (module Preserve, moduleResolution Bundler)", async () => {
    for (const compiler of Object.values(COMPILERS)) {
      const checked = await tsc(compiler, "-p", "tsconfig.bundler.json");
      expect(shown(checked)).toBe("exit 0");
    }
  }, STEP);

  it("the plain JavaScript app calls GetMilitaryCampaignsListing through the regenerated esi/index.js", async () => {
    const date = await specVersion(NEW_SPEC);
    const result = report(await run(process.execPath, ["app.mjs"], app));
    expect(result).toMatchObject({ compatibilityDate: date, served: await operationCount(NEW_SPEC), players: "number", sentDate: date });
    expect(result.error).toBeUndefined();
    expect(result.campaigns).toEqual(expect.any(Number));
  }, STEP);

  it("--check exits 0 when esi/ is up to date", async () => {
    const checked = await esikit("generate", "--check", "--spec", NEW_SPEC);
    expect(checked.code, shown(checked)).toBe(0);
    expect(checked.stdout).toMatch(/up to date/);
  }, STEP);
});
