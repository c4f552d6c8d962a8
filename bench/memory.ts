import type { Bench } from "./lib/report.ts";
import { runScript } from "./lib/processes.ts";
import { startBenchServer } from "./lib/server-process.ts";
import { mb } from "./lib/stats.ts";

interface MemorySample {
  early: { rss: number; heapUsed: number };
  all: { rss: number; heapUsed: number };
}

/**
 * Memory: RSS (after a full GC) once 1,000 requests are done and again after 100,000, esikit's whole stack against
 * plain openapi-fetch, each alone in a fresh node with --expose-gc. The server answers `no-store`, so the growth is
 * what the stack holds on to, not its cache filling up to its byte bound (50 MiB by default, by design). A third run
 * asks for one structure again and again from a server that lets it be kept: after the first, fresh cache hits.
 */
export const memoryBench: Bench = {
  name: "memory",
  async run({ smoke, log }) {
    const early = smoke ? 50 : 1_000;
    const total = smoke ? 300 : 100_000;
    const server = await startBenchServer({ cacheControl: "no-store" });
    const cacheable = await startBenchServer();
    try {
      const child = new URL("./lib/memory-child.ts", import.meta.url);
      const sample = (which: string, url = server.url) => runScript<MemorySample>(child, [which, url, String(early), String(total)], ["--expose-gc"]);
      const esikit = await sample("esikit");
      const plain = await sample("openapi-fetch");
      const hits = await sample("esikit-hits", cacheable.url);
      const growth = (s: MemorySample) => s.all.rss - s.early.rss;
      log(`memory esikit hits rss ${mb(hits.early.rss)} -> ${mb(hits.all.rss)}, heap ${mb(hits.early.heapUsed)} -> ${mb(hits.all.heapUsed)}`);
      log(`memory esikit rss ${mb(esikit.early.rss)} -> ${mb(esikit.all.rss)}, heap ${mb(esikit.early.heapUsed)} -> ${mb(esikit.all.heapUsed)} | openapi-fetch rss ${mb(plain.early.rss)} -> ${mb(plain.all.rss)}, heap ${mb(plain.early.heapUsed)} -> ${mb(plain.all.heapUsed)}`);
      const label = `RSS growth, ${early.toLocaleString("en-US")} -> ${total.toLocaleString("en-US")} requests`;
      return [
        { bench: "memory", metric: `${label} (vs openapi-fetch)`, esikit: mb(growth(esikit)), baseline: mb(growth(plain)), ratio: `${growth(esikit) >= growth(plain) ? "+" : ""}${mb(growth(esikit) - growth(plain))}`, target: "<= 20 MB", met: growth(esikit) <= 20 * 1024 * 1024 },
        { bench: "memory", metric: `heap growth, same run`, esikit: mb(esikit.all.heapUsed - esikit.early.heapUsed), baseline: mb(plain.all.heapUsed - plain.early.heapUsed), ratio: "-", target: "-", met: null },
        { bench: "memory", metric: `RSS growth, ${early.toLocaleString("en-US")} -> ${total.toLocaleString("en-US")} fresh cache hits (heap in baseline column)`, esikit: mb(growth(hits)), baseline: `heap ${mb(hits.all.heapUsed - hits.early.heapUsed)}`, ratio: "-", target: "<= 20 MB", met: growth(hits) <= 20 * 1024 * 1024 },
      ];
    } finally {
      await cacheable.close();
      await server.close();
    }
  },
};
