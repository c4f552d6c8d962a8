import { afterEach, describe, expect, it } from "vitest";
import { startCallbackServer, type CallbackServer } from "../../src/cli/callback-server.ts";
import { CliError, ExitCode } from "../../src/cli/exit-codes.ts";

const STATE = "the-state-the-login-started-with";
let server: CallbackServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** What any web page the player has open can do: send their browser to the callback with a query of its choice. */
async function visit(query: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${server!.port}/callback${query}`);
  return { status: response.status, text: await response.text() };
}

describe("the CLI's login callback server", () => {
  it("answers 400 to callbacks without the login's state and keeps waiting; the right one is delivered", async () => {
    server = await startCallbackServer(0);
    const next = server.next(STATE, 60_000);
    let settled = false;
    void next.finally(() => (settled = true));

    for (const query of ["", "?code=stolen", "?code=x&state=forged", "?error=access_denied", `?code=x&state=${STATE}x`, `?code=x&state=${STATE.slice(0, -1)}`]) {
      const page = await visit(query);
      expect(page.status, query).toBe(400);
      expect(page.text).toContain("This is not the login esikit is waiting for");
    }
    expect(settled).toBe(false);

    const page = visit(`?code=the-code&state=${STATE}`);
    const { result, answer } = await next;
    expect(result).toEqual({ code: "the-code", state: STATE });
    answer(true, "Jita Trader is logged in <b>");
    expect(await page).toEqual({ status: 200, text: expect.stringContaining("Jita Trader is logged in &#60;b&#62;") });
    // Delivered once: later callbacks find nobody waiting.
    expect((await visit(`?code=again&state=${STATE}`)).status).toBe(404);
  });

  it("SSO's own error comes back with the right state and is delivered", async () => {
    server = await startCallbackServer(0);
    const next = server.next(STATE, 60_000);
    const page = visit(`?error=access_denied&state=${STATE}`);
    const { result, answer } = await next;
    expect(result).toEqual({ error: "access_denied", state: STATE });
    answer(false, "EVE SSO did not log the character in");
    expect((await page).status).toBe(400);
  });

  it("with only wrong callbacks it gives up at its timeout: exit code 4, saying to log in again", async () => {
    server = await startCallbackServer(0);
    const next = server.next(STATE, 3_000);
    const failure = next.then(() => undefined, (error: unknown) => error);
    expect((await visit("?code=x&state=forged")).status).toBe(400);
    const error = await failure;
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ exitCode: ExitCode.auth, message: "no login came back within 3 s: run esikit login again" });
  });

  it("nothing is delivered before the CLI waits, and only GET /callback", async () => {
    server = await startCallbackServer(0);
    expect((await visit(`?code=x&state=${STATE}`)).status).toBe(404);
    const next = server.next(STATE, 60_000);
    expect((await fetch(`http://127.0.0.1:${server.port}/callback?code=x&state=${STATE}`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${server.port}/other?code=x&state=${STATE}`)).status).toBe(404);
    const page = visit(`?code=x&state=${STATE}`);
    (await next).answer(true, "ok");
    expect((await page).status).toBe(200);
  });
});
