/**
 * The server every network bench talks to, run in its own process (node bench/lib/load-server.mjs; plain
 * JavaScript, so it starts at once) so its CPU is not charged to the client being measured. Answers like ESI on loopback, with the same bytes for every
 * contender:
 *   GET /universe/structures/{id}        one structure; ESI's cache and error-limit headers
 *   GET /markets/{region_id}/orders?page  a page of orders with X-Pages (--pages), after --latency-ms
 * Every answer carries --cache-control (default "public, max-age=300"; "no-store": nothing may be kept).
 * Prints {"url": ...} once listening; ends when its stdin closes (the parent went away).
 */
import { createServer } from "node:http";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    "latency-ms": { type: "string", default: "0" },
    pages: { type: "string", default: "100" },
    "cache-control": { type: "string", default: "public, max-age=300" },
  },
});
const cacheControl = values["cache-control"];
const latencyMs = Number(values["latency-ms"]);
const pages = Number(values.pages);

const structure = JSON.stringify({
  name: "V-3YG7 VI - The Capital",
  owner_id: 98_000_001,
  solar_system_id: 30_000_142,
  type_id: 35_832,
  position: { x: 1_024_000.5, y: -2_048_000.25, z: 4_096_000.125 },
});
const ordersPage = JSON.stringify(
  Array.from({ length: 100 }, (_, i) => ({
    order_id: 6_000_000_000 + i,
    type_id: 34,
    location_id: 60_003_760,
    system_id: 30_000_142,
    volume_total: 1000,
    volume_remain: 500 + i,
    min_volume: 1,
    price: 5.5 + i / 100,
    is_buy_order: i % 2 === 0,
    duration: 90,
    issued: "2026-08-01T12:00:00Z",
    range: "region",
  })),
);

/** @param {import("node:http").ServerResponse} res */
function send(res, status, body, headers = {}) {
  res.writeHead(status, {
    "Content-Type": "application/json; charset=UTF-8",
    "Cache-Control": cacheControl,
    Expires: new Date(Date.now() + 300_000).toUTCString(),
    "Last-Modified": new Date(Date.now() - 60_000).toUTCString(),
    ETag: '"b3f1c2"',
    "X-ESI-Error-Limit-Remain": "100",
    "X-ESI-Error-Limit-Reset": "60",
    ...headers,
  });
  res.end(body);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  const answer = () => {
    if (/^\/universe\/structures\/\d+$/.test(url.pathname)) return send(res, 200, structure);
    if (/^\/markets\/\d+\/orders$/.test(url.pathname)) {
      const page = Number(url.searchParams.get("page") ?? "1");
      if (!(page >= 1 && page <= pages)) return send(res, 404, JSON.stringify({ error: `no page ${page}` }));
      return send(res, 200, ordersPage, { "X-Pages": String(pages) });
    }
    send(res, 404, JSON.stringify({ error: `the bench server has no ${url.pathname}` }));
  };
  if (latencyMs > 0) setTimeout(answer, latencyMs);
  else answer();
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }));
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
