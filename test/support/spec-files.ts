import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The real ESI spec copies live outside the repository (they are never committed): in ../shared/esi-spec beside
 * the checkout, or wherever ESIKIT_SPEC_DIR points. Tests that need them skip with this reason when absent.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
export const SPEC_DIR = resolve(process.env.ESIKIT_SPEC_DIR ?? join(root, "../shared/esi-spec"));
export const specFile = (name: string): string => join(SPEC_DIR, name);
export const HAVE_REAL_SPECS = existsSync(specFile("openapi.json"));
export const NO_SPECS_REASON = `the real ESI spec copies are not in ${SPEC_DIR} (set ESIKIT_SPEC_DIR)`;
