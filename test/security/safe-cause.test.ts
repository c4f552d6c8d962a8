import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { redactAndCut, redactSecrets, safeCause } from "../../src/errors/safe-cause.ts";

const secret = "s3cr3t-client-secret-0123456789";
const refreshToken = "rt-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJDSEFSQUNURVI6RVZFOjkwMDAwMDAxIn0.c2lnbmF0dXJlLXBhcnQ";

function everything(error: unknown): string {
  return [inspect(error, { depth: Infinity, showHidden: true }), String(error), JSON.stringify(error)].join("\n");
}

describe("redactSecrets", () => {
  it("removes each secret, its URL-encoded and base64 forms, JWTs, Authorization values and credential fields", () => {
    const text = [
      `echo ${secret}`,
      `form refresh_token=${encodeURIComponent(refreshToken)}&grant_type=refresh_token`,
      `b64 ${Buffer.from(secret).toString("base64")}`,
      `Authorization: Bearer ${jwt}`,
      `Basic ${Buffer.from(`client:${secret}`).toString("base64")}`,
      `json {"refresh_token":"${refreshToken}"}`,
      "url redis://default:hunter2-password@127.0.0.1:6379",
    ].join("\n");
    const out = redactSecrets(text, [secret, refreshToken]);
    for (const leaked of [secret, refreshToken, jwt, "hunter2-password", Buffer.from(secret).toString("base64")]) expect(out).not.toContain(leaked);
    expect(out).toContain("grant_type=refresh_token");
    expect(out).toContain("redis://default:[redacted]@127.0.0.1:6379");
  });

  it("checks before cutting: no prefix of a secret survives a cut that falls inside it", () => {
    const text = `${"x".repeat(190)}${secret}`;
    const out = redactAndCut(text, [secret], 200);
    expect(out).not.toContain(secret.slice(0, 5));
  });

  it("removes a piece of a secret too: a prefix another party cut, or a middle it echoed", () => {
    const out = redactSecrets(`cut: ${refreshToken.slice(0, 14)}… middle: ${refreshToken.slice(8, 26)} end`, [refreshToken]);
    expect(out).toBe("cut: [redacted]… middle: [redacted] end");
  });

  it("leaves ordinary text alone", () => {
    expect(redactSecrets("EVE SSO answered 502 Bad Gateway", ["abc"])).toBe("EVE SSO answered 502 Bad Gateway");
  });
});

describe("safeCause", () => {
  it("keeps name, code and a redacted message, and drops every other property at any depth", () => {
    const root = Object.assign(new Error(`AUTH default ${secret}`), { code: "ECONNREFUSED", command: { name: "auth", args: ["default", secret] } });
    const middle = Object.assign(new Error("request timed out", { cause: root }), {
      name: "TimeoutError",
      request: new Request("http://127.0.0.1/x", { headers: { Authorization: `Bearer ${jwt}` } }),
    });
    const scrubbed = safeCause(middle, [secret]);
    expect(scrubbed.name).toBe("TimeoutError");
    expect(scrubbed.message).toBe("request timed out");
    expect(scrubbed).not.toHaveProperty("request");
    const cause = scrubbed.cause as Error & { code?: string };
    expect(cause.code).toBe("ECONNREFUSED");
    expect(cause.message).toBe("AUTH default [redacted]");
    expect(cause).not.toHaveProperty("command");
    const text = everything(scrubbed);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(jwt);
  });

  it("bounds the depth and survives cycles", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    let deep: unknown = new Error("bottom");
    for (let i = 0; i < 50; i++) deep = new Error(`level ${i}`, { cause: deep });
    expect(() => everything(safeCause(b))).not.toThrow();
    let depth = 0;
    for (let at: unknown = safeCause(deep); at instanceof Error; at = at.cause) depth++;
    expect(depth).toBeLessThanOrEqual(5);
  });

  it("turns thrown non-errors into errors without keeping objects", () => {
    expect(safeCause({ password: secret }).message).not.toContain(secret);
    expect(safeCause(`failed with ${secret}`, [secret]).message).toBe("failed with [redacted]");
  });

  it("names the codes of an AggregateError with no message (fetch trying two addresses)", () => {
    const error = new AggregateError([Object.assign(new Error("connect ECONNREFUSED ::1"), { code: "ECONNREFUSED" })], "");
    expect(safeCause(error).message).toBe("ECONNREFUSED");
  });
});
