import { beforeAll, describe, expect, it } from "vitest";
import { generate, type GenerateResult } from "../../scripts/lib/generator.ts";
import { HAVE_REAL_SPECS, NO_SPECS_REASON, specFile } from "../support/spec-files.ts";
import { importTable, tempDirs, type OperationRowOut } from "./helpers.ts";

if (!HAVE_REAL_SPECS) console.warn(`skipping the real-spec generator tests: ${NO_SPECS_REASON}`);

// The older formats ESI has published: the legacy Swagger 2.0 spec and the OpenAPI 3.0.3 one. One generation each.
describe.skipIf(!HAVE_REAL_SPECS)("generating from the real legacy Swagger 2.0 spec", () => {
  let result: GenerateResult;
  let table: Awaited<ReturnType<typeof importTable>>;
  beforeAll(async () => {
    const dirs = await tempDirs();
    result = await generate({ specFile: specFile("swagger.json"), offline: true, ...dirs });
    table = await importTable(dirs.outDir);
  }, 60_000);

  it("holds all 204 operations, under basePath /latest", () => {
    expect(result.meta).toMatchObject({ format: "swagger-2.0", operationCount: 204 });
    expect(table.meta.basePath).toBe("/latest");
    expect(Object.keys(table.operations)).toHaveLength(204);
  });

  it("reads evesso scopes, x-cached-seconds and X-Pages paging, without token or datasource", () => {
    const wallet: OperationRowOut = table.operations.get_characters_character_id_wallet!;
    expect(wallet).toMatchObject({ path: "/characters/{character_id}/wallet/", scopes: ["esi-wallet.read_character_wallet.v1"], cacheSeconds: 120 });
    expect(wallet.parameters.filter((p) => !p.clientFilled)).toEqual([
      { name: "character_id", in: "path", required: true, schema: { type: "integer", format: "int32", minimum: 1 } },
    ]);
    expect(wallet.parameters.filter((p) => p.clientFilled).map((p) => p.name).sort()).toEqual(["If-None-Match", "datasource", "token"]);
    expect(table.operations.get_markets_region_id_orders).toMatchObject({ paging: "page" });
  });
});

describe.skipIf(!HAVE_REAL_SPECS)("generating from the real OpenAPI 3.0.3 spec", () => {
  it("holds all 219 operations", async () => {
    const dirs = await tempDirs();
    const result = await generate({ specFile: specFile("openapi-3.0.3-2026-07-17.json"), offline: true, ...dirs });
    expect(result.status).toBe("generated");
    expect(result.meta).toMatchObject({ format: "openapi-3.0", specDate: "2026-07-17", operationCount: 219 });
  }, 60_000);
});
