import type { OperationRow } from "./operation-table.ts";

export interface TableHeader {
  compatibilityDate: string;
  specHash: string;
  /** The path prefix the spec's servers or basePath put before every path ("" for ESI 3.x, "/latest" legacy). */
  basePath: string;
  scopes: string[];
}

/** generated/operations.ts: a plain `as const` table, so the client's types can read it and no parsing happens at start-up. */
export function emitTable(rows: readonly OperationRow[], header: TableHeader, banner: string): string {
  const lines = [
    banner,
    `export const compatibilityDate = ${JSON.stringify(header.compatibilityDate)} as const;`,
    `export const specHash = ${JSON.stringify(header.specHash)} as const;`,
    `export const basePath = ${JSON.stringify(header.basePath)} as const;`,
    `/** Every OAuth scope the spec names. */`,
    `export const allScopes = ${JSON.stringify(header.scopes)} as const;`,
    "",
    "export const operations = {",
  ];
  for (const row of rows) {
    const { operationId, ...rest } = row;
    lines.push(`  ${JSON.stringify(operationId)}: ${JSON.stringify(rest)},`);
  }
  lines.push("} as const;", "");
  return lines.join("\n");
}
