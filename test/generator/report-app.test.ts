import { cp, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../scripts/generate.ts";
import { generate, type GenerateResult } from "../../scripts/lib/generator.ts";
import { checkApp, formatAppCheck, type AppCheckResult } from "../../scripts/lib/report/app-check.ts";
import type { OpenApiDocument } from "../../scripts/lib/spec-document.ts";
import { ROOT, tempDir } from "./helpers.ts";

/**
 * test/fixtures/report-app: an app calling three operations of spec-before.json that spec-after.json breaks, by
 * path (openapi-fetch) and by operationId (esikit's client bound to its own esi/). Copied to a temp folder with its
 * node_modules linked to this checkout's, and "esikit/runtime" mapped to the source.
 */
const FIXTURE = fileURLToPath(new URL("../fixtures/report-app/", import.meta.url));

async function appCopy(): Promise<{ app: string; cache: string }> {
  const app = await tempDir("report-app");
  await cp(FIXTURE, app, { recursive: true });
  await symlink(join(ROOT, "node_modules"), join(app, "node_modules"), "dir");
  const config = JSON.parse(await readFile(join(app, "tsconfig.json"), "utf8"));
  config.compilerOptions.paths = { "esikit/runtime": [join(ROOT, "src/runtime.ts")] };
  config.compilerOptions.allowImportingTsExtensions = true;
  await writeFile(join(app, "tsconfig.json"), JSON.stringify(config, null, 2));
  return { app, cache: await tempDir("report-app-cache") };
}

const generation = (app: string, cache: string, spec: string): Promise<GenerateResult> =>
  generate({ specFile: join(app, spec), offline: true, fallbackFiles: [], outDir: join(app, "esi"), cacheDir: cache, errataDir: join(app, "no-errata") });
const keptSpec = async (app: string) => JSON.parse(await readFile(join(app, "esi", "openapi.json"), "utf8")) as OpenApiDocument;

describe("the app check after a regeneration", () => {
  let app: string;
  let before: AppCheckResult;
  let after: AppCheckResult;
  let upgrade: GenerateResult;
  beforeAll(async () => {
    let cache: string;
    ({ app, cache } = await appCopy());
    await generation(app, cache, "spec-before.json");
    before = checkApp({ appDir: app, specs: [await keptSpec(app)], ignoreDirs: [join(app, "esi")] });
    upgrade = await generation(app, cache, "spec-after.json");
    if (upgrade.status !== "generated") throw new Error(`expected a generation, got ${upgrade.status}`);
    after = checkApp({ appDir: app, specs: [await keptSpec(app)], report: upgrade.report, ignoreDirs: [join(app, "esi")] });
  }, 120_000);

  it("finds nothing wrong with the app against the spec it was written for", () => {
    expect(before.groups).toEqual([]);
    expect(before.ok).toBe(true);
    expect(before.typescriptVersion).toMatch(/^5\.9\./);
    expect(before.files).toBe(2);
  });

  it("lists each broken call site under the operation it calls, with what the report says broke", () => {
    expect(after.ok).toBe(false);
    const byOperation = Object.fromEntries(after.groups.map((g) => [g.operation, g]));
    expect(Object.keys(byOperation).sort()).toEqual([
      "GET /characters/{character_id}/wallet (GetCharactersCharacterIdWallet)",
      "GET /markets/{region_id}/orders (GetMarketsRegionIdOrders)",
      "GET /status (GetStatus)",
    ]);
    // By path, through openapi-fetch: the field read two lines after the call.
    expect(byOperation["GET /status (GetStatus)"]).toMatchObject({
      errors: [{ file: join("src", "status.ts"), line: 10, code: 2339, message: expect.stringContaining("server_version") }],
      changes: [{ rule: "response-field-removed", whatToDo: "Stop reading `server_version`." }],
    });
    // By operationId: a required parameter added, and an operation renamed (named by its old id, from the report).
    expect(byOperation["GET /markets/{region_id}/orders (GetMarketsRegionIdOrders)"]).toMatchObject({
      errors: [{ file: join("src", "market.ts"), line: 7, code: 2345, message: expect.stringContaining("type_id") }],
      changes: [{ rule: "parameter-added-required" }],
    });
    expect(byOperation["GET /characters/{character_id}/wallet (GetCharactersCharacterIdWallet)"]).toMatchObject({
      errors: [{ file: join("src", "market.ts"), line: 12, code: 2339 }],
      changes: [{ rule: "operation-renamed", whatToDo: expect.stringContaining("GetCharacterWallet") }],
    });
    const text = formatAppCheck(after, "app");
    expect(text).toMatch(/^App check \(app, TypeScript 5\.9\.\d+\): 3 errors in the app's code, by operation:\n/);
    expect(text).toContain("  GET /status (GetStatus):\n    src/status.ts:10:");
  });

  it("runs from the command line with --app, after the change report, and exits 6", async () => {
    const { app: fresh, cache } = await appCopy();
    await generation(fresh, cache, "spec-before.json");
    const out: string[] = [];
    const err: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
    const error = vi.spyOn(console, "error").mockImplementation((line: string) => void err.push(line));
    let code: number;
    try {
      code = await main(["--offline", "--spec", join(fresh, "spec-after.json"), "--out", join(fresh, "esi"), "--cache", cache, "--app", fresh, "--fail-on", "breaking"]);
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
    expect(code).toBe(6);
    const printed = out.join("\n");
    expect(printed.indexOf("Changes since spec 2026-01-01:")).toBeLessThan(printed.indexOf("App check ("));
    expect(printed).toContain("  GET /markets/{region_id}/orders (GetMarketsRegionIdOrders):\n    src/market.ts:7:");
    expect(err.join("\n")).toContain("3 breaking changes (--fail-on breaking): exit 4.");
  }, 120_000);

  it("says clearly when the folder has no tsconfig.json", async () => {
    const empty = await tempDir("report-app-empty");
    expect(() => checkApp({ appDir: empty, specs: [] })).toThrow(`--app ${empty}: no tsconfig.json there`);
  });
});
