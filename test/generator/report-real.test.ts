import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { compareSpecs, formatChangeReport, reportJson, type ChangeReport } from "../../scripts/lib/change-report.ts";
import type { OpenApiDocument } from "../../scripts/lib/spec-document.ts";
import { HAVE_REAL_SPECS, NO_SPECS_REASON, specFile } from "../support/spec-files.ts";

if (!HAVE_REAL_SPECS) console.warn(`skipping the real-spec change report tests: ${NO_SPECS_REASON}`);

const load = async (name: string) => JSON.parse(await readFile(specFile(name), "utf8")) as OpenApiDocument;
const schemaNames = (doc: OpenApiDocument) => Object.keys((doc.components?.schemas ?? {}) as object);

describe.skipIf(!HAVE_REAL_SPECS)("the change report from ESI's 2026-07-21 spec to 2026-08-04", () => {
  let before: OpenApiDocument;
  let after: OpenApiDocument;
  let report: ChangeReport;
  beforeAll(async () => {
    before = await load("openapi-2026-07-21.json");
    after = await load("openapi.json");
    report = compareSpecs(before, after);
  });

  it("says exactly: six operations added, one scope added to the OAuth2 scheme, the compatibility date; nothing else", () => {
    expect(report.compatibilityDate).toEqual({ from: "2026-07-21", to: "2026-08-04" });
    expect(report.operations.added.map((a) => a.operation.name)).toEqual([
      "GET /characters/{character_id}/military-campaigns/objectives (GetCharactersMilitaryCampaignsObjectivesListing)",
      "GET /characters/{character_id}/military-campaigns/objectives/{objective_id} (GetCharactersMilitaryCampaignsObjectivesParticipation)",
      "GET /military-campaigns (GetMilitaryCampaignsListing)",
      "GET /military-campaigns/{campaign_id} (GetMilitaryCampaignsDetail)",
      "GET /military-campaigns/{campaign_id}/objectives (GetMilitaryCampaignsObjectivesListing)",
      "GET /military-campaigns/{campaign_id}/objectives/{objective_id} (GetMilitaryCampaignsObjectivesDetail)",
    ]);
    expect(report.operations).toMatchObject({ removed: [], renamed: [], moved: [], changed: [] });
    expect(report.components).toEqual([]);
    expect(report.spec).toEqual([
      {
        rule: "scheme-scope-added",
        level: "non-breaking",
        where: "security scheme OAuth2",
        text: "scope esi.cosmetic.char:read added (no operation asks for it yet)",
      },
    ]);
    expect(report.breaking).toBe(false);
    expect(report.counts).toEqual({
      breaking: 0,
      nonBreaking: 7,
      cosmetic: 2,
      operations: { added: 6, removed: 0, renamed: 0, moved: 0, changed: 0 },
    });
  });

  it("folds the ten new schemas into the operations that brought them", () => {
    const added = new Set(schemaNames(after).filter((name) => !schemaNames(before).includes(name)));
    expect(added.size).toBe(10);
    const folded = new Set(report.operations.added.flatMap((a) => a.newComponents));
    expect([...folded].sort()).toEqual([...added].map((n) => `schemas/${n}`).sort());
    expect(report.operations.added.find((a) => a.operation.operationId === "GetMilitaryCampaignsListing")?.newComponents).toEqual([
      "schemas/MilitaryCampaignsDetailCampaign",
      "schemas/MilitaryCampaignsListing",
    ]);
  });

  it("prints this, for a person", () => {
    expect(formatChangeReport(report)).toBe(
      [
        "Spec 2026-07-21 -> 2026-08-04: no breaking change, 6 operations added, 1 other change.",
        "Compatibility date: 2026-07-21 -> 2026-08-04 (sent as X-Compatibility-Date with every call).",
        "Operations: 6 added, 0 removed, 0 renamed, 0 moved, 0 changed.",
        "",
        "Operations added (6, with 10 new schemas as part of them):",
        "  + GET /characters/{character_id}/military-campaigns/objectives (GetCharactersMilitaryCampaignsObjectivesListing)",
        "      needs esi.activity.char:read; new schemas CharactersMilitaryCampaignsObjectivesListing, CharactersMilitaryCampaignsObjectivesParticipationCharacterobjective",
        "  + GET /characters/{character_id}/military-campaigns/objectives/{objective_id} (GetCharactersMilitaryCampaignsObjectivesParticipation)",
        "      needs esi.activity.char:read; new schema CharactersMilitaryCampaignsObjectivesParticipation",
        "  + GET /military-campaigns (GetMilitaryCampaignsListing)",
        "      new schemas MilitaryCampaignsDetailCampaign, MilitaryCampaignsListing",
        "  + GET /military-campaigns/{campaign_id} (GetMilitaryCampaignsDetail)",
        "      new schema MilitaryCampaignsDetail",
        "  + GET /military-campaigns/{campaign_id}/objectives (GetMilitaryCampaignsObjectivesListing)",
        "      new schemas MilitaryCampaignsObjectivesDetailObjective, MilitaryCampaignsObjectivesDetailParticipants, MilitaryCampaignsObjectivesListing",
        "  + GET /military-campaigns/{campaign_id}/objectives/{objective_id} (GetMilitaryCampaignsObjectivesDetail)",
        "      new schemas MilitaryCampaignsObjectivesDetail, MilitaryCampaignsObjectivesDetailParticipants",
        "",
        "Spec:",
        "  ~ security scheme OAuth2: scope esi.cosmetic.char:read added (no operation asks for it yet)",
        "",
        "(2 cosmetic differences set aside: descriptions, examples, order, unread x- keys; --verbose lists them.)",
      ].join("\n"),
    );
  });

  it("sets aside only the title and the tag list, and says so with --verbose", () => {
    const verbose = formatChangeReport(report, { verbose: true });
    expect(verbose).toContain("Set aside by normalisation (not changes for an app):\n  spec:\n    · /info/title: changed\n    · /tags: changed");
    const json = JSON.parse(reportJson(report, { verbose: true })) as ChangeReport;
    expect(json.cosmetic).toEqual([
      {
        subject: "spec",
        changes: [
          { rule: "cosmetic", level: "cosmetic", where: "/info/title", text: "changed" },
          { rule: "cosmetic", level: "cosmetic", where: "/tags", text: "changed" },
        ],
      },
    ]);
  });

  it("is the same the other way round, as removals that break", () => {
    const back = compareSpecs(after, before);
    expect(back.operations.removed).toHaveLength(6);
    expect(back.spec.map((c) => [c.rule, c.level])).toEqual([["scheme-scope-removed", "breaking"]]);
    expect(back.counts.breaking).toBe(7);
    expect(back.components).toEqual([]);
    expect(back.operations.removed.flatMap((r) => r.removedComponents)).toContain("schemas/MilitaryCampaignsListing");
  });
});

describe.skipIf(!HAVE_REAL_SPECS)("the change report across a format change (3.0.3 of 2026-07-17 to 3.1 of 2026-07-21)", () => {
  let report: ChangeReport;
  beforeAll(async () => {
    report = compareSpecs(await load("openapi-3.0.3-2026-07-17.json"), await load("openapi-2026-07-21.json"));
  });

  it("says the Error schema's new field once, naming Error and how many operations use it, and on no operation", () => {
    const error = report.components.find((c) => c.component === "schemas/Error");
    expect(error).toMatchObject({ status: "changed", usedBy: 217, changes: [{ rule: "response-field-added", text: "field `status` added (optional)" }] });
    const lines = formatChangeReport(report).split("\n");
    expect(lines).toContain("  schema Error, used by 217 operations:");
    expect(lines.filter((l) => l.includes("default"))).toEqual([]);
  });

  it("reads 3.0's nullable and 3.1's type lists alike: no operation's body is called changed for it", () => {
    const bodies = report.operations.changed.flatMap((c) => c.changes).filter((c) => c.where.startsWith("response") || c.where.startsWith("request"));
    expect(bodies).toEqual([]);
  });

  it("tells a field that became required from one that no longer is, and finds the likely rename", () => {
    const corporation = report.components.find((c) => c.component === "schemas/CorporationsDetail")!;
    const rules = corporation.changes.map((c) => `${c.rule} ${c.field}`);
    expect(rules).toContain("response-field-renamed faction_id");
    expect(rules).toContain("response-field-removed tax_rate");
    expect(rules).toContain("response-field-now-optional ceo_id");
    expect(rules).toContain("response-field-now-required shares");
  });
});
