import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HeaderParseError } from "../../src/headers/limit-headers.ts";
import { parseXPages } from "../../src/headers/pages-header.ts";

describe("X-Pages", () => {
  it("reads a page count", () => {
    expect(parseXPages("1")).toBe(1);
    expect(parseXPages("350")).toBe(350);
    expect(parseXPages(" 12 ")).toBe(12);
    expect(parseXPages(null)).toBeUndefined();
  });

  it("rejects zero, negatives, fractions and words, naming the header", () => {
    for (const bad of ["0", "-1", "2.5", "many", "", "1e2"]) expect(() => parseXPages(bad), bad).toThrow(/X-Pages header/);
  });

  it("gives a count of 1 or more, or a HeaderParseError, for any input", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.stringMatching(/^\s?-?\d{0,12}(\.\d)?\s?$/)), (raw) => {
        try {
          const pages = parseXPages(raw);
          expect(Number.isSafeInteger(pages) && (pages as number) >= 1).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(HeaderParseError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
