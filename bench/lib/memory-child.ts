/**
 * One contender of the memory bench, alone in a node started with --expose-gc:
 *   node --expose-gc --import tsx bench/lib/memory-child.ts esikit|esikit-hits|openapi-fetch URL EARLY TOTAL
 * Sends EARLY requests, collects garbage and reads RSS and heap; sends the rest up to TOTAL, and reads them again.
 * esikit-hits asks for one structure again and again: after the first, every call is a fresh cache hit.
 */
import { drive, esikitFullStack, plainOpenapiFetch, type Contender } from "./contenders.ts";

const [which, url, early, total] = process.argv.slice(2);
if (!url || !(Number(early) > 0) || !(Number(total) > Number(early))) throw new Error("memory-child: expected esikit|esikit-hits|openapi-fetch URL EARLY TOTAL");
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("memory-child: run node with --expose-gc");

let contender: Contender;
let close = async () => {};
if (which === "esikit" || which === "esikit-hits") {
  const full = await esikitFullStack(url);
  contender = which === "esikit" ? full.contender : () => full.contender(1);
  close = () => full.stack.close();
} else if (which === "openapi-fetch") {
  contender = plainOpenapiFetch(url);
} else {
  throw new Error(`memory-child: expected esikit or openapi-fetch, got ${which}`);
}

const settle = async () => {
  // Twice, with a turn of the event loop between: finalizers and sockets' buffers go in the second pass.
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
};

await drive(contender, Number(early), 32, 1);
const after1 = await settle();
await drive(contender, Number(total) - Number(early), 32, Number(early) + 1);
const afterAll = await settle();
await close();
console.log(JSON.stringify({ early: after1, all: afterAll }));
