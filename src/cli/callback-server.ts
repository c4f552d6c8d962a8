import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CliError, ExitCode } from "./exit-codes.ts";

/** What EVE SSO sent the browser back with. */
export interface CallbackResult {
  code?: string;
  state?: string;
  /** SSO's error (the player declined, for example). */
  error?: string;
}

export interface CallbackServer {
  readonly port: number;
  /** The first request to /callback; the browser waits for `answer` to get its page. */
  next(timeoutMs: number): Promise<{ result: CallbackResult; answer(ok: boolean, text: string): void }>;
  close(): Promise<void>;
}

/**
 * The login's callback, on 127.0.0.1 only: nothing on the network can send it a code. Port 0 picks a free port
 * (fine for fakes; real EVE SSO needs the exact registered URL, so a fixed port).
 */
export async function startCallbackServer(port: number): Promise<CallbackServer> {
  let deliver: ((value: { result: CallbackResult; answer(ok: boolean, text: string): void }) => void) | undefined;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method !== "GET" || url.pathname !== "/callback" || !deliver) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("Not found");
      return;
    }
    const result: CallbackResult = {};
    for (const key of ["code", "state", "error"] as const) {
      const value = url.searchParams.get(key);
      if (value !== null) result[key] = value;
    }
    const hand = deliver;
    deliver = undefined;
    hand({
      result,
      answer(ok, text) {
        const title = ok ? "Logged in" : "Login failed";
        res.writeHead(ok ? 200 : 400, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" }).end(
          `<!doctype html><meta charset="utf-8"><title>esikit: ${title}</title><h1>${title}</h1><p>${escapeHtml(text)}</p><p>You can close this tab.</p>`,
        );
      },
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new CliError(`port ${port} on 127.0.0.1 is in use: pick another with --callback-port (and register that callback URL)`, ExitCode.failure) : error),
    );
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    next(timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          deliver = undefined;
          reject(new CliError(`no login came back within ${Math.round(timeoutMs / 1000)} s: run esikit login again`, ExitCode.auth));
        }, timeoutMs);
        deliver = (value) => {
          clearTimeout(timer);
          resolve(value);
        };
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
