import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import fastJsonPatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";
import { SpecError } from "./spec-error.ts";
import type { OpenApiDocument } from "./spec-document.ts";

/**
 * One erratum: a documented JSON Patch (RFC 6902) that makes the spec say what ESI really does.
 * A patch that starts with "test" operations applies only where they hold, and `absent` lists what the spec lacks
 * and the erratum adds, so an erratum CCP has since fixed is skipped (and reported), not forced onto a spec that no
 * longer needs it.
 */
export interface Erratum {
  id: string;
  description: string;
  /** How the behaviour was seen (routes, dates, other clients, the legacy spec): why the erratum is right. */
  evidence?: string[];
  /**
   * JSON pointers that must not exist in the spec for the erratum to apply (JSON Patch can test a value but not an
   * absence). When one exists, the spec now says it itself: the erratum is skipped as no longer needed.
   */
  absent?: string[];
  /** Which spec formats the pointers are written for, after conversion to OpenAPI 3. */
  appliesTo?: Array<"openapi-3.1" | "openapi-3.0" | "swagger-2.0">;
  patch: Operation[];
}

export interface ErrataResult {
  applied: string[];
  skipped: Array<{ id: string; reason: string }>;
}

export async function loadErrata(dir: string): Promise<{ errata: Erratum[]; raw: string }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(".json")).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { errata: [], raw: "" };
    throw error;
  }
  const errata: Erratum[] = [];
  let raw = "";
  for (const name of names) {
    const text = await readFile(join(dir, name), "utf8");
    raw += `${name}\n${text}\n`;
    let parsed: Erratum;
    try {
      parsed = JSON.parse(text) as Erratum;
    } catch (error) {
      throw new SpecError(`erratum ${join(dir, name)} is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof parsed.description !== "string" || !Array.isArray(parsed.patch)) {
      throw new SpecError(`erratum ${join(dir, name)} needs a "description" and a "patch" array`);
    }
    if (parsed.absent !== undefined && (!Array.isArray(parsed.absent) || !parsed.absent.every((p) => typeof p === "string" && p.startsWith("/")))) {
      throw new SpecError(`erratum ${join(dir, name)}: "absent" must be a list of JSON pointers ("/paths/...")`);
    }
    errata.push({ ...parsed, id: parsed.id ?? name.replace(/\.json$/, "") });
  }
  return { errata, raw };
}

/** Applies the errata in place, in order; a patch applies whole or not at all. */
export function applyErrata(
  doc: OpenApiDocument,
  errata: readonly Erratum[],
  format: NonNullable<Erratum["appliesTo"]>[number],
): ErrataResult {
  const result: ErrataResult = { applied: [], skipped: [] };
  for (const erratum of errata) {
    if (erratum.appliesTo && !erratum.appliesTo.includes(format)) {
      result.skipped.push({ id: erratum.id, reason: `written for ${erratum.appliesTo.join(", ")}` });
      continue;
    }
    const error = fastJsonPatch.validate(erratum.patch, doc);
    if (error) {
      // A guard ("test") that fails, or leads nowhere, means this spec is not the one the erratum was written for.
      const failed = erratum.patch[error.index ?? -1];
      if (failed?.op !== "test") throw new SpecError(`erratum ${erratum.id} cannot apply: ${error.message.split("\n")[0]!}`);
      const reason =
        error.name === "TEST_OPERATION_FAILED"
          ? `its test does not hold (${failed.path}): the spec changed there`
          : `does not apply to this spec (${failed.path} is not in it)`;
      result.skipped.push({ id: erratum.id, reason });
      continue;
    }
    // After the tests, which say the pointers still lead where the erratum was written for.
    const present = (erratum.absent ?? []).find((pointer) => pointerExists(doc, pointer));
    if (present !== undefined) {
      result.skipped.push({ id: erratum.id, reason: `no longer needed (the spec now has ${present})` });
      continue;
    }
    fastJsonPatch.applyPatch(doc, erratum.patch, false, true);
    result.applied.push(erratum.id);
  }
  return result;
}

function pointerExists(doc: unknown, pointer: string): boolean {
  let target = doc;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (target === null || typeof target !== "object" || !Object.hasOwn(target, key)) return false;
    target = (target as Record<string, unknown>)[key];
  }
  return true;
}
