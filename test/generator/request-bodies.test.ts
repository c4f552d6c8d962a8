import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, tempDir, typeErrors } from "./helpers.ts";

/**
 * Issue 12: request bodies typed as the spec's `required` says, for EVERY request body of the spec. Read from this
 * checkout's generated/ (what `npm test` generates first): its openapi.json (the spec as esikit read it) and the
 * esi.d.ts made from it. For each body: the smallest value the spec allows (only required properties, at every
 * depth) must type-check, and leaving out any one required property must not. Checked with TypeScript 5.9 (the
 * compiler API) and TypeScript 7 (its tsc), the two an app may use.
 */
const GENERATED = join(ROOT, "generated");
type Json = Record<string, any>;

function loadSpec(): Json {
  const file = join(GENERATED, "openapi.json");
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run generate\` (npm test does it first)`);
  return JSON.parse(readFileSync(file, "utf8"));
}

function resolver(spec: Json) {
  return function resolve(value: Json): Json {
    let target = value;
    for (let hops = 0; target?.$ref; hops++) {
      if (hops > 50) throw new Error(`reference cycle at ${value.$ref}`);
      target = (target.$ref as string).slice(2).split("/").reduce((o: Json, k) => o[k.replace(/~1/g, "/").replace(/~0/g, "~")], spec);
    }
    return target;
  };
}

/** The smallest value a schema allows: required properties only, minItems items, the first enum value, the minimum. */
function minimalValue(schema: Json, resolve: (v: Json) => Json, depth = 0): unknown {
  const s = resolve(schema);
  if (depth > 20) throw new Error("schema too deep for a minimal value");
  if (s.allOf) return Object.assign({}, ...s.allOf.map((m: Json) => minimalValue(m, resolve, depth + 1)));
  if (s.oneOf ?? s.anyOf) return minimalValue((s.oneOf ?? s.anyOf)[0], resolve, depth + 1);
  if (s.enum) return s.enum[0];
  if (s.const !== undefined) return s.const;
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== "null") : s.type;
  switch (type ?? (s.properties ? "object" : undefined)) {
    case "object": {
      const out: Json = {};
      for (const name of s.required ?? []) out[name] = minimalValue(s.properties?.[name] ?? {}, resolve, depth + 1);
      return out;
    }
    case "array":
      return Array.from({ length: s.minItems ?? 0 }, () => minimalValue(s.items ?? {}, resolve, depth + 1));
    case "integer":
    case "number":
      return s.minimum ?? (typeof s.exclusiveMinimum === "number" ? s.exclusiveMinimum + 1 : 1);
    case "string":
      return "x".repeat(Math.max(1, s.minLength ?? 1));
    case "boolean":
      return false;
    default:
      return null;
  }
}

interface Body {
  operationId: string;
  /** The smallest valid body. */
  minimal: unknown;
  /** For an array body, one minimal item, to check the items' own types. */
  withOneItem?: unknown;
  /** The minimal body without one of its required properties (top level), each one; for @ts-expect-error. */
  missingOne: Array<{ property: string; value: unknown }>;
}

function requestBodies(spec: Json): Body[] {
  const resolve = resolver(spec);
  const bodies: Body[] = [];
  for (const item of Object.values(spec.paths) as Json[]) {
    for (const op of Object.values(item) as Json[]) {
      if (!op?.requestBody) continue;
      const schema = resolve(resolve(op.requestBody).content["application/json"].schema);
      const minimal = minimalValue(schema, resolve);
      const body: Body = { operationId: op.operationId, minimal, missingOne: [] };
      if (schema.type === "array") body.withOneItem = [minimalValue(schema.items ?? {}, resolve)];
      for (const property of schema.required ?? []) {
        const { [property]: _left, ...rest } = minimal as Json;
        body.missingOne.push({ property, value: rest });
      }
      bodies.push(body);
    }
  }
  return bodies;
}

/** One .ts file: every body assigned to its type; each body short of one required property under @ts-expect-error. */
function checkFile(bodies: Body[]): string {
  const lines = [
    `import type { operations } from ${JSON.stringify(join(GENERATED, "esi.js"))};`,
    `type BodyOf<Id extends keyof operations> = NonNullable<operations[Id]["requestBody"]> extends { content: { "application/json": infer B } } ? B : never;`,
  ];
  bodies.forEach((b, i) => {
    lines.push(`export const minimal${i}: BodyOf<${JSON.stringify(b.operationId)}> = ${JSON.stringify(b.minimal)};`);
    if (b.withOneItem) lines.push(`export const oneItem${i}: BodyOf<${JSON.stringify(b.operationId)}> = ${JSON.stringify(b.withOneItem)};`);
    b.missingOne.forEach((m, j) => {
      lines.push(`// @ts-expect-error ${b.operationId} requires ${m.property}`, `export const missing${i}_${j}: BodyOf<${JSON.stringify(b.operationId)}> = ${JSON.stringify(m.value)};`);
    });
  });
  // The case issue 12 found: the spec's RouteRequestBody requires nothing, and security_penalty has a default.
  lines.push(`export const route: BodyOf<"PostRoute"> = { preference: "Safer" };`);
  lines.push(`// @ts-expect-error not one of the spec's preferences`, `export const badRoute: BodyOf<"PostRoute"> = { preference: "Fastest" };`);
  return `${lines.join("\n")}\n`;
}

describe("request body types, over every request body of the spec", () => {
  let bodies: Body[];
  let file: string;
  beforeAll(async () => {
    bodies = requestBodies(loadSpec());
    file = join(await tempDir("bodies"), "bodies.ts");
    await writeFile(file, checkFile(bodies));
  });

  it("finds the spec's request bodies, objects with and without required properties among them", () => {
    expect(bodies.length).toBeGreaterThanOrEqual(20);
    expect(bodies.some((b) => b.missingOne.length > 0)).toBe(true);
    expect(bodies.find((b) => b.operationId === "PostRoute")).toMatchObject({ minimal: {}, missingOne: [] });
  });

  it("type-check with only their required properties, and fail without any one of them (TypeScript 5.9)", () => {
    expect(typeErrors([file], { only: [file] })).toBe("");
  }, 120_000);

  it("type-check the same under TypeScript 7", async () => {
    const tsc7 = join(ROOT, "node_modules", "typescript-7", "bin", "tsc");
    const config = join(file, "..", "tsconfig.json");
    await writeFile(
      config,
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noUncheckedIndexedAccess: true,
          noEmit: true,
          target: "es2022",
          module: "esnext",
          moduleResolution: "bundler",
          types: [],
          lib: ["es2022"],
        },
        files: ["bodies.ts"],
      }),
    );
    const result = await promisify(execFile)(process.execPath, [tsc7, "-p", config], { cwd: join(file, ".."), timeout: 120_000 }).then(
      (r) => ({ code: 0, output: r.stdout + r.stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? 1, output: `${error.stdout ?? ""}${error.stderr ?? ""}` }),
    );
    expect(result).toEqual({ code: 0, output: "" });
  }, 120_000);
});
