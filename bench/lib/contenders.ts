import createClient from "openapi-fetch";
import type { EsiPaths } from "../../src/index.ts";
import { createFullStackClient, type FullStackClient } from "./full-stack-client.ts";

/** One request of a contender: fetch a structure by id and read its JSON body. */
export type Contender = (id: number) => Promise<unknown>;

const STRUCTURE_PATH = "/universe/structures/{structure_id}";
const USER_AGENT = "esikit-bench/1.0 (bench@example.com)";
const BENCH_TOKEN = "bench-token";

/** The floor: fetch and JSON, with the same headers esikit puts on the wire. */
export function rawFetch(url: string): Contender {
  const headers = { Authorization: `Bearer ${BENCH_TOKEN}`, "User-Agent": USER_AGENT, "X-Compatibility-Date": "2026-08-04" };
  return async (id) => {
    const response = await fetch(`${url}/universe/structures/${id}`, { headers });
    if (!response.ok) throw new Error(`raw fetch: status ${response.status}`);
    return response.json();
  };
}

/** What an app would write without esikit: openapi-fetch alone over the same types. */
export function plainOpenapiFetch(url: string): Contender {
  const client = createClient<EsiPaths>({ baseUrl: url });
  const headers = { Authorization: `Bearer ${BENCH_TOKEN}`, "User-Agent": USER_AGENT, "X-Compatibility-Date": "2026-08-04" };
  return async (id) => {
    const { data, error } = await client.GET(STRUCTURE_PATH, { params: { path: { structure_id: id } }, headers });
    if (error !== undefined) throw new Error(`openapi-fetch: ${JSON.stringify(error)}`);
    return data;
  };
}

/** esikit with every layer on, acting for a character that holds a valid token: through esi.GET, and esi.call. */
export async function esikitFullStack(url: string): Promise<{ contender: Contender; byOperation: Contender; stack: FullStackClient }> {
  const stack = await createFullStackClient(url, USER_AGENT);
  const client = stack.client;
  return {
    stack,
    contender: async (id) => {
      const { data, error } = await client.GET(STRUCTURE_PATH, { params: { path: { structure_id: id } } });
      if (error !== undefined) throw new Error(`esikit: ${JSON.stringify(error)}`);
      return data;
    },
    byOperation: (id) => client.call("GetUniverseStructuresStructureId", { structure_id: id }),
  };
}

/** Sends `total` requests with at most `concurrency` in flight; returns the wall time in ms. */
export async function drive(contender: Contender, total: number, concurrency: number, firstId = 1): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const id = firstId + next++;
      await contender(id);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return performance.now() - started;
}
