import { describe, expect, it } from "vitest";
import { EsiUsageError } from "../../src/errors.ts";
import { checkParameter, checkParameters } from "../../src/params/check-parameters.ts";
import { ESI_HEADERS, operation, ORDERS, parameter } from "./operations.ts";

/** The message checkParameters throws, or "ok". */
function verdict(op: Parameters<typeof checkParameters>[0], args: Record<string, unknown>): string {
  try {
    checkParameters(op, args);
    return "ok";
  } catch (error) {
    expect(error).toBeInstanceOf(EsiUsageError);
    return (error as Error).message;
  }
}

const one = (schema: Parameters<typeof parameter>[1], extra: Parameters<typeof parameter>[2] = {}) => operation("Op", [parameter("p", schema, extra)]);
const check = (schema: Parameters<typeof parameter>[1], value: unknown, extra: Parameters<typeof parameter>[2] = {}) => verdict(one(schema, extra), { p: value });

describe("checkParameters: the set of names", () => {
  it("accepts a valid call, with optional and client-filled parameters left out", () => {
    expect(verdict(ORDERS, { region_id: 10000002, order_type: "sell" })).toBe("ok");
    expect(verdict(ORDERS, { region_id: 10000002, order_type: "all", type_id: 34, page: 3, "Accept-Language": "de" })).toBe("ok");
  });

  it("names unknown parameters and lists the valid ones", () => {
    expect(verdict(ORDERS, { region_id: 1, order_type: "all", typeid: 34, pg: 2 })).toBe(
      "GetMarketsRegionIdOrders has no parameter typeid, pg (its parameters: region_id, order_type, type_id, page, Accept-Language, If-None-Match, X-Compatibility-Date, X-Tenant, If-Modified-Since)",
    );
  });

  it("names the required parameters missing; a required header the client fills is not asked of the caller", () => {
    expect(verdict(ORDERS, {})).toBe("GetMarketsRegionIdOrders needs region_id, order_type");
    expect(verdict(ORDERS, { region_id: 1, order_type: undefined })).toBe("GetMarketsRegionIdOrders needs order_type");
  });

  it("takes undefined as not given", () => {
    expect(verdict(ORDERS, { region_id: 1, order_type: "buy", type_id: undefined, nonsense: undefined })).toBe("ok");
  });

  it("accepts body only where the operation takes one", () => {
    expect(verdict(ORDERS, { region_id: 1, order_type: "buy", body: { a: 1 } })).toBe("GetMarketsRegionIdOrders takes no request body");
    const post = operation("PostUniverseNames", [...ESI_HEADERS], { method: "post", hasBody: true });
    expect(verdict(post, { body: [1, 2] })).toBe("ok");
  });

  it("reports an unknown name before a bad value, and a missing one before a bad value", () => {
    expect(verdict(ORDERS, { region_id: "x", order_type: "buy", oops: 1 })).toMatch(/has no parameter oops/);
    expect(verdict(ORDERS, { region_id: "x" })).toBe("GetMarketsRegionIdOrders needs order_type");
  });

  it("gives the same answer on every call (the compiled checks are kept per operation)", () => {
    for (let i = 0; i < 3; i++) {
      expect(verdict(ORDERS, { region_id: 1, order_type: "cheap" })).toBe('GetMarketsRegionIdOrders: order_type must be one of "buy", "sell", "all" (got "cheap")');
      expect(verdict(ORDERS, { region_id: 1, order_type: "sell" })).toBe("ok");
    }
  });
});

describe("checkParameters: values", () => {
  it("enum", () => {
    expect(verdict(ORDERS, { region_id: 1, order_type: "cheap" })).toBe('GetMarketsRegionIdOrders: order_type must be one of "buy", "sell", "all" (got "cheap")');
    expect(verdict(ORDERS, { region_id: 1, order_type: "SELL" })).toMatch(/order_type must be one of/);
  });

  it("integers: not text, NaN, Infinity, fractions, 1e21 or integers JavaScript cannot hold exactly", () => {
    const id = { type: "integer", format: "int64" } as const;
    expect(check(id, 90000001)).toBe("ok");
    expect(check(id, -5)).toBe("ok");
    expect(check(id, Number.MAX_SAFE_INTEGER)).toBe("ok");
    expect(check(id, "abc")).toBe('Op: p must be an integer (got "abc")');
    expect(check(id, "123")).toBe('Op: p must be an integer (got "123")');
    expect(check(id, Number.NaN)).toBe("Op: p must be an integer (got NaN)");
    expect(check(id, Infinity)).toBe("Op: p must be an integer (got Infinity)");
    expect(check(id, -Infinity)).toBe("Op: p must be an integer (got -Infinity)");
    expect(check(id, 1.5)).toBe("Op: p must be an integer (got 1.5)");
    expect(check(id, 1e21)).toBe("Op: p must be an integer, one JavaScript holds exactly (at most 9007199254740991 either way) (got 1e+21)");
    expect(check(id, 2 ** 53)).toMatch(/one JavaScript holds exactly .* \(got 9007199254740992\)$/);
    expect(check(id, 10n)).toBe("Op: p must be an integer (got 10n)");
    expect(check(id, null)).toBe("Op: p must be an integer (got null)");
    expect(check(id, true)).toBe("Op: p must be an integer (got true)");
    expect(check(id, [1])).toBe("Op: p must be an integer (got [1])");
  });

  it("int32: its range", () => {
    const page = { type: "integer", format: "int32", minimum: 1 } as const;
    expect(check(page, 2 ** 31 - 1)).toBe("ok");
    expect(check(page, 2 ** 31)).toBe("Op: p must be an integer from 1 to 2147483647 (got 2147483648)");
    expect(check(page, 0)).toBe("Op: p must be an integer from 1 to 2147483647 (got 0)");
  });

  it("minimum, maximum and the exclusive ones", () => {
    expect(check({ type: "integer", minimum: 10, maximum: 100 }, 100)).toBe("ok");
    expect(check({ type: "integer", minimum: 10, maximum: 100 }, 101)).toBe("Op: p must be an integer from 10 to 100 (got 101)");
    expect(check({ type: "integer", minimum: 10, maximum: 100 }, 9)).toBe("Op: p must be an integer from 10 to 100 (got 9)");
    expect(check({ type: "number", maximum: 10 }, -1e300)).toBe("ok");
    expect(check({ type: "number", maximum: 10 }, 10.5)).toBe("Op: p must be a number of 10 or less (got 10.5)");
    expect(check({ type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 }, 0.5)).toBe("ok");
    expect(check({ type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 }, 0)).toBe("Op: p must be a number greater than 0 and less than 1 (got 0)");
    expect(check({ type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 }, 1)).toMatch(/less than 1 \(got 1\)$/);
  });

  it("numbers: finite only", () => {
    expect(check({ type: "number", format: "double" }, -10)).toBe("ok");
    expect(check({ type: "number", format: "double" }, 1e21)).toBe("ok");
    expect(check({ type: "number", format: "double" }, Number.NaN)).toBe("Op: p must be a number (got NaN)");
    expect(check({ type: "number", format: "double" }, Infinity)).toBe("Op: p must be a number (got Infinity)");
  });

  it("strings: lengths in code points, pattern, uuid and date formats", () => {
    expect(check({ type: "string", minLength: 3 }, "abc")).toBe("ok");
    expect(check({ type: "string", minLength: 3 }, "ab")).toBe('Op: p must be a string of 3 or more characters (got "ab")');
    // Two code points in four UTF-16 units: still too short.
    expect(check({ type: "string", minLength: 3 }, "😀😀")).toBe('Op: p must be a string of 3 or more characters (got "😀😀")');
    expect(check({ type: "string", maxLength: 2 }, "😀😀")).toBe("ok");
    expect(check({ type: "string", maxLength: 2 }, "abc")).toBe('Op: p must be a string of at most 2 characters (got "abc")');
    expect(check({ type: "string", pattern: "^[a-f0-9]{40}$" }, "a".repeat(40))).toBe("ok");
    expect(check({ type: "string", pattern: "^[a-f0-9]{40}$" }, "xyz")).toBe('Op: p must be a string matching /^[a-f0-9]{40}$/ (got "xyz")');
    expect(check({ type: "string", format: "uuid" }, "3868eaed-8278-4cb7-9709-7d7de9c20dc7")).toBe("ok");
    expect(check({ type: "string", format: "uuid" }, "3868eaed")).toBe('Op: p must be a UUID (such as 3868eaed-8278-4cb7-9709-7d7de9c20dc7) (got "3868eaed")');
    expect(check({ type: "string", format: "date" }, "2024-02-29")).toBe("ok");
    expect(check({ type: "string", format: "date" }, "2026-02-29")).toBe('Op: p must be a date (YYYY-MM-DD) (got "2026-02-29")');
    expect(check({ type: "string" }, 5)).toBe("Op: p must be a string (got 5)");
    expect(check({ type: "string" }, "a\uD800b")).toBe('Op: p must be a string, as well-formed text (it has a lone surrogate) (got "a\\ud800b")');
  });

  it("booleans, and type lists with null", () => {
    expect(check({ type: "boolean" }, false)).toBe("ok");
    expect(check({ type: "boolean" }, "true")).toBe('Op: p must be true or false (got "true")');
    expect(check({ type: ["integer", "null"] }, null)).toBe("ok");
    expect(check({ type: ["integer", "null"] }, "x")).toBe('Op: p must be an integer or null (got "x")');
  });

  it("lists: size, repeats, and each item (named by its index)", () => {
    const contacts = { type: "array", minItems: 1, maxItems: 20, items: { type: "integer", format: "int64" } } as const;
    expect(check(contacts, [1, 2, 3])).toBe("ok");
    expect(check(contacts, [])).toBe("Op: p must be a list of 1 to 20 items, each an integer (got [])");
    expect(check(contacts, Array.from({ length: 21 }, (_, i) => i))).toMatch(/^Op: p must be a list of 1 to 20 items, each an integer \(got \[0,1,2,/);
    expect(check(contacts, [1, "two", 3])).toBe('Op: p[1] must be an integer (got "two")');
    expect(check(contacts, [1, Number.NaN])).toBe("Op: p[1] must be an integer (got NaN)");
    expect(check(contacts, [1, undefined])).toBe("Op: p[1] must be an integer (got undefined)");
    expect(check(contacts, 5)).toBe("Op: p must be a list of 1 to 20 items, each an integer (got 5)");
    const labels = { type: "array", uniqueItems: true, items: { type: "integer" } } as const;
    expect(check(labels, [1, 2])).toBe("ok");
    expect(check(labels, [1, 2, 1])).toBe("Op: p must be a list of items, each an integer, without repeats (got [1,2,1])");
    const categories = { type: "array", items: { type: "string", enum: ["agent", "alliance"] } } as const;
    expect(check(categories, ["agent", "alliance"])).toBe("ok");
    expect(check(categories, ["agent", "pilot"])).toBe('Op: p[1] must be one of "agent", "alliance" (got "pilot")');
  });

  it("a comma-separated query list: no comma inside an item; repeated keys (explode) allow it", () => {
    const names = { type: "array", items: { type: "string" } } as const;
    expect(check(names, ["a,b"])).toBe('Op: p[0] must be a string, without a comma (the list is sent comma-separated) (got "a,b")');
    expect(check(names, ["a,b"], { explode: true })).toBe("ok");
    expect(check({ type: "string" }, "a,b")).toBe("ok");
  });

  it("path values that cannot stay in their segment", () => {
    const hash = { type: "string" } as const;
    const inPath = { in: "path", required: true } as const;
    expect(check(hash, "abc/def?x#y%z", inPath)).toBe("ok");
    expect(check(hash, "..", inPath)).toBe('Op: p cannot be "." or ".." (URLs drop such segments, encoded or not) (got "..")');
    expect(check(hash, ".", inPath)).toMatch(/cannot be "\." or "\.\."/);
    expect(check(hash, "", inPath)).toBe('Op: p cannot be empty (it would leave an empty path segment) (got "")');
    expect(check({ type: "integer" }, "..", inPath)).toBe('Op: p must be an integer (got "..")');
  });

  it("header values: the spec's enum (Accept-Language), and what a header can carry", () => {
    expect(verdict(ORDERS, { region_id: 1, order_type: "all", "Accept-Language": "ko" })).toBe("ok");
    expect(verdict(ORDERS, { region_id: 1, order_type: "all", "Accept-Language": "en-US" })).toBe(
      'GetMarketsRegionIdOrders: Accept-Language must be one of "en", "de", "fr", "ja", "ru", "zh", "ko", "es" (got "en-US")',
    );
    expect(verdict(ORDERS, { region_id: 1, order_type: "all", "X-Compatibility-Date": "2020-01-01" })).toBe(
      'GetMarketsRegionIdOrders: X-Compatibility-Date must be one of "2026-08-04" (got "2020-01-01")',
    );
    expect(verdict(ORDERS, { region_id: 1, order_type: "all", "If-None-Match": '"abc"' })).toBe("ok");
    expect(verdict(ORDERS, { region_id: 1, order_type: "all", "If-None-Match": "a\r\nX-Evil: 1" })).toBe(
      'GetMarketsRegionIdOrders: If-None-Match must be a header value: Latin-1 text without line breaks or control characters, nor spaces at either end (got "a\\r\\nX-Evil: 1")',
    );
    expect(verdict(ORDERS, { region_id: 1, order_type: "all", "X-Tenant": "日本" })).toMatch(/X-Tenant must be a header value/);
  });

  it("cuts a long value short in the message", () => {
    const message = check({ type: "integer" }, "x".repeat(500));
    expect(message).toBe(`Op: p must be an integer (got "${"x".repeat(59)}…)`);
  });

  it("a parameter without a schema takes any value JSON and the URL can carry", () => {
    expect(check(undefined, "x")).toBe("ok");
    expect(check(undefined, 3)).toBe("ok");
    expect(check(undefined, Number.NaN)).toBe("Op: p must be a value JSON can hold (got NaN)");
    expect(check(undefined, () => 1)).toBe("Op: p must be a value JSON can hold (got a function)");
  });

  it("checkParameter checks one value alone", () => {
    expect(() => checkParameter(ORDERS, "page", 0)).toThrow("GetMarketsRegionIdOrders: page must be an integer from 1 to 2147483647 (got 0)");
    expect(() => checkParameter(ORDERS, "pages", 1)).toThrow(/has no parameter pages/);
    expect(() => checkParameter(ORDERS, "page", 1)).not.toThrow();
  });

  it("a pattern JavaScript cannot compile fails as the generation's error, not the caller's", () => {
    const bad = one({ type: "string", pattern: "(" });
    expect(() => checkParameters(bad, { p: "x" })).toThrow(/Op: the schema of parameter p cannot be checked/);
    expect(() => checkParameters(bad, { p: "x" })).not.toThrow(EsiUsageError);
  });
});
