import { describe, expect, it } from "vitest";
import { compareOperations, formatChangeReport } from "../../scripts/lib/change-report.ts";
import type { OperationFingerprint } from "../../scripts/lib/fingerprints.ts";

const base: OperationFingerprint = {
  method: "get",
  path: "/status",
  parameters: { "query:page": "optional:aaa" },
  requestBody: null,
  responses: { "200": "bbb" },
  scopes: [],
};

describe("compareOperations", () => {
  it("says a route moved, and when a body came or went", () => {
    const report = compareOperations(
      { A: base, B: { ...base, method: "post", requestBody: "ccc" } },
      { A: { ...base, path: "/status/v2", requestBody: "ddd" }, B: { ...base, method: "post", requestBody: null } },
    );
    expect(report.changed).toEqual([
      { operationId: "A", changes: ["moved from GET /status to GET /status/v2", "request body added"] },
      { operationId: "B", changes: ["request body removed"] },
    ]);
  });

  it("reports a parameter that is required now and also changed its schema, and a response whose schema changed", () => {
    const report = compareOperations({ A: base }, { A: { ...base, parameters: { "query:page": "required:zzz" }, responses: { "200": "yyy" } } });
    expect(report.changed[0]?.changes).toEqual(["parameter query:page now required", "parameter query:page schema changed", "response 200 schema changed"]);
  });

  it("does not call behaviour changed when the older meta.json had none recorded", () => {
    const now = { ...base, behaviour: { paging: "page", "cache seconds": "300", "rate limit": "none", roles: "none" } };
    expect(compareOperations({ A: base }, { A: now })).toEqual({ added: [], removed: [], changed: [] });
    expect(formatChangeReport(compareOperations({ A: base }, { A: now }))).toBe("No operation changed.");
  });
});
