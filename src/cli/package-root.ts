import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The esikit package folder: the nearest folder above this file whose package.json is esikit's (src/ or dist/src/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "esikit") return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("esikit's package.json was not found above the CLI");
    dir = parent;
  }
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}

/**
 * The ESI compatibility date of the generation the package ships (the one `import { createEsiClient } from "esikit"`
 * calls with): generated/ beside src/ in a checkout, dist/generated/ in the installed package. Read from the
 * generation's manifest; undefined when there is none (a checkout that has not generated yet).
 */
export function packageCompatibilityDate(): string | undefined {
  // The installed package has dist/generated/; a checkout has generated/ (and dist/ only once built).
  const root = packageRoot();
  for (const manifest of [join(root, "dist", "generated", "meta.json"), join(root, "generated", "meta.json")]) {
    try {
      const { specDate } = JSON.parse(readFileSync(manifest, "utf8")) as { specDate?: unknown };
      if (typeof specDate === "string") return specDate;
    } catch {
      // not there: the next place
    }
  }
  return undefined;
}

/** What `esikit --version` prints: the package version and the compatibility date its client calls ESI with. */
export function versionText(): string {
  const date = packageCompatibilityDate();
  return `${packageVersion()} (ESI compatibility date ${date ?? "unknown: no generation yet, run `npm run generate`"})`;
}
