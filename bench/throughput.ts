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
      const all = { raw: rawFetch(server.url), plain: plainOpenapiFetch(server.url), esikit: esikit.contender, call: esikit.byOperation };
      const contenders = (n: number) => ({ raw: timed(all.raw, n), plain: timed(all.plain, n), esikit: timed(all.esikit, n), call: timed(all.call, n) });
      // Warm-up: JIT, keep-alive sockets.
      await alternate(1, contenders(Math.min(total, 2_000)));
      const rate = await alternate(rounds, contenders(total));
      log(`throughput req/s raw ${rate.raw.map(Math.round).join(" ")} | plain ${rate.plain.map(Math.round).join(" ")} | esi.GET ${rate.esikit.map(Math.round).join(" ")} | esi.call ${rate.call.map(Math.round).join(" ")}`);
      // Ratios pair the runs of one round (measured side by side), then take the median.
      const paired = (a: number[], b: number[]) => median(a.map((r, i) => r / b[i]!));
      const label = `${total.toLocaleString("en-US")} GETs, concurrency ${concurrency} [${esikit.stack.plugins.join(", ")}]`;
      const rows: BenchRow[] = [
        { bench: "throughput", metric: `${label}, esi.GET vs raw fetch`, esikit: perSecond(median(rate.esikit)), baseline: perSecond(median(rate.raw)), ratio: ratio(paired(rate.esikit, rate.raw)), target: ">= 0.90x", met: paired(rate.esikit, rate.raw) >= 0.9 },
        { bench: "throughput", metric: `${label}, esi.GET vs openapi-fetch`, esikit: perSecond(median(rate.esikit)), baseline: perSecond(median(rate.plain)), ratio: ratio(paired(rate.esikit, rate.plain)), target: ">= 0.95x", met: paired(rate.esikit, rate.plain) >= 0.95 },
        { bench: "throughput", metric: `${label}, esi.call vs openapi-fetch`, esikit: perSecond(median(rate.call)), baseline: perSecond(median(rate.plain)), ratio: ratio(paired(rate.call, rate.plain)), target: ">= 0.95x", met: paired(rate.call, rate.plain) >= 0.95 },
      ];
      return rows;
    } finally {
      await esikit.stack.close();
      await server.close();
    }
  },
};
