/**
 * `npm test` runs this first: when generated/ is missing (right after `npm ci` on a fresh clone) it generates,
 * offline, so the tests always have types to check. An existing generation is left as it is.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { main } from "./generate.ts";

const meta = fileURLToPath(new URL("../generated/meta.json", import.meta.url));
if (!existsSync(meta)) {
  console.log("generated/ is missing: generating it first.");
  const code = await main(["--offline"]);
  if (code !== 0) process.exit(code);
}
