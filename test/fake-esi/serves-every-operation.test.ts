import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { SpecValidators } from "../../src/validation/spec-validators.ts";
import { SPEC_PATH, concretePath } from "./spec-path.ts";

let fake: FakeEsi;
let validators: SpecValidators;

beforeAll(async () => {
  fake = await startFakeEsi({ spec: SPEC_PATH, rateLimit: false, errorLimit: { limit: 1_000_000 } });
  validators = new SpecValidators(SPEC_PATH);
});
afterAll(() => fake.close());

describe("the fake ESI serves the whole spec", () => {
  it("answers all 225 operations with a body valid against the operation's schema", async () => {
    expect(fake.operations).toHaveLength(225);
    const failures: string[] = [];
    // A few at a time: quick, without opening 225 sockets at once.
    const queue = [...fake.operations];
    const worker = async () => {
      for (let op = queue.shift(); op; op = queue.shift()) {
        const response = await fetch(`${fake.url}${concretePath(op)}`, {
          method: op.method,
          headers: { Authorization: "Bearer test-token", "Content-Type": "application/json" },
          body: op.method === "GET" || op.method === "DELETE" ? undefined : "[]",
        });
        if (response.status !== op.successStatus) {
          failures.push(`${op.operationId}: status ${response.status}, expected ${op.successStatus}`);
          continue;
        }
        const text = await response.text();
        const validate = validators.forRoute(op.method, op.path);
        if (!validate) {
          if (text !== "") failures.push(`${op.operationId}: a body where the spec has none`);
          continue;
        }
        if (!validate(JSON.parse(text))) failures.push(`${op.operationId}: ${JSON.stringify(validate.errors?.[0])}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(failures).toEqual([]);
  });

  it("sends ESI's headers: error limit on every answer, cache headers from x-cache-age, rate-limit headers", async () => {
    const op = fake.operations.find((o) => o.operationId === "GetCharactersCharacterIdWalletJournal")!;
    const response = await fetch(`${fake.url}/characters/90000001/wallet/journal`, { headers: { Authorization: "Bearer t" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("x-esi-error-limit-remain")).toMatch(/^\d+$/);
    expect(response.headers.get("x-esi-error-limit-reset")).toMatch(/^\d+$/);
    expect(response.headers.get("cache-control")).toBe(`public, max-age=${op.cacheSeconds}`);
    const expires = Date.parse(response.headers.get("expires")!) - Date.parse(response.headers.get("date")!);
    expect(Math.abs(expires - op.cacheSeconds! * 1000)).toBeLessThanOrEqual(1000);
    expect(response.headers.get("etag")).toMatch(/^".+"$/);
    expect(response.headers.get("last-modified")).not.toBeNull();
    expect(response.headers.get("x-pages")).toBe("1");
    // The spec's wallet routes are not rate limited here; a rate-limited op gets the four headers.
    const limited = fake.operations.find((o) => o.rateLimit && o.method === "GET" && o.pathParams.length === 0)!;
    fake.set({ rateLimit: undefined });
    const r2 = await fetch(`${fake.url}${concretePath(limited)}`);
    expect(r2.headers.get("x-ratelimit-group")).toBe(limited.rateLimit!.group);
    expect(r2.headers.get("x-ratelimit-limit")).toBe(`${limited.rateLimit!.maxTokens}/15m`);
    expect(r2.headers.get("x-ratelimit-used")).toBe("2");
    expect(r2.headers.get("x-ratelimit-remaining")).toBe(String(limited.rateLimit!.maxTokens - 2));
  });
});
