import createClient from "openapi-fetch";
import type { EsiPaths } from "../src/index.ts";
import { createFullStackClient } from "./lib/full-stack-client.ts";
import type { Bench } from "./lib/report.ts";
import { startBenchServer } from "./lib/server-process.ts";
import { alternate, median, perSecond, ratio } from "./lib/stats.ts";

const PATH = "/universe/structures/{structure_id}";
const params = { path: { structure_id: 1_035_466_617_946 } };

/**
 * Fresh cache hits per second: the same GET again and again while the kept answer is fresh, through esikit's whole
 * stack, one after another. Baseline: openapi-fetch with a middleware that answers every request with a ready
 * Response, the floor for any answer served from inside openapi-fetch.
 */
export const cacheHitsBench: Bench = {
  name: "cache-hits",
  async run({ smoke, log }) {
    const calls = smoke ? 200 : 20_000;
    const server = await startBenchServer();
    const stack = await createFullStackClient(server.url, "esikit-bench/1.0 (bench@example.com)");
    try {
      const esi = stack.client;
      const first = await esi.GET(PATH, { params });
      const body = JSON.stringify(first.data);
      const headers = Object.fromEntries(first.response.headers);
      const second = await esi.GET(PATH, { params });
      if (esi.info(second.response)?.cache !== "hit") throw new Error(`cache-hits: the second GET was a ${esi.info(second.response)?.cache ?? "plain response"}, not a hit`);

      const floor = createClient<EsiPaths>({ baseUrl: server.url });
      floor.use({ onRequest: () => new Response(body, { status: 200, headers }) });

      const hitsPerSecond = (get: () => Promise<{ data?: unknown }>) => async () => {
        const started = performance.now();
        for (let i = 0; i < calls; i++) if ((await get()).data === undefined) throw new Error("cache-hits: no data");
        return (calls / (performance.now() - started)) * 1000;
      };
      const structure_id = params.path.structure_id;
      const contenders = {
        get: hitsPerSecond(() => esi.GET(PATH, { params })),
        call: hitsPerSecond(async () => ({ data: await esi.call("GetUniverseStructuresStructureId", { structure_id }) })),
        floor: hitsPerSecond(() => floor.GET(PATH, { params })),
      };
      await alternate(1, contenders); // warm-up
      const rate = await alternate(smoke ? 1 : 5, contenders);
      log(`cache hits/s esi.call ${rate.call.map(Math.round).join(" ")} | esi.GET ${rate.get.map(Math.round).join(" ")} | openapi-fetch floor ${rate.floor.map(Math.round).join(" ")}`);
      const callHits = median(rate.call);
      const getVsFloor = median(rate.get.map((r, i) => r / rate.floor[i]!));
      return [
        {
          bench: "cache-hits",
          metric: "fresh hits through esi.call, sequential (baseline: openapi-fetch + middleware answering at once)",
          esikit: perSecond(callHits),
          baseline: perSecond(median(rate.floor)),
          ratio: ratio(median(rate.call.map((r, i) => r / rate.floor[i]!))),
          target: ">= 200,000/s",
          met: callHits >= 200_000,
        },
        {
          bench: "cache-hits",
          metric: "fresh hits through esi.GET, sequential (vs the same floor)",
          esikit: perSecond(median(rate.get)),
          baseline: perSecond(median(rate.floor)),
          ratio: ratio(getVsFloor),
          target: ">= 0.95x",
          met: getVsFloor >= 0.95,
        },
      ];
    } finally {
      await stack.close();
      await server.close();
    }
  },
};
