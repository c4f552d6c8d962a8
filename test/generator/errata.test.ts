import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { applyErrata, loadErrata, type Erratum } from "../../scripts/lib/errata.ts";
import { generate } from "../../scripts/lib/generator.ts";
import { buildOperationTable } from "../../scripts/lib/operation-table.ts";
import type { OpenApiDocument } from "../../scripts/lib/spec-document.ts";
import { SpecError } from "../../scripts/lib/spec-error.ts";
import { fixture, importTable, tempDir, tempDirs } from "./helpers.ts";

const fixtureDoc = async (): Promise<OpenApiDocument> => JSON.parse(await readFile(fixture("openapi-3.1.json"), "utf8"));

/** ESI caches GetStatus for 30 s though the fixture spec declares no x-cache-age: the kind of gap an erratum fills. */
const statusCache: Erratum = {
  id: "status-cache",
  description: "GET /status answers with Expires 30 s ahead; the spec declares no x-cache-age.",
  patch: [
    { op: "test", path: "/paths/~1status/get/operationId", value: "GetStatus" },
    { op: "test", path: "/paths/~1status/get/responses/200/description", value: "ok" },
    { op: "add", path: "/paths/~1status/get/x-cache-age", value: 30 },
  ],
};
/** Guards a value the spec no longer has: CCP fixed it, so the erratum must not apply. */
const alreadyFixed: Erratum = {
  id: "wallet-cache",
  description: "The wallet was cached 999 s; a later spec says 120 s.",
  patch: [
    { op: "test", path: "/paths/~1characters~1{character_id}~1wallet/get/x-cache-age", value: 999 },
    { op: "replace", path: "/paths/~1characters~1{character_id}~1wallet/get/x-cache-age", value: 60 },
  ],
};

describe("applyErrata", () => {
  it("applies an erratum whose tests hold, and skips one whose tests no longer hold", async () => {
    const doc = await fixtureDoc();
    const result = applyErrata(doc, [statusCache, alreadyFixed], "openapi-3.1");
    expect(result).toEqual({
      applied: ["status-cache"],
      skipped: [{ id: "wallet-cache", reason: "its test does not hold (/paths/~1characters~1{character_id}~1wallet/get/x-cache-age): the spec changed there" }],
    });
    const rows = new Map(buildOperationTable(doc).map((r) => [r.operationId, r]));
    expect(rows.get("GetStatus")?.cacheSeconds).toBe(30);
    expect(rows.get("GetCharactersCharacterIdWallet")?.cacheSeconds).toBe(120);
  });

  it("skips an erratum written for another format", async () => {
    const doc = await fixtureDoc();
    const result = applyErrata(doc, [{ ...statusCache, appliesTo: ["swagger-2.0"] }], "openapi-3.1");
    expect(result).toEqual({ applied: [], skipped: [{ id: "status-cache", reason: "written for swagger-2.0" }] });
    expect(doc.paths["/status"]!.get).not.toHaveProperty("x-cache-age");
  });

  it("skips an erratum once the spec has what it adds (its `absent` pointers), and one whose guard leads nowhere", async () => {
    const doc = await fixtureDoc();
    const fixedUpstream: Erratum = { ...statusCache, id: "status-cache-fixed", absent: ["/paths/~1status/get/responses/200/description"] };
    const elsewhere: Erratum = { ...statusCache, id: "other-spec", patch: [{ op: "test", path: "/paths/~1nowhere/get/operationId", value: "X" }, ...statusCache.patch] };
    expect(applyErrata(doc, [fixedUpstream, elsewhere], "openapi-3.1")).toEqual({
      applied: [],
      skipped: [
        { id: "status-cache-fixed", reason: "no longer needed (the spec now has /paths/~1status/get/responses/200/description)" },
        { id: "other-spec", reason: "does not apply to this spec (/paths/~1nowhere/get/operationId is not in it)" },
      ],
    });
    expect(doc).toEqual(await fixtureDoc());
    const stillMissing: Erratum = { ...statusCache, absent: ["/paths/~1status/get/x-cache-age"] };
    expect(applyErrata(doc, [stillMissing], "openapi-3.1").applied).toEqual(["status-cache"]);
  });

  it("refuses a patch that cannot apply, naming the erratum, and changes nothing", async () => {
    const doc = await fixtureDoc();
    const broken: Erratum = {
      id: "broken",
      description: "points at a route that is not there",
      patch: [{ op: "replace", path: "/paths/~1nowhere/get/summary", value: "x" }],
    };
    expect(() => applyErrata(doc, [broken], "openapi-3.1")).toThrow(SpecError);
    expect(() => applyErrata(doc, [broken], "openapi-3.1")).toThrow(/erratum broken cannot apply/);
    expect(doc).toEqual(await fixtureDoc());
  });
});

describe("loadErrata", () => {
  it("reads the .json files of a folder in name order, the file name as the id", async () => {
    const dir = await tempDir("errata");
    await writeFile(join(dir, "b-second.json"), JSON.stringify({ description: "b", patch: [] }));
    await writeFile(join(dir, "a-first.json"), JSON.stringify({ description: "a", patch: [] }));
    await writeFile(join(dir, "README.md"), "not an erratum");
    const { errata } = await loadErrata(dir);
    expect(errata.map((e) => e.id)).toEqual(["a-first", "b-second"]);
  });

  it("names the file that is not JSON or lacks a description or patch", async () => {
    const dir = await tempDir("errata-bad");
    await writeFile(join(dir, "x.json"), "{ nope");
    await expect(loadErrata(dir)).rejects.toThrow(new RegExp(`erratum ${join(dir, "x.json")} is not valid JSON`));
    await writeFile(join(dir, "x.json"), JSON.stringify({ patch: [] }));
    await expect(loadErrata(dir)).rejects.toThrow(/needs a "description" and a "patch" array/);
    await writeFile(join(dir, "x.json"), JSON.stringify({ description: "d", patch: [], absent: ["paths/x"] }));
    await expect(loadErrata(dir)).rejects.toThrow(/"absent" must be a list of JSON pointers/);
  });

  it("finds no errata in a folder that does not exist", async () => {
    expect((await loadErrata(join(await tempDir("errata-none"), "missing"))).errata).toEqual([]);
  });
});

describe("errata in a generation", () => {
  it("are applied, reported in meta.json, and editing one regenerates", async () => {
    const dirs = await tempDirs();
    await writeFile(join(dirs.errataDir, "status-cache.json"), JSON.stringify(statusCache));
    await writeFile(join(dirs.errataDir, "wallet-cache.json"), JSON.stringify(alreadyFixed));
    const first = await generate({ specFile: fixture("openapi-3.1.json"), offline: true, ...dirs });
    expect(first.meta?.errata.applied).toEqual(["status-cache"]);
    expect(first.meta?.errata.skipped.map((s) => s.id)).toEqual(["wallet-cache"]);
    const { meta, operations } = await importTable(dirs.outDir);
    expect(operations.GetStatus!.cacheSeconds).toBe(30);
    expect(meta.errata).toEqual(["status-cache"]);

    await writeFile(join(dirs.errataDir, "status-cache.json"), JSON.stringify({ ...statusCache, patch: statusCache.patch.slice(0, 2) }));
    const second = await generate({ specFile: fixture("openapi-3.1.json"), offline: true, ...dirs });
    expect(second.status).toBe("generated");
    expect((await importTable(dirs.outDir)).operations.GetStatus!.cacheSeconds).toBeNull();
  });

  it("every erratum shipped in scripts/errata is documented and guarded by a leading test op", async () => {
    const { errata } = await loadErrata(fileURLToPath(new URL("../../scripts/errata/", import.meta.url)));
    for (const erratum of errata) {
      expect(erratum.description.length, `${erratum.id} needs a description`).toBeGreaterThan(20);
      expect(erratum.patch[0]?.op, `${erratum.id} must start with a "test" guard`).toBe("test");
      expect(erratum.evidence?.length, `${erratum.id} needs its evidence`).toBeGreaterThan(0);
    }
  });
});
