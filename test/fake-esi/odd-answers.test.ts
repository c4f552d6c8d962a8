import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { SPEC_PATH } from "./spec-path.ts";

let fake: FakeEsi;
const get = (path: string) => fetch(`${fake.url}${path}`);

beforeAll(async () => {
  fake = await startFakeEsi({ spec: SPEC_PATH });
});
beforeEach(() => fake.reset());
afterAll(() => fake.close());

/** The raw bytes and headers of an answer, read below fetch: what the server really sent. */
function raw(path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${fake.url}${path}`, (res) => {
      const chunks: Buffer[] = [];
      let aborted = false;
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("aborted", () => (aborted = true));
      res.on("error", () => (aborted = true));
      res.on("close", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), aborted: aborted || !res.complete }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("fake ESI odd answers", () => {
  it("notJson: a 200 with ESI's headers and Content-Type application/json whose body does not parse", async () => {
    fake.route("GetStatus", { notJson: true });
    const response = await get("/status");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("etag")).not.toBeNull();
    expect(response.headers.get("cache-control")).toMatch(/max-age=/);
    expect(response.headers.get("x-esi-error-limit-remain")).not.toBeNull();
    const text = await response.text();
    expect(text).toBe("this is not JSON: <upstream hiccup>");
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it("notJson: a string is the exact body; error answers keep their JSON", async () => {
    fake.route("GetStatus", { notJson: "<html>maintenance</html>" });
    expect(await (await get("/status")).text()).toBe("<html>maintenance</html>");
    fake.route("GetStatus", { notJson: true, status: 503 });
    const failed = await get("/status");
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual({ error: "Injected 503" });
  });

  it("notJson from a handler: only the answers the handler marks", async () => {
    let calls = 0;
    fake.route("GetStatus", { handler: () => (++calls === 1 ? { notJson: true } : undefined) });
    await expect((await get("/status")).json()).rejects.toThrow(SyntaxError);
    expect(await (await get("/status")).json()).toHaveProperty("players");
  });

  it("truncate: Content-Length promises the whole body, half arrives, the connection closes", async () => {
    fake.route("GetStatus", { truncate: true });
    const answer = await raw("/status");
    expect(answer.status).toBe(200);
    const promised = Number(answer.headers["content-length"]);
    expect(promised).toBeGreaterThan(10);
    expect(answer.body.length).toBeLessThan(promised);
    expect(answer.aborted).toBe(true);
    // What an app sees through fetch: the status and headers, then a body read that fails midway.
    const response = await get("/status");
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(fake.stats.byStatus[200]).toBe(2);
  });

  it("truncate from a handler: the first answer cut short, the next whole (a retry can succeed)", async () => {
    let calls = 0;
    fake.route("GetStatus", { handler: () => (++calls === 1 ? { truncate: true } : undefined) });
    await expect((await get("/status")).json()).rejects.toThrow(TypeError);
    expect(await (await get("/status")).json()).toHaveProperty("players");
  });

  it("truncate cuts error bodies too", async () => {
    fake.route("GetStatus", { truncate: true, status: 404 });
    const answer = await raw("/status");
    expect(answer.status).toBe(404);
    expect(answer.body.length).toBeLessThan(Number(answer.headers["content-length"]));
  });
});
