import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { defineGeneration } from "../../src/generation.ts";
import { generate } from "../../scripts/lib/generator.ts";
import { fixture, importTable, tempDir, tempDirs, typeErrors } from "./helpers.ts";

/** operationIds that are names on Object.prototype: a plain object or an object literal loses or mangles them. */
const IDS = ["GetStatus", "__proto__", "constructor", "hasOwnProperty", "toString", "valueOf"];

describe("operationIds named like Object.prototype's members", () => {
  let dirs: Awaited<ReturnType<typeof tempDirs>>;
  beforeAll(async () => {
    dirs = await tempDirs();
    await generate({ specFile: fixture("prototype-ids.json"), offline: true, ...dirs });
  }, 60_000);

  it("are all own keys of the emitted table, which keeps its ordinary prototype", async () => {
    const { operations } = await importTable(dirs.outDir);
    expect(Object.keys(operations).sort()).toEqual([...IDS].sort());
    expect(Object.hasOwn(operations, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(operations)).toBe(Object.prototype);
    expect(operations["__proto__"]!.path).toBe("/things/1/{thing_id}");
    expect(operations["constructor"]!.summary).toBe("Operation named constructor");
  });

  it("are found by id and by route once bound with defineGeneration", async () => {
    const { meta, operations } = await importTable(dirs.outDir);
    const generation = defineGeneration({ ...meta, operations });
    expect([...generation.operationIds].sort()).toEqual([...IDS].sort());
    for (const id of IDS) expect(generation.operationById(id)?.operationId, id).toBe(id);
    expect(generation.operationForRoute("get", "/things/0/{thing_id}")?.operationId).toBe("constructor");
  });

  it("are typed keys of the declarations", async () => {
    const check = join(await tempDir("proto-check"), "check.ts");
    await writeFile(
      check,
      `import { operations, type OperationId } from ${JSON.stringify(join(dirs.outDir, "operations.js"))};
import type { operations as Ops } from ${JSON.stringify(join(dirs.outDir, "esi.d.ts"))};
export const ids: OperationId[] = ${JSON.stringify(IDS)};
export const path: "/things/1/{thing_id}" = operations["__proto__"].path;
export const ctor: "/things/0/{thing_id}" = operations.constructor.path;
export type CtorParams = Ops["constructor"]["parameters"]["path"]["thing_id"];
export const n: CtorParams = 1;
`,
    );
    expect(typeErrors([check], { only: [check, dirs.outDir] })).toBe("");
  });

  it("survive a regeneration from a changed spec (the manifest and the report key them too)", async () => {
    const spec = JSON.parse(await readFile(fixture("prototype-ids.json"), "utf8"));
    spec.info.version = "2026-04-01";
    delete spec.paths["/things/4/{thing_id}"]; // valueOf removed
    const next = join(await tempDir("proto-spec"), "next.json");
    await writeFile(next, JSON.stringify(spec));
    const result = await generate({ specFile: next, offline: true, ...dirs });
    expect(result.status).toBe("generated");
    if (result.status !== "generated") return;
    expect(result.report.operations.removed.map((r) => r.operation.name)).toEqual(["GET /things/4/{thing_id} (valueOf)"]);
    expect(result.report.operations.changed).toEqual([]);
    expect(Object.keys((await importTable(dirs.outDir)).operations).sort()).toEqual(IDS.filter((i) => i !== "valueOf").sort());
  });
});
