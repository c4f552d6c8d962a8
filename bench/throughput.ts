import { drive, esikitFullStack, plainOpenapiFetch, rawFetch, type Contender } from "./lib/contenders.ts";
import type { Bench, BenchRow } from "./lib/report.ts";
import { startBenchServer } from "./lib/server-process.ts";
import { alternate, median, perSecond, ratio } from "./lib/stats.ts";

/**
 * Requests per second on loopback against one server in its own process: raw fetch, plain openapi-fetch, and esikit
 * with its whole stack. Every request asks for a new structure id, so esikit's cache is on but always misses.
 */
export const throughputBench: Bench = {
  name: "throughput",
  async run({ smoke, log }) {
    const total = smoke ? 100 : 10_000;
    const concurrency = 32;
    const rounds = smoke ? 1 : 5;
    const server = await startBenchServer();
    const esikit = await esikitFullStack(server.url);
    try {
      let nextId = 1;
      const timed = (contender: Contender, requests: number) => async () => {
        const ms = await drive(contender, requests, concurrency, nextId);
        nextId += requests;
        return (requests / ms) * 1000;
      };
      const all = { raw: rawFetch(server.url), plain: plainOpenapiFetch(server.url), esikit: esikit.contender };
      const warmUp = Math.min(total, 2_000);
      // Warm-up: JIT, keep-alive sockets.
      await alternate(1, { raw: timed(all.raw, warmUp), plain: timed(all.plain, warmUp), esikit: timed(all.esikit, warmUp) });
      const rate = await alternate(rounds, { raw: timed(all.raw, total), plain: timed(all.plain, total), esikit: timed(all.esikit, total) });
      log(`throughput req/s raw ${rate.raw.map(Math.round).join(" ")} | plain ${rate.plain.map(Math.round).join(" ")} | esikit ${rate.esikit.map(Math.round).join(" ")}`);
      // Ratios pair the runs of one round (measured side by side), then take the median.
      const vsRaw = median(rate.esikit.map((r, i) => r / rate.raw[i]!));
      const vsPlain = median(rate.esikit.map((r, i) => r / rate.plain[i]!));
      const label = `${total.toLocaleString("en-US")} GETs, concurrency ${concurrency} [${esikit.stack.plugins.join(", ")}]`;
      const rows: BenchRow[] = [
        { bench: "throughput", metric: `${label} vs raw fetch`, esikit: perSecond(median(rate.esikit)), baseline: perSecond(median(rate.raw)), ratio: ratio(vsRaw), target: ">= 0.90x", met: vsRaw >= 0.9 },
        { bench: "throughput", metric: `${label} vs openapi-fetch`, esikit: perSecond(median(rate.esikit)), baseline: perSecond(median(rate.plain)), ratio: ratio(vsPlain), target: ">= 0.95x", met: vsPlain >= 0.95 },
      ];
      return rows;
    } finally {
      await esikit.stack.close();
      await server.close();
    }
  },
};
