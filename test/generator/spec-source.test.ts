import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../scripts/lib/generator.ts";
import { hashBytes } from "../../scripts/lib/spec-document.ts";
import { findSpec, newerSpecs, type SpecProvenance } from "../../scripts/lib/spec-source.ts";
import { SpecError } from "../../scripts/lib/spec-error.ts";
import { json, startRecordingServer } from "../support/recording-server.ts";
import { fixture, tempDir, tempDirs } from "./helpers.ts";

type Server = Awaited<ReturnType<typeof startRecordingServer>>;

/** A fake ESI meta service on 127.0.0.1: lists dates (not in order) and serves the 3.1 fixture for the newest. */
let esi: Server;
let specBytes: Buffer;
beforeAll(async () => {
  specBytes = await readFile(fixture("openapi-3.1.json"));
  esi = await startRecordingServer((req, res) => {
    const url = new URL(req.url, "http://esi");
    if (url.pathname === "/meta/compatibility-dates") return json(res, 200, { compatibility_dates: ["2025-12-01", "2026-01-01", "2025-06-30"] });
    if (url.pathname === "/meta/openapi.json" && url.searchParams.get("compatibility_date") === "2026-01-01") {
      res.writeHead(200, { "Content-Type": "application/json" });
      return res.end(specBytes);
    }
    return json(res, 404, { error: "not found" });
  });
});
afterAll(() => esi.close());

describe("finding the spec on live ESI", () => {
  it("asks for the dates, then the spec of the newest date with X-Compatibility-Date, and caches it", async () => {
    const dirs = await tempDirs();
    const result = await generate({ esiBaseUrl: `${esi.url}/`, ...dirs, fallbackFiles: [fixture("openapi-3.0.json")] });
    if (result.status !== "generated") throw new Error(`expected a generation, got ${result.status}`);
    expect(result.meta.origin).toBe(`${esi.url}/meta/openapi.json?compatibility_date=2026-01-01`);
    expect(result.meta.specDate).toBe("2026-01-01");

    const [dates, spec] = esi.requests.slice(-2);
    expect(dates).toMatchObject({ method: "GET", url: "/meta/compatibility-dates" });
    expect(spec).toMatchObject({ method: "GET", url: "/meta/openapi.json?compatibility_date=2026-01-01" });
    expect(spec!.headers["x-compatibility-date"]).toBe("2026-01-01");
    expect(spec!.headers["user-agent"]).toMatch(/^esikit-generator/);
    expect(await readdir(dirs.cacheDir)).toEqual([`2026-01-01-${hashBytes(specBytes).slice(0, 12)}.json`]);
  });

  it("falls back to the newest kept spec when ESI does not answer", async () => {
    const dirs = await tempDirs();
    await writeFile(join(dirs.cacheDir, "2025-12-01-aaaaaaaaaaaa.json"), await readFile(fixture("openapi-3.0.json")));
    await writeFile(join(dirs.cacheDir, "2026-01-01-bbbbbbbbbbbb.json"), specBytes);
    await writeFile(join(dirs.cacheDir, "notes.json"), "{}");
    const found = await findSpec({ esiBaseUrl: `${esi.url}/broken`, cacheDir: dirs.cacheDir, fallbackFiles: [] });
    expect(found).toMatchObject({ kind: "cache", origin: join(dirs.cacheDir, "2026-01-01-bbbbbbbbbbbb.json") });
  });
});

describe("when no spec can be found", () => {
  it("lists everything it tried and how to pass --spec", async () => {
    const cacheDir = await tempDir("no-cache");
    const missing = join(cacheDir, "nowhere", "openapi.json");
    const failure = await findSpec({ esiBaseUrl: `${esi.url}/broken`, cacheDir, fallbackFiles: [missing] }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SpecError);
    const message = (failure as Error).message;
    expect(message).toContain(`live ESI at ${esi.url}/broken: GET /meta/compatibility-dates answered 404`);
    expect(message).toContain(`swagger-cache (${cacheDir}): no spec kept there`);
    expect(message).toContain(`${missing}: not found`);
    expect(message).toContain("--spec path/to/openapi.json");
  });

  it("says live ESI was skipped when offline, and names a server that is not there", async () => {
    const cacheDir = await tempDir("no-cache");
    await expect(findSpec({ offline: true, cacheDir })).rejects.toThrow(/live ESI: skipped \(--offline\)/);
    // A port nothing listens on any more: the connection is refused, and the message says so.
    const gone = await startRecordingServer(() => undefined);
    await gone.close();
    await expect(findSpec({ esiBaseUrl: gone.url, cacheDir, timeoutMs: 2000 })).rejects.toThrow(
      `live ESI at ${gone.url}: GET /meta/compatibility-dates failed (ECONNREFUSED)`,
    );
  });

  it("names an unreadable --spec file", async () => {
    await expect(findSpec({ specFile: fixture("missing.json"), cacheDir: "unused" })).rejects.toThrow(
      `cannot read the spec file ${fixture("missing.json")}: ENOENT`,
    );
  });
});

describe("where the spec came from, and why", () => {
  it("live ESI: its newest compatibility date", async () => {
    const dirs = await tempDirs();
    const told: SpecProvenance[] = [];
    const found = await findSpec({ esiBaseUrl: esi.url, cacheDir: dirs.cacheDir, fallbackFiles: [], onSource: (p) => told.push(p) });
    expect(found.provenance).toEqual({
      source: "live",
      origin: `${esi.url}/meta/openapi.json?compatibility_date=2026-01-01`,
      date: "2026-01-01",
      why: "live ESI's newest compatibility date is 2026-01-01",
      known: [],
    });
    expect(told).toEqual([found.provenance]);
  });

  it("live ESI unreachable: the reason, and the newest local spec, even when it is not the cache's", async () => {
    const dirs = await tempDirs();
    const cached = join(dirs.cacheDir, "2025-12-01-aaaaaaaaaaaa.json");
    await writeFile(cached, await readFile(fixture("openapi-3.0.json")));
    const gone = await startRecordingServer(() => undefined);
    await gone.close();
    const found = await findSpec({ esiBaseUrl: gone.url, cacheDir: dirs.cacheDir, fallbackFiles: [fixture("openapi-3.1.json")], timeoutMs: 2000 });
    expect(found.provenance).toEqual({
      source: "fallback",
      origin: fixture("openapi-3.1.json"),
      date: "2026-01-01",
      why: `live ESI could not be asked (GET /meta/compatibility-dates failed (ECONNREFUSED)): the newest local copy; also known: 2025-12-01 in ${cached}`,
      liveUnreachable: "GET /meta/compatibility-dates failed (ECONNREFUSED)",
      known: [{ date: "2025-12-01", origin: cached }],
    });
    expect(found.kind).toBe("file"); // kept in the cache once it generated
  });

  it("among local specs of one date, the cache's; offline says so", async () => {
    const dirs = await tempDirs();
    const cached = join(dirs.cacheDir, "2026-01-01-bbbbbbbbbbbb.json");
    await writeFile(cached, specBytes);
    const found = await findSpec({ offline: true, cacheDir: dirs.cacheDir, fallbackFiles: [fixture("openapi-3.1.json")] });
    expect(found.provenance).toMatchObject({ source: "cache", origin: cached, why: `--offline: the newest spec kept in the cache; also known: 2026-01-01 in ${fixture("openapi-3.1.json")}` });
    expect(found.provenance.liveUnreachable).toBeUndefined();
  });

  it("--spec older than a spec known elsewhere: the newer one is named", async () => {
    const dirs = await tempDirs();
    const cached = join(dirs.cacheDir, "2026-01-01-cccccccccccc.json");
    await writeFile(cached, specBytes);
    const found = await findSpec({ specFile: fixture("openapi-3.0.json"), cacheDir: dirs.cacheDir, fallbackFiles: [] });
    expect(found.provenance).toEqual({ source: "file", origin: fixture("openapi-3.0.json"), why: "--spec (or ESIKIT_SPEC) names it", known: [{ date: "2026-01-01", origin: cached }] });
    // The file's own date is read when it is parsed: then the warning knows what is newer.
    expect(newerSpecs(found.provenance, "2025-12-01")).toEqual([{ date: "2026-01-01", origin: cached }]);
    expect(newerSpecs(found.provenance, "2026-01-01")).toEqual([]);
  });
});
