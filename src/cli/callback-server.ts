import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CliError, ExitCode } from "./exit-codes.ts";

/** What EVE SSO sent the browser back with. */
export interface CallbackResult {
  code?: string;
  /** Always the state `next` waited for: a callback with any other state is refused. */
  state: string;
  /** SSO's error (the player declined, for example). */
  error?: string;
}

export interface Callback {
  result: CallbackResult;
  /** The browser waits for this to get its page. */
  answer(ok: boolean, text: string): void;
}

export interface CallbackServer {
  readonly port: number;
  /**
   * The first request to /callback that carries `state`. Any page the player visits can send their browser to
   * 127.0.0.1: a callback with another state (or none) gets 400 and the server keeps waiting, until `timeoutMs`.
   */
  next(state: string, timeoutMs: number): Promise<Callback>;
  close(): Promise<void>;
}

/**
 * The login's callback, on 127.0.0.1 only: nothing on the network can send it a code. Port 0 picks a free port
 * (fine for fakes; real EVE SSO needs the exact registered URL, so a fixed port).
 */
export async function startCallbackServer(port: number): Promise<CallbackServer> {
  let waiting: { state: string; deliver(callback: Callback): void } | undefined;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method !== "GET" || url.pathname !== "/callback" || !waiting) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("Not found");
      return;
    }
    const state = url.searchParams.get("state");
    if (state === null || !sameSecret(state, waiting.state)) {
      sendPage(res, false, "This is not the login esikit is waiting for (its state does not match). Use the URL the latest esikit login printed.");
      return;
    }
    const result: CallbackResult = { state };
    for (const key of ["code", "error"] as const) {
      const value = url.searchParams.get(key);
      if (value !== null) result[key] = value;
    }
    const { deliver } = waiting;
    waiting = undefined;
    deliver({ result, answer: (ok, text) => sendPage(res, ok, text) });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new CliError(`port ${port} on 127.0.0.1 is in use: pick another with --callback-port (and register that callback URL)`, ExitCode.failure) : error),
    );
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    next(state, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting = undefined;
          reject(new CliError(`no login came back within ${Math.round(timeoutMs / 1000)} s: run esikit login again`, ExitCode.auth));
        }, timeoutMs);
        waiting = {
          state,
          deliver(callback) {
            clearTimeout(timer);
            resolve(callback);
          },
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

/** Compares in constant time (digests, so that lengths may differ): a page cannot guess the state by timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function sendPage(res: ServerResponse, ok: boolean, text: string): void {
  const title = ok ? "Logged in" : "Login failed";
  res.writeHead(ok ? 200 : 400, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" }).end(
    `<!doctype html><meta charset="utf-8"><title>esikit: ${title}</title><h1>${title}</h1><p>${escapeHtml(text)}</p><p>You can close this tab.</p>`,
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
