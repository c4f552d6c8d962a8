import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEsiClient } from "../../src/index.ts";
import type { EsiEvents } from "../../src/events.ts";
import { MemoryBudgetStore } from "../../src/stores/memory-budget-store.ts";
import { connectRedisStores } from "../../src/stores/redis/redis-stores.ts";
import { RedisStoreError } from "../../src/stores/redis/redis-store-error.ts";
import { startFakeEsi, type FakeEsi } from "../../src/testing/fake-esi/index.ts";
import { SPEC_PATH } from "../fake-esi/spec-path.ts";

/** A port nothing listens on: taken from the OS, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("Redis unreachable (needs no Redis)", () => {
  let url: string;
  let fake: FakeEsi;
  beforeAll(async () => {
    url = `redis://127.0.0.1:${await closedPort()}`;
    fake = await startFakeEsi({ spec: SPEC_PATH });
  });
  afterAll(() => fake.close());

  it("fails at start-up with an error naming the server and the reason, not a hang", async () => {
    const connecting = connectRedisStores({ url, connectTimeoutMs: 500 });
    await expect(connecting).rejects.toThrow(RedisStoreError);
    await expect(connecting).rejects.toThrow(new RegExp(`Redis at ${url} is unreachable: .*ECONNREFUSED`));
  });

  it("never shows a password from the URL in the error", async () => {
    const withPassword = url.replace("redis://", "redis://app:hunter2@");
    const error = (await connectRedisStores({ url: withPassword, connectTimeoutMs: 500 }).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(RedisStoreError);
    expect(error.message).toContain("redis://app:***@127.0.0.1");
    expect(error.message).not.toContain("hunter2");
  });

  it("with fallback: 'memory', works from memory and says so in a store-fallback event, once per client", async () => {
    const stores = await connectRedisStores({ url, connectTimeoutMs: 500, fallback: "memory" });
    expect(stores.backend).toBe("memory");
    expect(stores.budgets).toBeInstanceOf(MemoryBudgetStore);
    const esi = createEsiClient({ userAgent: "esikit-tests/1.0 (tests@example.com)", baseUrl: fake.url, ...stores.clientOptions });
    const seen: Array<EsiEvents["store-fallback"]> = [];
    esi.events.on("store-fallback", (event) => seen.push(event));
    await esi.call("GetStatus");
    await esi.as(90000001).call("GetStatus");
    expect(seen).toHaveLength(1);
    expect(seen[0]!.store).toBe("redis");
    expect(seen[0]!.reason).toMatch(/unreachable: .*ECONNREFUSED.*not shared with other workers/);
    await stores.close();
  });

  it("reports the fallback to a listener added well after the client was made, at its first request", async () => {
    const stores = await connectRedisStores({ url, connectTimeoutMs: 500, fallback: "memory" });
    const esi = createEsiClient({ userAgent: "esikit-tests/1.0 (tests@example.com)", baseUrl: fake.url, plugins: [stores.plugin] });
    await new Promise((resolve) => setTimeout(resolve, 10));
    let seen = 0;
    esi.events.on("store-fallback", () => seen++);
    await esi.call("GetStatus");
    expect(seen).toBe(1);
  });

  it("refuses an unknown fallback by name", async () => {
    await expect(connectRedisStores({ url, fallback: "disk" as "memory" })).rejects.toThrow(/fallback must be "error" or "memory", got "disk"/);
  });
});
