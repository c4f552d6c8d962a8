import { createHash } from "node:crypto";
import { SpecError } from "./spec-error.ts";

/** The parts of an OpenAPI 3.x document the generator reads; the rest passes through untouched. */
export interface OpenApiDocument {
  openapi: string;
  info: { title?: string; version: string };
  servers?: Array<{ url: string }>;
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [extension: string]: unknown;
}

export type SpecFormat = "openapi-3.1" | "openapi-3.0" | "swagger-2.0";

export interface LoadedSpec {
  /** The bytes as read: what is hashed and kept in swagger-cache/. */
  raw: Buffer;
  /** sha256 of the raw bytes, hex. */
  hash: string;
  format: SpecFormat;
  /** The parsed document as it came, before any conversion. */
  original: Record<string, unknown>;
  /** Where it came from, for messages. */
  origin: string;
}

export function hashBytes(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Parses and checks a spec's shape; every failure names the origin and what was wrong. */
export function parseSpec(raw: Buffer, origin: string): LoadedSpec {
  let original: unknown;
  try {
    original = JSON.parse(raw.toString("utf8"));
  } catch (error) {
    throw new SpecError(`${origin}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (original === null || typeof original !== "object" || Array.isArray(original)) {
    throw new SpecError(`${origin}: expected a JSON object at the top level, got ${describe(original)}`);
  }
  const doc = original as Record<string, unknown>;
  const format = detectFormat(doc, origin);
  const info = doc.info as Record<string, unknown> | undefined;
  if (!info || typeof info !== "object" || typeof info.version !== "string") {
    throw new SpecError(`${origin}: info.version is missing (it carries the compatibility date)`);
  }
  if (!doc.paths || typeof doc.paths !== "object" || Array.isArray(doc.paths)) {
    throw new SpecError(`${origin}: "paths" is missing or not an object`);
  }
  if (Object.keys(doc.paths).length === 0) throw new SpecError(`${origin}: "paths" is empty: no operations to generate`);
  return { raw, hash: hashBytes(raw), format, original: doc, origin };
}

function detectFormat(doc: Record<string, unknown>, origin: string): SpecFormat {
  if (typeof doc.openapi === "string") {
    if (doc.openapi.startsWith("3.1")) return "openapi-3.1";
    if (doc.openapi.startsWith("3.0")) return "openapi-3.0";
    throw new SpecError(`${origin}: unsupported openapi version "${doc.openapi}" (3.0 and 3.1 are read)`);
  }
  if (doc.swagger === "2.0") return "swagger-2.0";
  if ("swagger" in doc) throw new SpecError(`${origin}: unsupported swagger version ${JSON.stringify(doc.swagger)} (2.0 is read)`);
  throw new SpecError(`${origin}: neither "openapi" nor "swagger" is set: this is not an OpenAPI or Swagger document`);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

/** The compatibility date of an ESI spec (info.version, "2026-08-04"); legacy specs carry a version like "1.17". */
export function specDateOf(doc: { info: { version: string } }): string {
  return doc.info.version;
}
