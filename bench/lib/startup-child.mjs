// One fresh process of the start-up bench (plain JavaScript: no loader between node and the code measured).
//   node bench/lib/startup-child.mjs esikit /path/to/compiled/src/index.js
//   node bench/lib/startup-child.mjs openapi-fetch
// Imports the library, creates a client, and prints how long that took in the process and since it began
// (performance.now() counts from process start).
const [which, entry] = process.argv.slice(2);
const started = performance.now();
if (which === "esikit") {
  const { createEsiClient } = await import(entry);
  createEsiClient({ userAgent: "esikit-bench/1.0 (bench@example.com)" });
} else if (which === "openapi-fetch") {
  const { default: createClient } = await import("openapi-fetch");
  createClient({ baseUrl: "https://esi.evetech.net" });
} else {
  throw new Error(`startup-child: expected esikit ENTRY or openapi-fetch, got ${which}`);
}
const done = performance.now();
console.log(JSON.stringify({ importAndCreateMs: done - started, sinceProcessStartMs: done }));
