import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";
import { ROOT } from "./processes.ts";

/**
 * esikit as users run it: src/ and generated/ compiled to JavaScript with the build's own options
 * (tsconfig.build.json), file by file (ts.transpileModule: the same emit as `npm run build`, without its type-check).
 * Written under .tmp/ inside the checkout so the compiled files resolve node_modules. Returns the directory.
 */
export function compileDist(): string {
  const config = ts.readConfigFile(join(ROOT, "tsconfig.build.json"), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  mkdirSync(join(ROOT, ".tmp"), { recursive: true });
  const out = mkdtempSync(join(ROOT, ".tmp", "bench-dist-"));
  // ESNext: transpileModule cannot see package.json "type": "module", which makes NodeNext emit ESM in the real build.
  const compilerOptions = { ...options, module: ts.ModuleKind.ESNext, declaration: false, sourceMap: false, noEmit: false };
  // The generation is JavaScript already: copied as it is.
  mkdirSync(join(out, "generated"), { recursive: true });
  for (const name of ["operations.js", "openapi.json"]) copyFileSync(join(ROOT, "generated", name), join(out, "generated", name));
  for (const file of sourceFiles(join(ROOT, "src"))) {
    const { outputText } = ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions, fileName: file });
    const target = join(out, relative(ROOT, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}
