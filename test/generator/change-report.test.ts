import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compareSpecs, formatChangeReport, reportJson, type ChangeReport } from "../../scripts/lib/change-report.ts";
import { EXIT } from "../../scripts/lib/report/cli.ts";
import { ruleCatalogue } from "../../scripts/lib/report/rules.ts";
import type { OpenApiDocument } from "../../scripts/lib/spec-document.ts";

/** One spec pair per category (test/fixtures/report/<category>.json: { about, before, after }). */
const DIR = fileURLToPath(new URL("../fixtures/report/", import.meta.url));
const pair = (name: string) => JSON.parse(readFileSync(join(DIR, `${name}.json`), "utf8")) as { about: string; before: OpenApiDocument; after: OpenApiDocument };
const reportOf = (name: string) => {
  const { before, after } = pair(name);
  return compareSpecs(before, after);
};

/** Every change of a report as [subject, rule]: the subject is the operation, the component, or "spec". */
function flatten(report: ChangeReport): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const a of report.operations.added) out.push([a.operation.name, "operation-added"]);
  for (const r of report.operations.removed) out.push([r.operation.name, r.change.rule]);
  for (const r of [...report.operations.renamed, ...report.operations.moved]) out.push([r.from.name, r.change.rule]);
  for (const c of report.operations.changed) for (const change of c.changes) out.push([c.operation.name, change.rule]);
  for (const c of report.components) for (const change of c.changes) out.push([c.component, change.rule]);
  for (const change of report.spec) out.push(["spec", change.rule]);
  return out;
}

const STATUS = "GET /status (GetStatus)";
const WALLET = "GET /characters/{character_id}/wallet (GetCharactersCharacterIdWallet)";
const ORDERS = "GET /markets/{region_id}/orders (GetMarketsRegionIdOrders)";
const ROUTE = "POST /route/{origin}/{destination} (PostRoute)";

/**
 * What each pair must report, and nothing else; `lines` are lines the text must hold (whole lines).
 */
const EXPECTED: Record<string, { breaking: boolean; changes: Array<[string, string]>; lines?: string[] }> = {
  "operation-renamed": {
    breaking: true,
    changes: [[STATUS, "operation-renamed"]],
    lines: [
      "  ! GET /status (GetStatus -> GetServerStatus) renamed",
      '      what to do: Calls by name must use GetServerStatus (esi.call("GetServerStatus"), esi.op.GetServerStatus); calls by path are unaffected.',
    ],
  },
  "operation-moved": {
    breaking: true,
    changes: [[STATUS, "operation-moved"]],
    lines: ["  ! GET /status -> GET /server/status (GetStatus) moved"],
  },
  "operation-removed": {
    breaking: true,
    changes: [[STATUS, "operation-removed"]],
    lines: ["  ! GET /status (GetStatus) removed", "      gone with it: schema Status"],
  },
  "operation-added": {
    breaking: false,
    changes: [["GET /alliances (GetAlliances)", "operation-added"]],
    lines: ["Operations added (1, with 2 new schemas as part of them):", "  + GET /alliances (GetAlliances)", "      new schemas AllianceId, AlliancesList"],
  },
  "shared-component": {
    breaking: true,
    changes: [
      ["schemas/Error", "response-field-removed"],
      ["schemas/Error", "response-field-added"],
      ["schemas/Error", "response-field-added"],
    ],
    lines: ["  schema Error, used by 4 operations:", "    ! field `error` removed", "    ~ field `status` added (optional)"],
  },
  "cosmetic-only": { breaking: false, changes: [] },
  "compatibility-date": {
    breaking: false,
    changes: [[STATUS, "operation-compatibility-date-changed"]],
    lines: ["Compatibility date: 2026-01-01 -> 2026-02-01 (sent as X-Compatibility-Date with every call).", "    ~ compatibility date: revised 2026-02-01 (was 2025-08-26)"],
  },
  "response-field-removed": {
    breaking: true,
    changes: [["schemas/Status", "response-field-removed"]],
    lines: ["    ! field `server_version` removed", "        what to do: Stop reading `server_version`."],
  },
  "response-field-renamed": {
    breaking: true,
    changes: [["schemas/Status", "response-field-renamed"]],
    lines: ["    ! field `server_version` renamed to `version`?"],
  },
  "response-field-retyped": {
    breaking: true,
    changes: [["schemas/Status", "response-type-changed"]],
    lines: ["    ! `server_version`: type string -> object", "        what to do: Read `server_version` as object: update the code that uses it."],
  },
  "response-field-now-optional": {
    breaking: true,
    changes: [["schemas/Status", "response-field-now-optional"]],
    lines: ["    ! field `server_version` no longer required", "        what to do: Handle `server_version` being absent."],
  },
  "response-field-nullable": { breaking: true, changes: [["schemas/Status", "response-null-added"]], lines: ["    ! `start_time`: may now be null"] },
  "response-enum-value-added": {
    breaking: true,
    changes: [["schemas/MarketOrder", "response-enum-value-added"]],
    lines: ['    ! `range`: enum value "constellation" added'],
  },
  "request-field-now-required": {
    breaking: true,
    changes: [["schemas/RouteRequest", "request-field-now-required"]],
    lines: ["    ! field `preference` now required", "        what to do: Send `preference` in every call."],
  },
  "parameter-now-required": {
    breaking: true,
    changes: [[ORDERS, "parameter-now-required"]],
    lines: ["    ! query parameter `page`: now required", "        what to do: Pass `page` in every call."],
  },
  "parameter-added-required": { breaking: true, changes: [[ORDERS, "parameter-added-required"]], lines: ["    ! query parameter `type_id`: added (required)"] },
  "request-enum-value-removed": {
    breaking: true,
    changes: [[ORDERS, "request-enum-value-removed"]],
    lines: ['    ! query parameter `order_type`: enum value "all" removed', '        what to do: Stop sending "all" as `order_type`.'],
  },
  "request-constraint-tightened": { breaking: true, changes: [[ORDERS, "request-constraint-tightened"]], lines: ["    ! query parameter `page`: maximum none -> 50"] },
  "scope-added": {
    breaking: true,
    changes: [[WALLET, "scope-added"]],
    lines: ["    ! security: scope esi-markets.read_character_orders.v1 required"],
  },
  "auth-added": { breaking: true, changes: [[STATUS, "auth-added"], [STATUS, "scope-added"]] },
  "roles-added": { breaking: true, changes: [[WALLET, "roles-added"]], lines: ["    ! roles: now needs role Accountant or Director"] },
  "paging-changed": {
    breaking: true,
    changes: [
      [ORDERS, "parameter-removed"],
      [ORDERS, "parameter-added"],
      [ORDERS, "parameter-added"],
      [ORDERS, "paging-changed"],
    ],
    lines: ["    ! paging: page -> cursor"],
  },
  "rate-limit-group-changed": { breaking: true, changes: [[STATUS, "rate-limit-group-changed"]], lines: ["    ! rate limit: group status -> meta"] },
  "scheme-scope-removed": { breaking: true, changes: [["spec", "scheme-scope-removed"]] },
  "request-body-removed": { breaking: true, changes: [[ROUTE, "request-body-removed"]] },
  "parameter-added": { breaking: false, changes: [[ORDERS, "parameter-added"]], lines: ["    ~ query parameter `type_id`: added (optional)"] },
  "response-field-added": { breaking: false, changes: [["schemas/Status", "response-field-added"]] },
  "request-enum-value-added": { breaking: false, changes: [[ORDERS, "request-enum-value-added"]] },
  "response-enum-value-removed": { breaking: false, changes: [["schemas/MarketOrder", "response-enum-value-removed"]] },
  "request-loosened": { breaking: false, changes: [[ORDERS, "parameter-now-optional"], [ORDERS, "request-constraint-loosened"]] },
  "scope-removed": { breaking: false, changes: [[WALLET, "scope-removed"]] },
  "behaviour-relaxed": {
    breaking: false,
    changes: [[STATUS, "rate-limit-budget-changed"], [STATUS, "cache-seconds-changed"]],
    lines: ["    ~ rate limit: 600 per 900 s -> 1200 per 900 s", "    ~ cache: seconds 30 -> 60"],
  },
  "scheme-scope-added": {
    breaking: false,
    changes: [["spec", "scheme-scope-added"]],
    lines: ["  ~ security scheme OAuth2: scope esi-skills.read_skills.v1 added (no operation asks for it yet)"],
  },
  "number-kind-changed": {
    breaking: false,
    changes: [["schemas/MarketOrder", "number-kind-changed"], ["schemas/MarketOrder", "format-changed"]],
    lines: ["    ~ `order_id`: type integer -> number (the same type in TypeScript)"],
  },
  "component-renamed": { breaking: false, changes: [["schemas/ServerStatus", "component-renamed"]], lines: ["    ~ renamed from schema Status"] },
};

describe("the change report, one spec pair per category", () => {
  it("has a fixture for every category and an expectation for every fixture", () => {
    const fixtures = readdirSync(DIR).map((f) => f.replace(/\.json$/, "")).sort();
    expect(fixtures).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: ${pair(name).about}`, () => {
      const report = reportOf(name);
      expect(flatten(report)).toEqual(expected.changes);
      expect(report.breaking).toBe(expected.breaking);
      const text = formatChangeReport(report).split("\n");
      for (const line of expected.lines ?? []) expect(text).toContain(line);
      expect(text[0]).toMatch(expected.breaking ? /^Spec \S+ -> \S+: \d+ breaking changes?/ : /^Spec \S+ -> \S+: no breaking change/);

      // The JSON: version 1, the same content; each breaking change says what to do, and only those.
      const json = JSON.parse(reportJson(report)) as ChangeReport;
      expect(json.version).toBe(1);
      expect(json.breaking).toBe(expected.breaking);
      expect(flatten(json)).toEqual(expected.changes);
      expect(json.cosmetic).toBeUndefined();
      const all = [
        ...json.operations.removed.map((r) => r.change),
        ...json.operations.renamed.map((r) => r.change),
        ...json.operations.moved.map((r) => r.change),
        ...json.operations.changed.flatMap((c) => c.changes),
        ...json.components.flatMap((c) => c.changes),
        ...json.spec,
      ];
      expect(json.counts.breaking).toBe(all.filter((c) => c.level === "breaking").length);
      for (const c of all) {
        if (c.level === "breaking") expect(c.whatToDo, c.rule).toMatch(/^\S.*\.$/);
        else expect(c.whatToDo, c.rule).toBeUndefined();
      }
      expect(text.filter((l) => /^\s+! /.test(l))).toHaveLength(json.counts.breaking);
    });
  }
});

describe("what normalisation sets aside", () => {
  it("is no change, listed only with --verbose (text) and in the JSON only with --verbose", () => {
    const report = reportOf("cosmetic-only");
    expect(report.counts).toMatchObject({ breaking: 0, nonBreaking: 0 });
    expect(report.counts.cosmetic).toBeGreaterThan(0);
    expect(formatChangeReport(report)).toContain(`(${report.counts.cosmetic} cosmetic differences set aside`);
    const verbose = formatChangeReport(report, { verbose: true });
    for (const line of ["  GET /status (GetStatus):", "    · /summary: changed", "    · /x-cache-mode: added", "    · /required (order): order changed", "    · /properties/range/enum (order): order changed"]) {
      expect(verbose.split("\n")).toContain(line);
    }
    const json = JSON.parse(reportJson(report, { verbose: true })) as ChangeReport;
    expect(json.cosmetic!.flatMap((c) => c.changes).length).toBe(report.counts.cosmetic);
    expect(json.cosmetic!.every((c) => c.changes.every((change) => change.level === "cosmetic"))).toBe(true);
  });

  it("a reordered list whose values also changed is the change, not an order change", () => {
    const report = reportOf("request-enum-value-added");
    expect(report.cosmetic).toEqual([]);
  });
});

describe("a shared component's change", () => {
  it("is said once, with the operations that use it, and not repeated on any of them", () => {
    const report = reportOf("shared-component");
    expect(report.operations.changed).toEqual([]);
    expect(report.components).toHaveLength(1);
    expect(report.components[0]).toMatchObject({
      component: "schemas/Error",
      status: "changed",
      usedBy: 4,
      operations: [WALLET, ORDERS, ROUTE, STATUS].sort(),
    });
    expect(formatChangeReport(report, { verbose: true })).toContain(`      ${[WALLET, ORDERS, ROUTE, STATUS].sort().join("\n      ")}`);
  });

  it("used only in requests is judged as a request (a field added as required breaks the senders)", () => {
    const { before } = pair("request-field-now-required");
    const after = structuredClone(before) as OpenApiDocument & { components: { schemas: Record<string, { properties: object; required?: string[] }> } };
    after.components.schemas.RouteRequest!.properties = { ...after.components.schemas.RouteRequest!.properties, avoid_stations: { type: "array", items: { type: "integer" } } };
    after.components.schemas.RouteRequest!.required = ["avoid_stations"];
    const report = compareSpecs(before, after);
    expect(flatten(report)).toEqual([["schemas/RouteRequest", "request-field-added-required"]]);
    expect(report.components[0]!.changes[0]!.whatToDo).toBe("Send `avoid_stations` in every call.");
  });

  it("no operation uses cannot break a call", () => {
    const { before } = pair("response-field-removed");
    const lone = structuredClone(before) as OpenApiDocument & { components: { schemas: Record<string, unknown> } };
    lone.components.schemas.Unused = { type: "object", properties: { a: { type: "string" } } };
    const after = structuredClone(lone);
    after.components.schemas.Unused = { type: "object", properties: {} };
    const report = compareSpecs(lone, after);
    expect(report.components).toMatchObject([{ component: "schemas/Unused", usedBy: 0, changes: [{ rule: "response-field-removed", level: "non-breaking" }] }]);
    expect(report.breaking).toBe(false);
  });
});

describe("docs/change-report.md", () => {
  const doc = readFileSync(fileURLToPath(new URL("../../docs/change-report.md", import.meta.url)), "utf8");

  it("lists every rule with its level, and no rule that does not exist", () => {
    const documented = [...doc.matchAll(/^\| `([a-z-]+)` \| (breaking|non-breaking|cosmetic) \|/gm)].map((m) => ({ rule: m[1], level: m[2] }));
    expect(documented).toEqual(ruleCatalogue());
  });

  it("documents every exit code the generator uses", () => {
    for (const [name, code] of Object.entries(EXIT)) expect(doc, name).toMatch(new RegExp(`^\\| ${code} \\| `, "m"));
  });
});
