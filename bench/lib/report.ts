/** One line of the final table: a figure for esikit, its baseline measured in the same run, and the target. */
export interface BenchRow {
  bench: string;
  metric: string;
  esikit: string;
  baseline: string;
  ratio: string;
  target: string;
  /** null: informational, or the part of esikit it measures is not built yet. */
  met: boolean | null;
}

export interface BenchContext {
  /** Tiny sizes and single runs: the smoke test's mode, so the scripts cannot rot. */
  smoke: boolean;
  log(message: string): void;
}

export interface Bench {
  name: string;
  run(context: BenchContext): Promise<BenchRow[]>;
}

const COLUMNS: Array<[keyof BenchRow, string]> = [
  ["bench", "bench"],
  ["metric", "metric"],
  ["esikit", "esikit"],
  ["baseline", "baseline"],
  ["ratio", "ratio"],
  ["target", "target"],
  ["met", "met"],
];

const cell = (row: BenchRow, key: keyof BenchRow): string =>
  key === "met" ? (row.met === null ? "-" : row.met ? "yes" : "NO") : String(row[key]);

export function formatTable(rows: readonly BenchRow[]): string {
  const widths = COLUMNS.map(([key, title]) => Math.max(title.length, ...rows.map((r) => cell(r, key).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(COLUMNS.map(([, t]) => t)), line(widths.map((w) => "-".repeat(w))), ...rows.map((r) => line(COLUMNS.map(([k]) => cell(r, k))))].join("\n");
}

export function formatMarkdown(rows: readonly BenchRow[]): string {
  const line = (values: string[]) => `| ${values.join(" | ")} |`;
  return [line(COLUMNS.map(([, t]) => t)), line(COLUMNS.map(() => "---")), ...rows.map((r) => line(COLUMNS.map(([k]) => cell(r, k).replaceAll("|", "\\|"))))].join("\n");
}
