import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../scripts/generate.ts";
import type { ChangeReport } from "../../scripts/lib/change-report.ts";
import { generate } from "../../scripts/lib/generator.ts";
import { afterRun, describeSource, EXIT } from "../../scripts/lib/report/cli.ts";
import type { SpecProvenance } from "../../scripts/lib/spec-source.ts";
import { startRecordingServer } from "../support/recording-server.ts";
import { tempDir, tempDirs } from "./helpers.ts";

/** A spec pair of test/fixtures/report written out as two spec files. */
async function specPair(name: string): Promise<{ before: string; after: string }> {
  const { before, after } = JSON.parse(await readFile(fileURLToPath(new URL(`../fixtures/report/${name}.json`, import.meta.url)), "utf8"));
  const dir = await tempDir("report-pair");
  await writeFile(join(dir, "before.json"), JSON.stringify(before));
  await writeFile(join(dir, "after.json"), JSON.stringify(after));
  return { before: join(dir, "before.json"), after: join(dir, "after.json") };
}

/** `esikit generate` in-process, with what it printed to stdout and stderr. */
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

const dirArgs = (dirs: { outDir: string; cacheDir: string }) => ["--offline", "--out", dirs.outDir, "--cache", dirs.cacheDir];

describe("esikit generate --report and --fail-on", () => {
  it("writes the report as JSON (version 1) and exits 4 on a breaking change with --fail-on breaking; the generation is written", async () => {
    const dirs = await tempDirs();
    const { before, after } = await specPair("response-field-removed");
    const first = await cli(["--spec", before, ...dirArgs(dirs), "--fail-on", "breaking"]);
    expect(first.code).toBe(EXIT.ok);
    const file = join(await tempDir("report-json"), "report.json");
    const run = await cli(["--spec", after, ...dirArgs(dirs), "--report", file, "--fail-on", "breaking"]);
    expect(run.code).toBe(4);
    expect(run.err).toContain("esikit generate: 1 breaking change (--fail-on breaking): exit 4.");
    expect(run.out).toContain("Changes since spec 2026-01-01:\nSpec 2026-01-01 -> 2026-01-01: 1 breaking change.");
    expect(run.out).toContain(`Change report (JSON, version 1) written to ${file}.`);
    const report = JSON.parse(await readFile(file, "utf8")) as ChangeReport;
    expect(report).toMatchObject({
      version: 1,
      from: { version: "2026-01-01", source: join(dirs.outDir, "openapi.json") },
      to: { version: "2026-01-01", source: after },
      breaking: true,
      counts: { breaking: 1, nonBreaking: 0 },
      components: [{ component: "schemas/Status", usedBy: 1, changes: [{ rule: "response-field-removed", level: "breaking", field: "server_version" }] }],
    });
    expect(report).not.toHaveProperty("cosmetic");
    // Written either way: --fail-on is for CI to stop, not a refusal to generate.
    expect(JSON.parse(await readFile(join(dirs.outDir, "openapi.json"), "utf8")).components.schemas.Status.properties).not.toHaveProperty("server_version");
  }, 60_000);

  it("exits 0 with --fail-on breaking when nothing breaks, and --verbose puts the set-aside differences in the JSON", async () => {
    const dirs = await tempDirs();
    const { before, after } = await specPair("cosmetic-only");
    await cli(["--spec", before, ...dirArgs(dirs)]);
    const file = join(await tempDir("report-json"), "report.json");
    const run = await cli(["--spec", after, ...dirArgs(dirs), "--report", file, "--fail-on", "breaking", "--verbose"]);
    expect(run.code).toBe(0);
    expect(run.out).toContain("Set aside by normalisation (not changes for an app):");
    const report = JSON.parse(await readFile(file, "utf8")) as ChangeReport;
    expect(report.breaking).toBe(false);
    expect(report.cosmetic!.map((c) => c.subject)).toEqual(["spec", "GET /status (GetStatus)", "schema Status", "schema MarketOrder"]);
  }, 60_000);

  it("writes a report on the first generation (nothing to compare) and on an unchanged run (no change)", async () => {
    const dirs = await tempDirs();
    const { before } = await specPair("parameter-added");
    const file = join(await tempDir("report-json"), "report.json");
    expect((await cli(["--spec", before, ...dirArgs(dirs), "--report", file])).code).toBe(0);
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({ version: 1, from: null, note: "there is no previous generation", breaking: false });
    const again = await cli(["--spec", before, ...dirArgs(dirs), "--report", file]);
    expect(again.out).toMatch(/is up to date/);
    const report = JSON.parse(await readFile(file, "utf8")) as ChangeReport;
    expect(report.from).toEqual(report.to);
    expect(report.counts).toMatchObject({ breaking: 0, nonBreaking: 0 });
  }, 60_000);

  it("compares with the cached spec when the previous generation's copy is gone, and says so", async () => {
    const dirs = await tempDirs();
    const { before, after } = await specPair("parameter-now-required");
    await generate({ specFile: before, offline: true, fallbackFiles: [], ...dirs });
    await rm(join(dirs.outDir, "openapi.json"));
    const result = await generate({ specFile: after, offline: true, fallbackFiles: [], ...dirs });
    if (result.status !== "generated") throw new Error(`expected a generation, got ${result.status}`);
    expect(result.report.note).toBe("the previous generation's own copy is missing; its errata were not applied to this one");
    expect(result.report.operations.changed[0]!.changes.map((c) => c.rule)).toEqual(["parameter-now-required"]);
    // Neither kept: no comparison, and the reason.
    await rm(join(dirs.outDir, "openapi.json"));
    await rm(dirs.cacheDir, { recursive: true });
    const blind = await generate({ specFile: before, offline: true, fallbackFiles: [], ...dirs, force: true });
    if (blind.status !== "generated") throw new Error(`expected a generation, got ${blind.status}`);
    expect(blind.report.from).toBeNull();
    expect(blind.report.note).toMatch(/^the previous spec \(2026-01-01\) is not kept: .*openapi\.json: ENOENT; .*\.json: ENOENT$/);
  }, 60_000);

  it("on a forced run of the same spec, says what a new erratum changed (and nothing when nothing did)", async () => {
    const dirs = await tempDirs();
    const { before } = await specPair("parameter-added");
    await generate({ specFile: before, offline: true, fallbackFiles: [], ...dirs });
    const printed = async () => {
      const result = await generate({ specFile: before, offline: true, fallbackFiles: [], ...dirs, force: true });
      const lines: string[] = [];
      await afterRun({ result, values: {}, source: undefined, outDir: dirs.outDir, print: (l) => lines.push(l), warn: () => undefined });
      return lines.join("\n");
    };
    expect(await printed()).not.toContain("Changes since");
    await writeFile(
      join(dirs.errataDir, "page-required.json"),
      JSON.stringify({ description: "test: page is required", patch: [{ op: "add", path: "/paths/~1markets~1{region_id}~1orders/get/parameters/2/required", value: true }] }),
    );
    expect(await printed()).toContain("Changes since spec 2026-01-01:\nSpec 2026-01-01 -> 2026-01-01: 1 breaking change.");
  }, 60_000);

  it("refuses arguments that cannot go together, with exit 2", async () => {
    const bad = await cli(["--fail-on", "everything"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^--fail-on takes "breaking" \(got "everything"\)/);
    const check = await cli(["--check", "--report", "r.json", "--app", "."]);
    expect(check.code).toBe(2);
    expect(check.err).toMatch(/^--check writes nothing and makes no report: drop --report, --app, or run without --check/);
  });
});

describe("esikit generate --check: stale, or the source out of reach", () => {
  /** A generation from the fixture, then --check against a dead ESI with the cache as the only local spec. */
  async function checkWithDeadEsi(cacheSpec: "same" | "newer"): Promise<{ code: number; printed: string[]; source?: SpecProvenance }> {
    const dirs = await tempDirs();
    const { before, after } = await specPair("compatibility-date");
    await generate({ specFile: before, offline: true, fallbackFiles: [], ...dirs });
    if (cacheSpec === "newer") await generate({ specFile: after, offline: true, fallbackFiles: [], ...dirs, outDir: await tempDir("other-out") });
    const gone = await startRecordingServer(() => undefined);
    await gone.close();
    let source: SpecProvenance | undefined;
    const result = await generate({ esiBaseUrl: gone.url, timeoutMs: 2000, fallbackFiles: [], ...dirs, check: true, onSource: (p) => (source = p) });
    const printed: string[] = [];
    const code = await afterRun({ result, values: { check: true }, source, outDir: dirs.outDir, summary: "(summary)", print: (l) => printed.push(l), warn: () => undefined });
    return { code, printed, source };
  }

  it("exits 5 when the output matches the newest local spec but live ESI could not be asked", async () => {
    const { code, printed, source } = await checkWithDeadEsi("same");
    expect(code).toBe(5);
    // Not "up to date": the generator's summary is not printed.
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(
      /^Could not reach the source: live ESI GET \/meta\/compatibility-dates failed \(ECONNREFUSED\)\. The output matches the newest local spec \(2026-01-01, .*2026-01-01-[0-9a-f]{12}\.json\); whether ESI has a newer one is unknown\.$/,
    );
    expect(describeSource(source!)[0]).toMatch(/^esikit generate: spec 2026-01-01 from the cache .*2026-01-01-[0-9a-f]{12}\.json: live ESI could not be asked \(GET \/meta\/compatibility-dates failed \(ECONNREFUSED\)\): the newest spec kept in the cache\.$/);
  }, 60_000);

  it("exits 3 (stale) when a newer local spec is known, reachable or not", async () => {
    const { code, printed } = await checkWithDeadEsi("newer");
    expect(code).toBe(3);
    expect(printed).toEqual(["(summary)"]);
  }, 60_000);

  it("exits 0 offline when the output matches the newest local spec", async () => {
    const dirs = await tempDirs();
    const { before } = await specPair("compatibility-date");
    await generate({ specFile: before, offline: true, fallbackFiles: [], ...dirs });
    let source: SpecProvenance | undefined;
    const result = await generate({ offline: true, fallbackFiles: [], ...dirs, check: true, onSource: (p) => (source = p) });
    const code = await afterRun({ result, values: { check: true }, source, outDir: dirs.outDir, print: () => undefined, warn: () => undefined });
    expect(code).toBe(0);
    expect(source).toMatchObject({ source: "cache", why: "--offline: the newest spec kept in the cache" });
  }, 60_000);
});

describe("where the spec came from, as printed", () => {
  it("warns when --spec names an older spec than one kept in the cache", async () => {
    const dirs = await tempDirs();
    const { before, after } = await specPair("compatibility-date");
    await cli(["--spec", after, ...dirArgs(dirs)]);
    const run = await cli(["--spec", before, ...dirArgs(dirs)]);
    expect(run.code).toBe(0);
    expect(run.err).toMatch(
      new RegExp(`^esikit generate: warning: spec 2026-01-01 from ${before.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, but a newer one is known: 2026-02-01 in .*2026-02-01-[0-9a-f]{12}\\.json\\.$`, "m"),
    );
  }, 60_000);


  it("says nothing more for a --spec file, unless a newer spec is known elsewhere", () => {
    const file = { source: "file", origin: "/x/old.json", why: "--spec (or ESIKIT_SPEC) names it" } as const;
    const known = [{ date: "2026-08-04", origin: "/cache/2026-08-04-50355e71073c.json" }];
    expect(describeSource({ ...file, known: [] }, "2026-01-01")).toEqual([]);
    expect(describeSource({ ...file, known }, "2026-08-04")).toEqual([]);
    expect(describeSource({ ...file, known }, "2026-01-01")).toEqual([
      "esikit generate: warning: spec 2026-01-01 from /x/old.json, but a newer one is known: 2026-08-04 in /cache/2026-08-04-50355e71073c.json.",
    ]);
  });
});
