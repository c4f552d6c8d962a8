/** Left-aligned columns separated by two spaces, a header line first: readable in a terminal, easy to grep or cut. */
export function formatColumns(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/**
 * ESI data as a table: a list of objects gets one column per field (in order of first appearance), an object one
 * row per field, a list of plain values one column. Nested values are shown as compact JSON.
 */
export function formatData(data: unknown): string {
  if (Array.isArray(data)) {
    if (data.length === 0) return "(no items)";
    if (data.every((item) => isRecord(item))) {
      const columns = [...new Set(data.flatMap((item) => Object.keys(item as object)))];
      return formatColumns(columns, data.map((item) => columns.map((column) => cell((item as Record<string, unknown>)[column]))));
    }
    return formatColumns(["value"], data.map((item) => [cell(item)]));
  }
  if (isRecord(data)) return formatColumns(["field", "value"], Object.entries(data).map(([key, value]) => [key, cell(value)]));
  return cell(data);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
