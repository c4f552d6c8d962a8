import { readFileSync } from "node:fs";
import type { OperationInfo } from "../../src/generation.ts";

/**
 * The two apps the types bench compiles: one call per operation of the spec, with valid arguments, through esikit
 * (`esi.GET(path, { params })`) and through plain openapi-fetch on the raw openapi-typescript types (which also need
 * the X-Compatibility-Date header parameter that esikit fills in itself).
 */

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minimum?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  default?: unknown;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
};
type Parameter = { $ref?: string; name: string; in: string; required?: boolean; schema?: Schema };
type Operation = { parameters?: Parameter[]; requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> } };
interface Spec {
  paths: Record<string, Record<string, Operation> & { parameters?: Parameter[] }>;
  components?: { schemas?: Record<string, Schema>; parameters?: Record<string, Parameter> };
}

export interface TypeApps {
  esikit: string;
  plain: string;
  operations: number;
}

function resolve<T extends { $ref?: string }>(spec: Spec, value: T): T {
  let current = value;
  while (current.$ref) {
    const [, , section, name] = current.$ref.split("/");
    current = (spec.components as Record<string, Record<string, T>>)[section!]![name!]!;
  }
  return current;
}

/** A value valid against a schema: first enum member, smallest allowed number, one item per array, required keys and defaults. */
export function sampleValue(spec: Spec, raw: Schema, depth = 0): unknown {
  const schema = resolve(spec, raw);
  if (depth > 8) return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.oneOf?.length) return sampleValue(spec, schema.oneOf[0]!, depth + 1);
  if (schema.anyOf?.length) return sampleValue(spec, schema.anyOf[0]!, depth + 1);
  if (schema.allOf?.length) return Object.assign({}, ...schema.allOf.map((s) => sampleValue(spec, s, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "integer":
    case "number":
      return Math.max(1, schema.minimum ?? 1);
    case "boolean":
      return false;
    case "string":
      if (schema.format === "date-time") return "2026-08-04T12:00:00Z";
      if (schema.format === "date") return "2026-08-04";
      if (schema.format === "uuid") return "00000000-0000-4000-8000-000000000000";
      return "bench";
    case "array":
      return schema.items ? [sampleValue(spec, schema.items, depth + 1)] : [];
    default: {
      // openapi-typescript makes a property with a default non-optional too (its defaultNonNullable).
      const out: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        const resolved = resolve(spec, property);
        if (resolved.default !== undefined) out[key] = resolved.default;
        else if (schema.required?.includes(key)) out[key] = sampleValue(spec, property, depth + 1);
      }
      for (const key of schema.required ?? []) if (!(key in out)) out[key] = sampleValue(spec, {}, depth + 1);
      return out;
    }
  }
}

export function buildTypeApps(specFile: string, operations: readonly OperationInfo[], imports: { esikit: string; plainTypes: string }): TypeApps {
  const spec = JSON.parse(readFileSync(specFile, "utf8")) as Spec;
  const esikitCalls: string[] = [];
  const plainCalls: string[] = [];
  for (const info of operations) {
    const item = spec.paths[info.path];
    const operation = item?.[info.method];
    if (!item || !operation) throw new Error(`types bench: ${info.method} ${info.path} is in generated/ but not in ${specFile}`);
    const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((p) => resolve(spec, p));
    const group = (where: string) =>
      Object.fromEntries(parameters.filter((p) => p.in === where && p.required).map((p) => [p.name, sampleValue(spec, p.schema ?? {})]));
    const path = group("path");
    const query = group("query");
    const header = group("header");
    const bodySchema = operation.requestBody?.content?.["application/json"]?.schema;
    const body = bodySchema && operation.requestBody?.required ? `, body: ${JSON.stringify(sampleValue(spec, bodySchema))}` : "";
    const params = (extra: Record<string, unknown>) => {
      const parts = Object.entries({ path, query, ...extra }).filter(([, v]) => Object.keys(v as object).length > 0);
      return `{ ${parts.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(", ")} }`;
    };
    const method = info.method.toUpperCase();
    esikitCalls.push(`  await esi.${method}("${info.path}", { params: ${params({})}${body} });`);
    plainCalls.push(`  await client.${method}("${info.path}", { params: ${params({ header })}${body} });`);
  }
  return {
    operations: esikitCalls.length,
    esikit: [
      `import { createEsiClient } from "${imports.esikit}";`,
      `const esi = createEsiClient({ userAgent: "bench/1.0 (bench@example.com)" });`,
      `export async function everyOperation(): Promise<void> {`,
      ...esikitCalls,
      `}`,
      ``,
    ].join("\n"),
    plain: [
      `import createClient from "openapi-fetch";`,
      `import type { paths } from "${imports.plainTypes}";`,
      `const client = createClient<paths>({ baseUrl: "https://esi.evetech.net" });`,
      `export async function everyOperation(): Promise<void> {`,
      ...plainCalls,
      `}`,
      ``,
    ].join("\n"),
  };
}
