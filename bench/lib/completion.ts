import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

export interface CompletionTiming {
  /** Service created, program built, first completion answered. */
  coldMs: number;
  /** Median of completions after an edit elsewhere in the file (what each keystroke costs in an editor). */
  warmMs: number[];
  entries: number;
}

/**
 * Completion latency as an editor sees it, through TypeScript's LanguageService: `source` holds a `|` marker
 * where the cursor is; `dir` holds the app's tsconfig.json (its file is `app.ts`).
 */
export function completionLatency(dir: string, source: string, warmRuns: number): CompletionTiming {
  const appFile = join(dir, "app.ts");
  const position = source.indexOf("|");
  let text = source.replace("|", "");
  let version = 0;
  const config = ts.readConfigFile(join(dir, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, dir);
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [appFile],
    getScriptVersion: (f) => (f === appFile ? String(version) : "1"),
    getScriptSnapshot: (f) => {
      if (f === appFile) return ts.ScriptSnapshot.fromString(text);
      try {
        return ts.ScriptSnapshot.fromString(readFileSync(f, "utf8"));
      } catch {
        return undefined;
      }
    },
    getCurrentDirectory: () => dir,
    getCompilationSettings: () => options,
    getDefaultLibFileName: ts.getDefaultLibFilePath,
    fileExists: (f) => f === appFile || ts.sys.fileExists(f),
    readFile: (f) => (f === appFile ? text : ts.sys.readFile(f)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  let started = performance.now();
  const service = ts.createLanguageService(host, ts.createDocumentRegistry());
  const first = service.getCompletionsAtPosition(appFile, position, {});
  const coldMs = performance.now() - started;
  const entries = first?.entries.filter((e) => e.name.startsWith("/characters/")).length ?? 0;
  const warmMs: number[] = [];
  for (let i = 0; i < warmRuns; i++) {
    // An edit after the cursor, as typing elsewhere would: the service re-checks, the libraries stay parsed.
    text = `${text}\n// edit ${i}`;
    version++;
    started = performance.now();
    service.getCompletionsAtPosition(appFile, position, {});
    warmMs.push(performance.now() - started);
  }
  service.dispose();
  return { coldMs, warmMs, entries };
}
