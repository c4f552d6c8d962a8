import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generate, type GenerateResult } from "../../scripts/lib/generator.ts";
import { HAVE_REAL_SPECS, NO_SPECS_REASON, specFile } from "../support/spec-files.ts";
import { tempDirs } from "./helpers.ts";

if (!HAVE_REAL_SPECS) console.warn(`skipping the real-spec generator tests: ${NO_SPECS_REASON}`);

// The older formats ESI has published: the legacy Swagger 2.0 spec and the OpenAPI 3.0.3 one. One generation each.
describe.skipIf(!HAVE_REAL_SPECS)("generating from the real legacy Swagger 2.0 spec", () => {
  let result: GenerateResult;
  let table: string;
  beforeAll(async () => {
    const dirs = await tempDirs();
    result = await generate({ specFile: specFile("swagger.json"), offline: true, ...dirs });
    table = await readFile(join(dirs.outDir, "operations.ts"), "utf8");
  }, 60_000);

  it("holds all 204 operations, under basePath /latest", () => {
    expect(result.meta).toMatchObject({ format: "swagger-2.0", operationCount: 204 });
    expect(table).toContain('export const basePath = "/latest" as const;');
    expect(table.match(/^ {2}"[a-z_]+": \{/gm)).toHaveLength(204);
  });

  it("reads evesso scopes, x-cached-seconds and X-Pages paging, without token or datasource", () => {
    const wallet = /^ {2}"get_characters_character_id_wallet": (.*),$/m.exec(table)?.[1];
    expect(JSON.parse(wallet!)).toMatchObject({
      path: "/characters/{character_id}/wallet/",
      scopes: ["esi-wallet.read_character_wallet.v1"],
      cacheSeconds: 120,
      parameters: [{ name: "character_id", in: "path", required: true }],
    });
    const orders = /^ {2}"get_markets_region_id_orders": (.*),$/m.exec(table)?.[1];
    expect(JSON.parse(orders!)).toMatchObject({ paging: "page" });
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
