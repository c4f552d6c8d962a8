/**
 * npm run build: compiles src/ and generated/ to dist/ (ESM JavaScript + declarations) for publishing.
 * tsc does not copy .d.ts inputs, so the generated types file is copied beside the compiled table.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
if (!existsSync(`${root}generated/esi.d.ts`)) {
  console.error("generated/ is missing: run `npm run generate` first.");
  process.exit(1);
}
rmSync(`${root}dist`, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/lib/tsc.js");
execFileSync(process.execPath, [tsc, "-p", `${root}tsconfig.build.json`], { stdio: "inherit" });
copyFileSync(`${root}generated/esi.d.ts`, `${root}dist/generated/esi.d.ts`);
console.log("dist/ built.");
