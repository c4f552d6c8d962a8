import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { formatChangeReport } from "../../scripts/lib/change-report.ts";
import { generate, type GenerateResult } from "../../scripts/lib/generator.ts";
import { HAVE_REAL_SPECS, NO_SPECS_REASON, specFile } from "../support/spec-files.ts";
import { importTable, tempDirs } from "./helpers.ts";

if (!HAVE_REAL_SPECS) console.warn(`skipping the real-spec generator tests: ${NO_SPECS_REASON}`);

interface Row {
  scopes: string[];
  rateLimit: { group: string; maxTokens: number; windowSeconds: number } | null;
  paging: string | null;
}

// One generation of the 2026-07-21 spec, then one of the 2026-08-04 spec into the same folder (the way a user
// upgrades), shared by every test here: each real generation takes seconds.
describe.skipIf(!HAVE_REAL_SPECS)("generating from the real ESI OpenAPI 3.1 spec", () => {
  let upgrade: GenerateResult;
  let operations: Record<string, Row>;
  let outDir: string;
  beforeAll(async () => {
    const dirs = await tempDirs();
    outDir = dirs.outDir;
    await generate({ specFile: specFile("openapi-2026-07-21.json"), offline: true, ...dirs });
    upgrade = await generate({ specFile: specFile("openapi.json"), offline: true, ...dirs });
    ({ operations } = (await importTable(outDir)) as unknown as { operations: Record<string, Row> });
  }, 60_000);

  const op = (id: string): Row => {
    const row = operations[id];
    if (!row) throw new Error(`${id} is not in the generated table`);
    return row;
  };

  it("puts all 225 operations in the table", async () => {
    expect(upgrade.meta).toMatchObject({ specDate: "2026-08-04", format: "openapi-3.1", operationCount: 225 });
    const source = JSON.parse(await readFile(specFile("openapi.json"), "utf8"));
    const ids = Object.values(source.paths as Record<string, Record<string, { operationId?: string }>>)
      .flatMap((item) => Object.values(item).map((o) => o.operationId))
      .filter((id): id is string => typeof id === "string");
    expect(Object.keys(operations).sort()).toEqual(ids.sort());
  });

  it("lists every parameter of every operation, headers included, with its schema resolved and the client's headers marked", async () => {
    const source = JSON.parse(await readFile(specFile("openapi.json"), "utf8"));
    const resolve = (value: { $ref?: string }) => {
      let target = value;
      while (target.$ref) target = target.$ref.slice(2).split("/").reduce((o: any, k) => o[k], source);
      return target as { name: string; in: string; required?: boolean; schema?: object };
    };
    let headers = 0;
    for (const item of Object.values(source.paths) as Array<Record<string, { operationId: string; parameters?: Array<{ $ref?: string }> }>>) {
      for (const op of Object.values(item)) {
        const expected = (op.parameters ?? []).map(resolve).map((p) => `${p.in}:${p.name}:${p.required === true}`);
        const row = operations[op.operationId] as unknown as { parameters: Array<{ name: string; in: string; required: boolean; schema?: object; clientFilled?: boolean }> };
        expect(row.parameters.map((p) => `${p.in}:${p.name}:${p.required}`), op.operationId).toEqual(expected);
        for (const p of row.parameters) {
          expect(JSON.stringify(p.schema ?? {}), `${op.operationId} ${p.name}`).not.toContain("$ref");
          expect(p.clientFilled === true, `${op.operationId} ${p.name}`).toBe(p.in === "header");
          if (p.in === "header") headers++;
        }
      }
    }
    expect(headers).toBeGreaterThan(1000);
    const status = operations.GetStatus as unknown as { parameters: Array<{ name: string; schema?: { enum?: unknown[] } }> };
    expect(status.parameters.find((p) => p.name === "Accept-Language")?.schema?.enum).toEqual(["en", "de", "fr", "ja", "ru", "zh", "ko", "es"]);
  });

  it("knows the wallet's scope and rate-limit group", () => {
    expect(op("GetCharactersCharacterIdWallet")).toMatchObject({
      scopes: ["esi-wallet.read_character_wallet.v1"],
      rateLimit: { group: "char-wallet", maxTokens: 150, windowSeconds: 900 },
    });
  });

  it("knows how each listing pages", () => {
    expect(op("GetMarketsRegionIdOrders").paging).toBe("page");
    expect(op("GetFreelanceJobsListing").paging).toBe("cursor");
    expect(op("GetCharactersCharacterIdWalletTransactions").paging).toBe("from_id");
    expect(op("GetCharactersCharacterIdWallet").paging).toBeNull();
  });

  it("reports the six Military Campaigns operations added since 2026-07-21 and nothing removed", () => {
    if (upgrade.status !== "generated") throw new Error(`expected a generation, got ${upgrade.status}`);
    expect(upgrade.previous?.specDate).toBe("2026-07-21");
    // The whole report for this pair is checked in report-real.test.ts; here, that the generator made it.
    expect(upgrade.report.operations.added.map((a) => a.operation.operationId).sort()).toEqual([
      "GetCharactersMilitaryCampaignsObjectivesListing",
      "GetCharactersMilitaryCampaignsObjectivesParticipation",
      "GetMilitaryCampaignsDetail",
      "GetMilitaryCampaignsListing",
      "GetMilitaryCampaignsObjectivesDetail",
      "GetMilitaryCampaignsObjectivesListing",
    ]);
    expect(upgrade.report.operations.removed).toEqual([]);
    expect(formatChangeReport(upgrade.report)).toMatch(/^Spec 2026-07-21 -> 2026-08-04: no breaking change, 6 operations added, 1 other change\./);
  });
});
