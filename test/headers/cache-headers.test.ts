import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCacheControl, parseDateHeader, parseEtag, parseExpires, parseLastModified, parseWarning } from "../../src/headers/cache-headers.ts";
import { HeaderParseError } from "../../src/headers/limit-headers.ts";

/** Any string a server or proxy could put in a header, biased towards near-misses of the real shapes. */
const headerValue = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
  fc.stringMatching(/^[a-z-]{0,10}(="?[\w"\\]{0,6}"?)?(, ?[a-z-]{0,10}(=\d{0,4})?){0,3}$/),
  fc.stringMatching(/^(W\/)?"?[\w"\\ -]{0,10}"?$/),
  fc.stringMatching(/^\d{1,4} [\w-]{0,5} "?[\w "\\]{0,12}"?( "[\w ,:]{0,30}")?(, ?\d{3} - "x")?$/),
  fc.constantFrom("", " ", "0", "-1", "max-age", "max-age=", "max-age=-1", "max-age=1e3", 'x="', '"', 'W/"', "Sun, 06 Nov 1994 08:49:37 GMT", "Mon, 31 Feb 2026 25:00:00 GMT"),
);

function valueOrTypedError<T>(parse: (raw: string) => T, isValue: (value: T) => boolean) {
  fc.assert(
    fc.property(headerValue, (raw) => {
      try {
        expect(isValue(parse(raw))).toBe(true);
      } catch (error) {
        expect(error).toBeInstanceOf(HeaderParseError);
        expect((error as HeaderParseError).value).toBe(raw);
      }
    }),
    { numRuns: 1000 },
  );
}

const isTime = (n: number | undefined) => Number.isFinite(n);

describe("cache header parsers: any input gives a value or a HeaderParseError", () => {
  it("Expires, Date, Last-Modified", () => {
    valueOrTypedError(parseExpires, isTime);
    valueOrTypedError(parseDateHeader, isTime);
    valueOrTypedError(parseLastModified, isTime);
  });
  it("Cache-Control", () => valueOrTypedError(parseCacheControl, (c) => c !== undefined && (c.maxAge === undefined || Number.isSafeInteger(c.maxAge))));
  it("ETag", () => valueOrTypedError(parseEtag, (e) => typeof e === "string" && e.endsWith('"')));
  it("Warning", () => valueOrTypedError(parseWarning, (w) => Array.isArray(w) && w.length > 0 && w.every((x) => x.code >= 0 && x.code <= 999)));
  it("absent headers are undefined, not errors", () => {
    for (const parse of [parseExpires, parseDateHeader, parseLastModified, parseCacheControl, parseEtag, parseWarning]) {
      expect(parse(null)).toBeUndefined();
      expect(parse(undefined)).toBeUndefined();
    }
  });
});

describe("cache header parsers read what ESI sends", () => {
  it("reads every HTTP-date back to the instant it was written", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(0), max: new Date(Date.UTC(9999, 0)), noInvalidDate: true }), (d) => {
        const seconds = Math.floor(d.getTime() / 1000) * 1000;
        expect(parseExpires(new Date(seconds).toUTCString())).toBe(seconds);
      }),
    );
    expect(parseLastModified("Sunday, 06-Nov-94 08:49:37 GMT")).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
    expect(parseDateHeader("Sun Nov  6 08:49:37 1994")).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });
  it("treats Expires: 0 as a typed error (the cache reads it as already expired)", () => {
    expect(() => parseExpires("0")).toThrow(HeaderParseError);
    expect(() => parseExpires("0")).toThrow(/Expires header "0" is not an HTTP-date/);
  });
  it("reads max-age, no-store, no-cache and quoted values", () => {
    expect(parseCacheControl("public, max-age=300")).toMatchObject({ maxAge: 300, noStore: false, noCache: false });
    expect(parseCacheControl('private, no-cache="Set-Cookie", Max-Age=5')).toMatchObject({ maxAge: 5, noCache: true, directives: { private: true, "no-cache": "Set-Cookie" } });
    expect(parseCacheControl("no-store")!.noStore).toBe(true);
    fc.assert(
      fc.property(fc.nat(), (n) => {
        expect(parseCacheControl(`max-age=${n}`)!.maxAge).toBe(n);
      }),
    );
    expect(() => parseCacheControl("max-age=soon")).toThrow(/Cache-Control/);
  });
  it("keeps entity tags as sent, ready for If-None-Match", () => {
    expect(parseEtag('"a1b2"')).toBe('"a1b2"');
    expect(parseEtag('W/"a1b2"')).toBe('W/"a1b2"');
    expect(() => parseEtag("a1b2")).toThrow(HeaderParseError);
  });
  it("reads one or more warnings with code, agent, text and date", () => {
    expect(parseWarning('299 - "This route is deprecated."')).toEqual([{ code: 299, agent: "-", text: "This route is deprecated." }]);
    expect(parseWarning('199 esi "A newer version is available" "Sun, 06 Nov 1994 08:49:37 GMT", 299 - "dep, \\"old\\""')).toEqual([
      { code: 199, agent: "esi", text: "A newer version is available", date: Date.UTC(1994, 10, 6, 8, 49, 37) },
      { code: 299, agent: "-", text: 'dep, "old"' },
    ]);
  });
});
