import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  HeaderParseError,
  MAX_HEADER_COUNT,
  parseErrorLimitRemain,
  parseErrorLimitReset,
  parseRateLimitGroup,
  parseRateLimitLimit,
  parseRateLimitRemaining,
  parseRateLimitUsed,
  parseRetryAfter,
  readLimitSnapshot,
} from "../../src/headers/limit-headers.ts";

/** Any string a server or proxy could put in a header, biased towards near-misses of the real shapes. */
const headerValue = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.stringMatching(/^-?\d{0,20}(\.\d{0,3})?(\/\d{0,4}[smhdxy]?)?$/),
  fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
  fc.constantFrom("", " ", "NaN", "Infinity", "-0", "1e3", "0x10", "150/", "/15m", "150/0m", "0/15m", "Mon, 32 Foo 2026 99:99:99 GMT"),
);

/** The property every parser must have: a value of the right kind, or a HeaderParseError, never anything else. */
function valueOrTypedError<T>(parse: (raw: string) => T, isValue: (value: T) => boolean) {
  fc.assert(
    fc.property(headerValue, (raw) => {
      try {
        const value = parse(raw);
        expect(isValue(value)).toBe(true);
      } catch (error) {
        expect(error).toBeInstanceOf(HeaderParseError);
        expect((error as HeaderParseError).value).toBe(raw);
      }
    }),
    { numRuns: 2000 },
  );
}

const isCount = (n: number | undefined) => Number.isSafeInteger(n) && (n as number) >= 0;

describe("error-limit headers", () => {
  it("read whole numbers and leave an absent header undefined", () => {
    expect(parseErrorLimitRemain("100")).toBe(100);
    expect(parseErrorLimitRemain(" 7 ")).toBe(7);
    expect(parseErrorLimitReset("0")).toBe(0);
    expect(parseErrorLimitReset("59")).toBe(59);
    expect(parseErrorLimitRemain(null)).toBeUndefined();
    expect(parseErrorLimitReset(undefined)).toBeUndefined();
  });

  it("reject what is not a count, naming the header", () => {
    expect(() => parseErrorLimitRemain("-1")).toThrow(/X-ESI-Error-Limit-Remain header "-1"/);
    expect(() => parseErrorLimitReset("1.5")).toThrow(HeaderParseError);
    expect(() => parseErrorLimitReset("")).toThrow(HeaderParseError);
    expect(() => parseErrorLimitRemain("1e3")).toThrow(HeaderParseError);
  });

  it("give a count or a HeaderParseError for any input", () => {
    valueOrTypedError(parseErrorLimitRemain, isCount);
    valueOrTypedError(parseErrorLimitReset, isCount);
  });
});

describe("rate-limit headers", () => {
  it("read X-Ratelimit-Limit as tokens per window", () => {
    expect(parseRateLimitLimit("150/15m")).toEqual({ maxTokens: 150, windowSeconds: 900 });
    expect(parseRateLimitLimit("12000/15m")).toEqual({ maxTokens: 12000, windowSeconds: 900 });
    expect(parseRateLimitLimit("20/2s")).toEqual({ maxTokens: 20, windowSeconds: 2 });
    expect(parseRateLimitLimit("5/1h30m")).toEqual({ maxTokens: 5, windowSeconds: 5400 });
    expect(parseRateLimitLimit("10/1d")).toEqual({ maxTokens: 10, windowSeconds: 86400 });
    expect(parseRateLimitLimit("10/60")).toEqual({ maxTokens: 10, windowSeconds: 60 });
    expect(parseRateLimitLimit(null)).toBeUndefined();
  });

  it("reject a limit without tokens or window", () => {
    for (const bad of ["150", "150/", "/15m", "0/15m", "150/0m", "150/15x", "a/b", "150/15m extra"]) {
      expect(() => parseRateLimitLimit(bad), bad).toThrow(/X-Ratelimit-Limit/);
    }
  });

  it("read group, remaining and used", () => {
    expect(parseRateLimitGroup("char-wallet")).toBe("char-wallet");
    expect(parseRateLimitRemaining("148")).toBe(148);
    expect(parseRateLimitUsed("2")).toBe(2);
    expect(() => parseRateLimitGroup("")).toThrow(HeaderParseError);
    expect(() => parseRateLimitGroup("two words")).toThrow(HeaderParseError);
    expect(() => parseRateLimitRemaining("-3")).toThrow(HeaderParseError);
  });

  it("give a value or a HeaderParseError for any input", () => {
    valueOrTypedError(parseRateLimitLimit, (b) => b !== undefined && Number.isSafeInteger(b.maxTokens) && b.maxTokens > 0 && Number.isSafeInteger(b.windowSeconds) && b.windowSeconds > 0);
    valueOrTypedError(parseRateLimitGroup, (g) => typeof g === "string" && g.length > 0 && g.trim() === g);
    valueOrTypedError(parseRateLimitRemaining, isCount);
    valueOrTypedError(parseRateLimitUsed, isCount);
  });
});

describe("Retry-After", () => {
  const now = Date.UTC(2026, 7, 4, 12, 0, 0);

  it("reads delay-seconds as milliseconds", () => {
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter("0", now)).toBe(0);
  });

  it("reads the three HTTP-date forms as the time left until then", () => {
    expect(parseRetryAfter("Tue, 04 Aug 2026 12:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Tuesday, 04-Aug-26 12:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("Tue Aug  4 12:01:00 2026", now)).toBe(60_000);
  });

  it("waits nothing for a date already past", () => {
    expect(parseRetryAfter("Tue, 04 Aug 2026 11:00:00 GMT", now)).toBe(0);
  });

  it("rejects anything else", () => {
    for (const bad of ["-1", "1.5", "soon", "2026-08-04T12:00:05Z", "Tue, 04 Aug 2026 12:00:05 CEST", ""]) {
      expect(() => parseRetryAfter(bad, now), bad).toThrow(/Retry-After/);
    }
  });

  it("gives a wait of 0 or more ms, or a HeaderParseError, for any input", () => {
    valueOrTypedError((raw) => parseRetryAfter(raw, now), (ms) => typeof ms === "number" && Number.isFinite(ms) && ms >= 0);
  });

  it("round-trips any date a server could format", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(now), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true }), (date) => {
        const whole = Math.floor(date.getTime() / 1000) * 1000;
        expect(parseRetryAfter(new Date(whole).toUTCString(), now)).toBe(whole - now);
      }),
    );
  });
});

describe("readLimitSnapshot", () => {
  it("reads all headers of a response and lists the unreadable ones instead of failing", () => {
    const headers = new Headers({
      "X-ESI-Error-Limit-Remain": "93",
      "X-ESI-Error-Limit-Reset": "41",
      "X-Ratelimit-Group": "char-wallet",
      "X-Ratelimit-Limit": "150/15m",
      "X-Ratelimit-Remaining": "oops",
      "X-Ratelimit-Used": "2",
    });
    const snapshot = readLimitSnapshot(headers);
    expect(snapshot).toMatchObject({
      errorLimitRemain: 93,
      errorLimitResetSeconds: 41,
      rateLimitGroup: "char-wallet",
      rateLimitBudget: { maxTokens: 150, windowSeconds: 900 },
      rateLimitUsed: 2,
    });
    expect(snapshot.rateLimitRemaining).toBeUndefined();
    expect(snapshot.unreadable.map((e) => e.header)).toEqual(["X-Ratelimit-Remaining"]);
  });
});

describe("huge values", () => {
  const now = Date.UTC(2026, 7, 4, 12, 0, 0);
  const digits = fc.stringMatching(/^\d{1,400}$/);

  it("read a count of any length, saturated at MAX_HEADER_COUNT instead of overflowing to Infinity", () => {
    expect(parseErrorLimitRemain("9".repeat(400))).toBe(MAX_HEADER_COUNT);
    expect(parseRateLimitRemaining("12345678901234567890")).toBe(MAX_HEADER_COUNT);
    expect(parseRateLimitUsed("9007199254740991")).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseErrorLimitRemain("000000000000000000042")).toBe(42);
    fc.assert(
      fc.property(digits, (raw) => {
        const value = parseErrorLimitRemain(raw)!;
        expect(Number.isSafeInteger(value)).toBe(true);
        expect(value).toBe(Math.min(Number(raw), MAX_HEADER_COUNT));
      }),
    );
  });

  it("read seconds so that they stay exact as milliseconds", () => {
    expect(parseErrorLimitReset("999999999")).toBe(999_999_999);
    expect(parseRetryAfter("999999999", now)).toBe(999_999_999_000);
    fc.assert(
      fc.property(digits, (raw) => {
        const resetMs = parseErrorLimitReset(raw)! * 1000;
        const retryMs = parseRetryAfter(raw, now)!;
        expect(Number.isSafeInteger(resetMs)).toBe(true);
        expect(Number.isSafeInteger(retryMs)).toBe(true);
        expect(Number.isSafeInteger(now + retryMs)).toBe(true);
        if (raw.length < 12) expect(retryMs).toBe(Number(raw) * 1000);
      }),
    );
  });

  it("read a Retry-After date years ahead as the (finite) wait until then", () => {
    expect(parseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", now)).toBe(Date.UTC(9999, 11, 31, 23, 59, 59) - now);
  });

  it("read a rate-limit window of absurd length with its milliseconds still exact", () => {
    const budget = parseRateLimitLimit(`150/${"999999999d".repeat(50)}`)!;
    expect(budget.maxTokens).toBe(150);
    expect(Number.isSafeInteger(budget.windowSeconds * 1000)).toBe(true);
  });
});
