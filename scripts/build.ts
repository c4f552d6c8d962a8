/**
 * npm run build: compiles src/ and the generator (scripts/generate.ts, scripts/lib/) to dist/ as ESM JavaScript with
 * declarations and no source maps (the package ships no .ts sources for them to point at), then copies in what tsc
 * does not emit: the package's own generation (generated/: JavaScript, declarations, the spec and its manifest) and
 * the errata the generator applies (scripts/errata/). The installed package runs all of it in plain Node.
 */
import { execFileSync } from "node:child_process";
import { cpSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkGenerationDir } from "./lib/generation-dir.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const generated = join(root, "generated");
const check = await checkGenerationDir(generated);
if (!check.ok) {
  console.error(`generated/ is not a whole generation (${check.reason}): run \`npm run generate\` first.`);
  process.exit(1);
}
rmSync(join(root, "dist"), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/lib/tsc.js");
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
cpSync(generated, join(root, "dist", "generated"), { recursive: true });
// The entry points an app imports are bundled over tsc's per-file output (declarations stay per file): loading one
// module instead of some seventy halves start-up. Shared code goes to chunks, so "esikit", "esikit/runtime" and
// "esikit/testing" share one EsiError class; packages stay external, and what loads on first use stays a chunk.
const { build } = await import("esbuild");
await build({
  entryPoints: ["index.ts", "runtime.ts", "testing/index.ts", "stores/redis/index.ts", "stores/sqlite-token-store.ts", "cli/main.ts"].map((f) => join(root, "src", f)),
  outbase: join(root, "src"),
  outdir: join(root, "dist", "src"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  allowOverwrite: true,
  logLevel: "warning",
});
const errata = join(root, "scripts", "errata");
for (const name of readdirSync(errata).filter((n) => n.endsWith(".json") || n.endsWith(".md"))) {
  cpSync(join(errata, name), join(root, "dist", "scripts", "errata", name));
}
console.log("dist/ built.");
