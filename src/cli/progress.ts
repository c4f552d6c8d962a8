/** What a walk over many pages reports as each page arrives. */
export interface Progress {
  /** `total`: pages in all when the operation says (X-Pages), else undefined (cursors, from_id). */
  page(done: number, total: number | undefined, items: number): void;
  finish(): void;
}

interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * Progress on stderr, never stdout (stdout carries the data): a bar redrawn in place on a terminal, and one plain
 * line per page when stderr is a file, a pipe or a CI log, where carriage returns would only make noise.
 */
export function createProgress(label: string, stream: ProgressStream = process.stderr): Progress {
  let drawn = false;
  if (!stream.isTTY) {
    return {
      page(done, total, items) {
        stream.write(`${label}: page ${done}${total === undefined ? "" : `/${total}`}, ${items} items\n`);
      },
      finish() {},
    };
  }
  return {
    page(done, total, items) {
      const counts = `${done}${total === undefined ? "" : `/${total}`} pages, ${items} items`;
      let bar = "";
      if (total !== undefined && total > 0) {
        const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - counts.length - 6));
        const filled = Math.round((done / total) * width);
        bar = ` [${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
      }
      stream.write(`\r\x1b[2K${label}${bar} ${counts}`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write("\n");
    },
  };
}
