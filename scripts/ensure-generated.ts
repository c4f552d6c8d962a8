/**
 * `npm test` runs this first: when generated/ is not a whole generation (right after `npm ci` on a fresh clone, or
 * one written by an older esikit, or damaged) it generates, offline, so the tests always have types to check. A
 * whole generation is left as it is, whatever spec it was made from.
 */
import { fileURLToPath } from "node:url";
import { main } from "./generate.ts";
import { checkGenerationDir } from "./lib/generation-dir.ts";

const generated = fileURLToPath(new URL("../generated/", import.meta.url));
const check = await checkGenerationDir(generated);
if (!check.ok) {
  console.log(`generated/ is not a whole generation (${check.reason}): generating it first.`);
  const code = await main(["--offline"]);
  if (code !== 0) process.exit(code);
}
