import { fetchAllPages } from "../src/paging/pages.ts";
import { createFullStackClient } from "./lib/full-stack-client.ts";
import type { Bench } from "./lib/report.ts";
import { startBenchServer } from "./lib/server-process.ts";
import { alternate, median, ms, ratio } from "./lib/stats.ts";

/**
 * Paging: every page of an X-Pages operation (market orders) with the server answering each page after a delay,
 * through esikit's fetchAllPages (default options), against fetching the pages one by one.
 */
export const pagingBench: Bench = {
  name: "paging",
  async run({ smoke, log }) {
    const pages = smoke ? 5 : 100;
    const latencyMs = smoke ? 5 : 50;
    const server = await startBenchServer({ latencyMs, pages });
    const stack = await createFullStackClient(server.url, "esikit-bench/1.0 (bench@example.com)");
    // A new region each run: the pages of an earlier run are in esikit's cache.
    let region = 10_000_001;
    try {
      const esikitWith = (concurrency?: number) => async () => {
        const started = performance.now();
        const options = concurrency ? { concurrency } : undefined;
        const items = await fetchAllPages(stack.client, "GetMarketsRegionIdOrders", { region_id: region++, order_type: "all" }, options);
        const elapsed = performance.now() - started;
        if (items.length !== pages * 100) throw new Error(`paging: esikit got ${items.length} orders, expected ${pages * 100}`);
        return elapsed;
      };
      const oneByOne = async () => {
        const started = performance.now();
        let count = 0;
        const id = region++;
        for (let page = 1; page <= pages; page++) {
          const response = await fetch(`${server.url}/markets/${id}/orders?order_type=all&page=${page}`);
          count += ((await response.json()) as unknown[]).length;
        }
        if (count !== pages * 100) throw new Error(`paging: one by one got ${count} orders`);
        return performance.now() - started;
      };
      // The first page says how many there are, so the floor is (1 + ceil(99 / concurrency)) x latency: 20 at once
      // shows what the fetcher does when the concurrency allows the target.
      const time = await alternate(smoke ? 1 : 3, { esikit: esikitWith(), esikit20: esikitWith(20), oneByOne });
      log(`paging esikit ${time.esikit.map(Math.round).join(" ")} ms | concurrency 20 ${time.esikit20.map(Math.round).join(" ")} ms | one by one ${time.oneByOne.map(Math.round).join(" ")} ms`);
      const speedup = median(time.oneByOne.map((t, i) => t / time.esikit[i]!));
      const esikitMs = median(time.esikit);
      const label = `${pages} pages at ${latencyMs} ms latency`;
      return [
        { bench: "paging", metric: `${label}: fetchAllPages (default concurrency)`, esikit: ms(esikitMs), baseline: "-", ratio: "-", target: "<= 0.35 s", met: smoke ? null : esikitMs <= 350 },
        { bench: "paging", metric: `${label}: speed-up vs one by one`, esikit: ms(esikitMs), baseline: ms(median(time.oneByOne)), ratio: ratio(speedup), target: ">= 14x", met: smoke ? null : speedup >= 14 },
        { bench: "paging", metric: `${label}: fetchAllPages, concurrency 20`, esikit: ms(median(time.esikit20)), baseline: ms(median(time.oneByOne)), ratio: ratio(median(time.oneByOne.map((t, i) => t / time.esikit20[i]!))), target: "-", met: null },
      ];
    } finally {
      await stack.close();
      await server.close();
    }
  },
};
