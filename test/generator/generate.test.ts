import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../scripts/generate.ts";
import { formatChangeReport } from "../../scripts/lib/change-report.ts";
import { generate, hashSources, OUTPUT_FILES, type GenerateResult } from "../../scripts/lib/generator.ts";
import { hashBytes } from "../../scripts/lib/spec-document.ts";
import { fixture, snapshot, tempDir, tempDirs, typeErrors } from "./helpers.ts";

type Dirs = Awaited<ReturnType<typeof tempDirs>>;

/** Runs the command line and keeps what it printed, so a test can check what the user reads. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
  const error = vi.spyOn(console, "error").mockImplementation((line: string) => void err.push(line));
  try {
    return { code: await main(args), out: out.join("\n"), err: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}
const run = (dirs: Dirs, specFile: string, extra: { force?: boolean; check?: boolean } = {}): Promise<GenerateResult> =>
  generate({ specFile, offline: true, fallbackFiles: [], ...dirs, ...extra });

describe("a generation from an OpenAPI 3.1 spec", () => {
  let dirs: Dirs;
  let first: GenerateResult;
  beforeAll(async () => {
    dirs = await tempDirs();
    first = await run(dirs, fixture("openapi-3.1.json"));
  });

  it("writes esi.d.ts, operations.ts and meta.json and leaves no temp file behind", async () => {
    expect(first.status).toBe("generated");
    expect((await readdir(dirs.outDir)).sort()).toEqual([...OUTPUT_FILES].sort());
    const meta = JSON.parse(await readFile(join(dirs.outDir, "meta.json"), "utf8"));
    expect(meta).toMatchObject({ specDate: "2026-01-01", format: "openapi-3.1", operationCount: 6, origin: fixture("openapi-3.1.json") });
  });

  it("emits a table the client can import, with the spec's date, hash and scopes", async () => {
    const table = await import(pathToFileURL(join(dirs.outDir, "operations.ts")).href);
    const specHash = hashBytes(await readFile(fixture("openapi-3.1.json")));
    expect(table.compatibilityDate).toBe("2026-01-01");
    expect(table.specHash).toBe(specHash);
    expect(table.basePath).toBe("");
    expect(table.allScopes).toEqual(["esi-wallet.read_character_wallet.v1", "esi-wallet.read_corporation_wallets.v1"]);
    expect(table.operations.GetCharactersCharacterIdWallet.rateLimit).toEqual({ group: "char-wallet", maxTokens: 150, windowSeconds: 900 });
  });

  it("emits types that compile, with X-Compatibility-Date optional but still typed", async () => {
    const check = join(dirs.outDir, "check.ts");
    await writeFile(
      check,
      `import type { paths } from "./esi.d.ts";
import { operations } from "./operations.ts";
type Wallet = paths["/characters/{character_id}/wallet"]["get"];
export const params: Wallet["parameters"] = { path: { character_id: 90000001 } };
export const headers: NonNullable<Wallet["parameters"]["header"]> = {};
// @ts-expect-error the date is typed as the spec's one value
export const wrongDate: NonNullable<Wallet["parameters"]["header"]> = { "X-Compatibility-Date": "1999-01-01" };
// @ts-expect-error character_id is required
export const missing: Wallet["parameters"] = { path: {} };
export const balance: Wallet["responses"][200]["content"]["application/json"] = 1.5;
type Names = paths["/universe/names"]["post"];
export const body: NonNullable<Names["requestBody"]>["content"]["application/json"] = [1, 2];
export const group: "char-wallet" = operations.GetCharactersCharacterIdWallet.rateLimit.group;
export const paging: "cursor" = operations.GetCorporationsJobsListing.paging;
`,
    );
    try {
      expect(typeErrors([check])).toBe("");
    } finally {
      await import("node:fs/promises").then((fs) => fs.rm(check));
    }
  });

  it("keeps the spec in the cache as <date>-<hash12>.json", async () => {
    const hash = hashBytes(await readFile(fixture("openapi-3.1.json")));
    expect(await readdir(dirs.cacheDir)).toEqual([`2026-01-01-${hash.slice(0, 12)}.json`]);
    expect(await readFile(join(dirs.cacheDir, `2026-01-01-${hash.slice(0, 12)}.json`))).toEqual(await readFile(fixture("openapi-3.1.json")));
  });

  it("on an unchanged spec reports unchanged and rewrites nothing; --force regenerates", async () => {
    const before = await snapshot(dirs.outDir);
    const again = await run(dirs, fixture("openapi-3.1.json"));
    expect(again.status).toBe("unchanged");
    expect(await snapshot(dirs.outDir)).toEqual(before);

    const forced = await run(dirs, fixture("openapi-3.1.json"), { force: true });
    expect(forced.status).toBe("generated");
    const after = await snapshot(dirs.outDir);
    expect(after["operations.ts"]!.bytes).toBe(before["operations.ts"]!.bytes);
    expect(after["meta.json"]!.mtimeMs).toBeGreaterThanOrEqual(before["meta.json"]!.mtimeMs);
    expect(Object.keys(after)).toEqual(Object.keys(before));
  });

  it("--check exits 0 when fresh and 3 when the spec changed, writing nothing", async () => {
    const args = ["--offline", "--out", dirs.outDir, "--cache", dirs.cacheDir];
    expect(await cli(["--check", "--spec", fixture("openapi-3.1.json"), ...args])).toMatchObject({ code: 0, out: expect.stringMatching(/up to date with spec 2026-01-01/) });
    const before = await snapshot(dirs.outDir);
    const cacheBefore = await readdir(dirs.cacheDir);
    expect(await cli(["--check", "--spec", fixture("openapi-3.0.json"), ...args])).toMatchObject({
      code: 3,
      out: expect.stringMatching(/stale: it was made from spec 2026-01-01 .*; run `npm run generate`/),
    });
    expect(await snapshot(dirs.outDir)).toEqual(before);
    expect(await readdir(dirs.cacheDir)).toEqual(cacheBefore);
  });
});

describe("generate's command line", () => {
  it("--check exits 3 when nothing was generated yet", async () => {
    const out = await tempDir("empty-out");
    const cache = await tempDir("empty-cache");
    expect(await cli(["--check", "--offline", "--spec", fixture("openapi-3.1.json"), "--out", out, "--cache", cache])).toMatchObject({
      code: 3,
      out: "generated/ is missing or incomplete; run `npm run generate`.",
    });
    expect(await readdir(out)).toEqual([]);
  });

  it("exits 2 on an unknown option and 1 on a spec that cannot be read", async () => {
    expect(await cli(["--no-such-option"])).toMatchObject({ code: 2, err: expect.stringMatching(/^Unknown option '--no-such-option'[^]*Exit codes:/) });
    const out = await tempDir("bad-out");
    expect(await cli(["--offline", "--spec", fixture("malformed/no-paths.json"), "--out", out, "--cache", out])).toMatchObject({
      code: 1,
      err: `esikit generate: ${fixture("malformed/no-paths.json")}: "paths" is missing or not an object`,
    });
    expect(await cli(["--offline", "--spec", fixture("does-not-exist.json"), "--out", out, "--cache", out])).toMatchObject({
      code: 1,
      err: `esikit generate: cannot read the spec file ${fixture("does-not-exist.json")}: ENOENT`,
    });
    expect(await readdir(out)).toEqual([]);
  });
});

describe("a generation from a Swagger 2.0 spec", () => {
  it("converts it, keeps basePath /latest, and caches it under its version", async () => {
    const dirs = await tempDirs();
    const result = await run(dirs, fixture("swagger-2.0.json"));
    expect(result.status).toBe("generated");
    expect(result.meta).toMatchObject({ format: "swagger-2.0", specDate: "1.2", operationCount: 5 });
    const table = await readFile(join(dirs.outDir, "operations.ts"), "utf8");
    expect(table).toContain('export const basePath = "/latest" as const;');
    const hash = hashBytes(await readFile(fixture("swagger-2.0.json")));
    expect(await readdir(dirs.cacheDir)).toEqual([`1.2-${hash.slice(0, 12)}.json`]);
    const types = await readFile(join(dirs.outDir, "esi.d.ts"), "utf8");
    expect(types).toContain('"/characters/{character_id}/wallet/"');
  });
});

describe("a generation from an OpenAPI 3.0 spec", () => {
  it("takes the base path from the first server URL", async () => {
    const dirs = await tempDirs();
    const result = await run(dirs, fixture("openapi-3.0.json"));
    expect(result.meta).toMatchObject({ format: "openapi-3.0", specDate: "2025-12-01", operationCount: 6 });
    expect(await readFile(join(dirs.outDir, "operations.ts"), "utf8")).toContain('export const basePath = "/api" as const;');
  });
});

describe("the change report", () => {
  it("names added and removed operations and what changed in the others", async () => {
    const dirs = await tempDirs();
    const original = JSON.parse(await readFile(fixture("openapi-3.1.json"), "utf8"));
    await run(dirs, fixture("openapi-3.1.json"));

    const next = structuredClone(original);
    next.info.version = "2026-02-01";
    delete next.paths["/status"];
    next.paths["/alliances"] = { get: { operationId: "GetAlliances", responses: { "200": { description: "ok" } } } };
    const orders = next.paths["/markets/{region_id}/orders"].get;
    orders.parameters[1].required = true; // page becomes required
    orders.parameters[2].schema = { enum: ["buy", "sell"] }; // order_type loses "all"
    orders.summary = "reworded"; // not a change an app depends on
    orders["x-rate-limit"]["max-tokens"] = 150;
    orders["x-cache-age"] = 600;
    next.paths["/characters/{character_id}/wallet"].get.security = [{ OAuth2: ["esi-wallet.read_corporation_wallets.v1"] }];
    const nextFile = join(await tempDir("spec"), "next.json");
    await writeFile(nextFile, JSON.stringify(next));

    const result = await run(dirs, nextFile);
    if (result.status !== "generated") throw new Error(`expected a generation, got ${result.status}`);
    expect(result.previous?.specDate).toBe("2026-01-01");
    expect(result.report).toEqual({
      added: ["GetAlliances"],
      removed: ["GetStatus"],
      changed: [
        {
          operationId: "GetCharactersCharacterIdWallet",
          changes: ["scope added esi-wallet.read_corporation_wallets.v1", "scope removed esi-wallet.read_character_wallet.v1"],
        },
        {
          operationId: "GetMarketsRegionIdOrders",
          changes: [
            "parameter query:order_type schema changed",
            "parameter query:page now required",
            "cache seconds 300 -> 600",
            "rate limit market 300 per 60 s -> market 150 per 60 s",
          ],
        },
      ],
    });
    expect(formatChangeReport(result.report!)).toBe(
      [
        "Operations: 1 added, 1 removed, 2 changed.",
        "  + GetAlliances",
        "  - GetStatus",
        "  ~ GetCharactersCharacterIdWallet: scope added esi-wallet.read_corporation_wallets.v1; scope removed esi-wallet.read_character_wallet.v1",
        "  ~ GetMarketsRegionIdOrders: parameter query:order_type schema changed; parameter query:page now required; cache seconds 300 -> 600; rate limit market 300 per 60 s -> market 150 per 60 s",
      ].join("\n"),
    );

    // What `npm run generate` prints: the report after an upgrade, none on a forced run of the same spec.
    const args = ["--offline", "--out", dirs.outDir, "--cache", dirs.cacheDir, "--force"];
    const printed = [await cli(["--spec", fixture("openapi-3.1.json"), ...args]), await cli(["--spec", fixture("openapi-3.1.json"), ...args])].map(
      (r) => r.out,
    );
    expect(printed[0]).toMatch(/^Generated from spec 2026-01-01 \(openapi-3\.1, sha256 [0-9a-f]{12}\): 6 operations in \d+ ms\.\n {2}source: .*openapi-3\.1\.json\nChanges since spec 2026-02-01:\nOperations: 1 added, 1 removed, 2 changed\.\n {2}\+ GetStatus/);
    expect(printed[1]).not.toContain("Changes since");
  });
});

describe("the generator fingerprint", () => {
  it("changes when any source file of the folder changes or a new one appears", async () => {
    const dir = await tempDir("lib");
    await writeFile(join(dir, "a.ts"), "export const a = 1;\n");
    const one = await hashSources(dir);
    await writeFile(join(dir, "b.ts"), "export const b = 2;\n");
    const two = await hashSources(dir);
    await writeFile(join(dir, "a.ts"), "export const a = 3;\n");
    const three = await hashSources(dir);
    expect(new Set([one, two, three]).size).toBe(3);
    await writeFile(join(dir, "notes.md"), "not source\n");
    expect(await hashSources(dir)).toBe(three);
  });
});
