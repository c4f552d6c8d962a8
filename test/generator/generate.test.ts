import { readdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { defineGeneration } from "../../src/generation.ts";
import { main } from "../../scripts/generate.ts";
import { checkGenerationDir } from "../../scripts/lib/generation-dir.ts";
import { generate, hashSources, OUTPUT_FILES, type GenerateResult } from "../../scripts/lib/generator.ts";
import { hashBytes } from "../../scripts/lib/spec-document.ts";
import { fixture, importTable, ROOT, snapshot, tempDir, tempDirs, typeErrors } from "./helpers.ts";

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

  it("writes the generation's files as one folder, with a manifest of their hashes, and leaves nothing beside it", async () => {
    expect(first.status).toBe("generated");
    expect((await readdir(dirs.outDir)).sort()).toEqual([...OUTPUT_FILES].sort());
    const meta = JSON.parse(await readFile(join(dirs.outDir, "meta.json"), "utf8"));
    expect(meta).toMatchObject({ specDate: "2026-01-01", format: "openapi-3.1", operationCount: 6, origin: fixture("openapi-3.1.json") });
    expect(Object.keys(meta.files).sort()).toEqual(OUTPUT_FILES.filter((f) => f !== "meta.json").sort());
    for (const [name, hash] of Object.entries(meta.files)) expect(hashBytes(await readFile(join(dirs.outDir, name))), name).toBe(hash);
    expect(await checkGenerationDir(dirs.outDir)).toMatchObject({ ok: true });
    // No staging folder (.<name>.next-*, .<name>.prev-*) is left in the parent.
    const siblings = (await readdir(dirname(dirs.outDir))).filter((n) => n.startsWith(`.${basename(dirs.outDir)}.`));
    expect(siblings).toEqual([]);
  });

  it("emits operations.js: the table the runtime binds, with the spec's date, hash, base path, scopes and errata", async () => {
    const { meta, operations } = await importTable(dirs.outDir);
    expect(meta).toEqual({
      compatibilityDate: "2026-01-01",
      specSha256: hashBytes(await readFile(fixture("openapi-3.1.json"))),
      basePath: "",
      scopes: ["esi-wallet.read_character_wallet.v1", "esi-wallet.read_corporation_wallets.v1"],
      errata: [],
    });
    expect(operations.GetCharactersCharacterIdWallet!.rateLimit).toEqual({ group: "char-wallet", maxTokens: 150, windowSeconds: 900 });
    // defineGeneration (src/generation.ts) takes it as it is.
    const generation = defineGeneration({ ...meta, operations });
    expect(generation.operationForRoute("GET", "/characters/{character_id}/wallet")?.operationId).toBe("GetCharactersCharacterIdWallet");
    expect(generation.operationIds).toHaveLength(6);
  });

  it("emits declarations that compile, match src/generation.ts both ways, and keep X-Compatibility-Date optional but typed", async () => {
    const check = join(await tempDir("check"), "check.ts");
    const contract = join(ROOT, "src", "generation.ts");
    await writeFile(
      check,
      `import type { paths } from ${JSON.stringify(join(dirs.outDir, "esi.d.ts"))};
import { meta, operations, type OperationId, type OperationRow as EmittedRow, type GenerationMeta as EmittedMeta } from ${JSON.stringify(join(dirs.outDir, "operations.js"))};
import type { OperationRow, GenerationMeta, GenerationInput } from ${JSON.stringify(contract)};
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
export const paging: "cursor" = operations.GetCorporationsJobsListing.paging;
export const method: "post" = operations.PostUniverseNames.method;
export const date: "2026-01-01" = meta.compatibilityDate;
export const id: OperationId = "GetStatus";
// @ts-expect-error not an operation of this spec
export const unknownId: OperationId = "GetNothing";
// The emitted shapes are the contract's, both ways.
export const rowToContract = (row: EmittedRow): OperationRow => row;
export const rowFromContract = (row: OperationRow): EmittedRow => row;
export const metaToContract = (m: EmittedMeta): GenerationMeta => m;
export const metaFromContract = (m: GenerationMeta): EmittedMeta => m;
export const input: GenerationInput = { ...meta, operations };
`,
    );
    expect(typeErrors([check], { only: [dirname(check), dirs.outDir] })).toBe("");
  });

  it("emits index.js and index.d.ts that bind the generation to esikit/runtime", async () => {
    const js = await readFile(join(dirs.outDir, "index.js"), "utf8");
    const parsed = ts.createSourceFile("index.js", js, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS) as unknown as { parseDiagnostics: unknown[] };
    expect(parsed.parseDiagnostics).toEqual([]);
    expect(js).toContain('import { createClientFor, defineGeneration } from "esikit/runtime";');
    expect(js).toContain('spec: new URL("./openapi.json", import.meta.url)');
    const dts = await readFile(join(dirs.outDir, "index.d.ts"), "utf8");
    expect(dts).toContain("export type EsiGeneration = Generation<paths, OperationTypes>;");
    expect(dts).toContain('export { meta, operations, type OperationId } from "./operations.js";');
  });

  it("keeps the spec as esikit read it in openapi.json", async () => {
    const kept = JSON.parse(await readFile(join(dirs.outDir, "openapi.json"), "utf8"));
    expect(kept).toEqual(JSON.parse(await readFile(fixture("openapi-3.1.json"), "utf8")));
  });

  it("keeps the spec in the cache as <date>-<hash12>.json", async () => {
    const hash = hashBytes(await readFile(fixture("openapi-3.1.json")));
    expect(await readdir(dirs.cacheDir)).toEqual([`2026-01-01-${hash.slice(0, 12)}.json`]);
    expect(await readFile(join(dirs.cacheDir, `2026-01-01-${hash.slice(0, 12)}.json`))).toEqual(await readFile(fixture("openapi-3.1.json")));
  });

  it("on an unchanged spec reports unchanged and rewrites nothing; --force regenerates the same bytes", async () => {
    const before = await snapshot(dirs.outDir);
    const again = await run(dirs, fixture("openapi-3.1.json"));
    expect(again.status).toBe("unchanged");
    expect(await snapshot(dirs.outDir)).toEqual(before);

    const forced = await run(dirs, fixture("openapi-3.1.json"), { force: true });
    expect(forced.status).toBe("generated");
    const after = await snapshot(dirs.outDir);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const name of Object.keys(before)) expect(after[name]!.bytes, name).toBe(before[name]!.bytes);
  });

  it("regenerates a generation whose files no longer match the manifest, and --check calls it damaged", async () => {
    const args = ["--offline", "--spec", fixture("openapi-3.1.json"), "--out", dirs.outDir, "--cache", dirs.cacheDir];
    const table = join(dirs.outDir, "operations.js");
    const original = await readFile(table);
    await writeFile(table, "export const operations = {};\n");
    expect(await cli(["--check", ...args])).toMatchObject({
      code: 3,
      out: expect.stringMatching(/is damaged \(operations\.js does not match its hash in meta\.json\); run `npm run generate`\.$/),
    });
    expect((await cli(args)).out).toMatch(/^Generated .* from spec 2026-01-01/);
    expect(await readFile(table)).toEqual(original);
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
      out: `${out}/ is missing or incomplete; run \`npm run generate\`.`,
    });
    expect(await readdir(out)).toEqual([]);
  });

  it("exits 2 on an unknown option and 1 on a spec that cannot be read", async () => {
    expect(await cli(["--no-such-option"])).toMatchObject({ code: 2, err: expect.stringMatching(/^Unknown option '--no-such-option'[^]*Exit codes:/) });
    const out = await tempDir("bad-out");
    // (Where the spec came from may come first; the failure is the last line.)
    const malformed = await cli(["--offline", "--spec", fixture("malformed/no-paths.json"), "--out", out, "--cache", out]);
    expect(malformed.code).toBe(1);
    expect(malformed.err.split("\n").at(-1)).toBe(`esikit generate: ${fixture("malformed/no-paths.json")}: "paths" is missing or not an object`);
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
    const { meta, operations } = await importTable(dirs.outDir);
    expect(meta.basePath).toBe("/latest");
    // Swagger's token and datasource query parameters are the client's to fill, like the headers.
    expect(operations.get_characters_character_id_wallet!.parameters.filter((p) => p.clientFilled).map((p) => p.name).sort()).toEqual(["If-None-Match", "datasource", "token"]);
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
    expect((await importTable(dirs.outDir)).meta.basePath).toBe("/api");
  });
});

describe("the change report", () => {
  it("is made from the last generation's manifest and printed after a generation from a newer spec", async () => {
    const dirs = await tempDirs();
    const original = JSON.parse(await readFile(fixture("openapi-3.1.json"), "utf8"));
    await run(dirs, fixture("openapi-3.1.json"));

    const next = structuredClone(original);
    next.info.version = "2026-02-01";
    delete next.paths["/status"];
    const nextFile = join(await tempDir("spec"), "next.json");
    await writeFile(nextFile, JSON.stringify(next));

    const result = await run(dirs, nextFile);
    if (result.status !== "generated") throw new Error(`expected a generation, got ${result.status}`);
    expect(result.previous?.specDate).toBe("2026-01-01");
    expect(result.report).toBeDefined();

    // What `npm run generate` prints: a report after an upgrade, none on a forced run of the same spec.
    const args = ["--offline", "--out", dirs.outDir, "--cache", dirs.cacheDir, "--force"];
    const printed = [await cli(["--spec", fixture("openapi-3.1.json"), ...args]), await cli(["--spec", fixture("openapi-3.1.json"), ...args])].map(
      (r) => r.out,
    );
    expect(printed[0]).toMatch(
      /^Generated .*\/ from spec 2026-01-01 \(openapi-3\.1, sha256 [0-9a-f]{12}\): 6 operations in \d+ ms\.\n {2}source: .*openapi-3\.1\.json\n {2}errata applied: none\n {2}erratum array-query-comma skipped: does not apply to this spec \(\/paths\/~1characters~1\{character_id\}~1contacts\/delete\/parameters\/1\/name is not in it\)\nChanges since spec 2026-02-01:\n[^]*GetStatus/,
    );
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
    await writeFile(join(dir, "types.d.ts"), "export type T = 1;\n");
    expect(await hashSources(dir)).toBe(three);
    // The installed package hashes its compiled modules instead.
    await writeFile(join(dir, "a.js"), "export const a = 3;\n");
    expect(await hashSources(dir, ".js")).not.toBe(await hashSources(await tempDir("lib-empty"), ".js"));
  });
});
