import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeSso } from "../../src/testing/fake-sso/index.ts";

interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

/** Records every request; a deep accept backlog so a thousand connections at once are not reset. */
async function startRecordingServer(handler: (req: RecordedRequest, res: ServerResponse) => void) {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers };
      requests.push(recorded);
      handler(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A few ESI routes on 127.0.0.1 that check Bearer tokens against the fake SSO (401 for an unknown, expired or
 * revoked one), so the auth plugin is tested against real HTTP on both sides.
 */
export async function startEsiStandIn(sso: FakeSso) {
  let forced401 = 0;
  const server = await startRecordingServer((req: RecordedRequest, res: ServerResponse) => {
    const path = new URL(req.url, "http://x").pathname;
    const character = /^\/characters\/(\d+)\//.exec(path)?.[1];
    if (character) {
      const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
      const token = bearer ? sso.inspectAccessToken(bearer) : undefined;
      if (forced401 > 0 && bearer) {
        forced401--;
        return json(res, 401, { error: "token is expired" });
      }
      if (!token || token.expired || token.revoked) return json(res, 401, { error: "authentication failure" });
      if (String(token.characterId) !== character) return json(res, 403, { error: "token not valid for this character" });
      if (path.endsWith("/wallet")) return json(res, 200, 1234.5 + token.characterId);
      if (path.endsWith("/orders")) return json(res, 200, []);
      return json(res, 200, {});
    }
    if (req.headers.authorization) return json(res, 400, { error: "a public route got an Authorization header" });
    return json(res, 200, { type_id: 587, name: "Rifter" });
  });
  return {
    ...server,
    /** The next n authenticated requests get a 401 whatever their token (a token SSO invalidated early). */
    reject401(n: number) {
      forced401 = n;
    },
    authorized: () => server.requests.filter((r) => r.headers.authorization !== undefined),
  };
}
