import { describe, expect, it } from "vitest";
import { SsoError } from "../../src/auth/errors.ts";
import { describeFailure } from "../../src/cli/report-error.ts";
import { EsiUsageError } from "../../src/errors.ts";

describe("describeFailure: the CLI's exit code and message for an error", () => {
  it("an EsiUsageError is bad usage: exit 2, its message as it is", () => {
    expect(describeFailure(new EsiUsageError("GetStatus takes no request body"))).toEqual({ exitCode: 2, message: "GetStatus takes no request body" });
  });

  it("SSO refusing is exit 4; SSO not answering at all is exit 5", () => {
    expect(describeFailure(new SsoError("EVE SSO answered 500", { status: 500 })).exitCode).toBe(4);
    expect(describeFailure(new SsoError("EVE SSO could not be reached")).exitCode).toBe(5);
  });

  it("never prints something token-shaped, even from an error esikit did not make (the last guard)", () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJDSEFSQUNURVI6RVZFOjkwMDAwMDAxIn0.c2lnbmF0dXJl";
    const { exitCode, message } = describeFailure(new Error(`request failed: Authorization: Bearer ${jwt}; body refresh_token=Zm9vYmFyYmF6cXV4`));
    expect(exitCode).toBe(1);
    expect(message).not.toContain(jwt.slice(0, 20));
    expect(message).not.toContain("Zm9vYmFyYmF6cXV4");
    expect(message).toContain("request failed");
  });
});
