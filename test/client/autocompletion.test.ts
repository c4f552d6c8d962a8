import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * What an IDE shows: the TypeScript language service, asked for completions inside real calls, over the real
 * generated types. A virtual file stands in for the app's code.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const appFile = join(root, "test/client/__completion_app__.ts");
let service: ts.LanguageService;
let appSource = "";

function completionsAt(source: string, marker: string): string[] {
  appSource = source.replace(marker, "");
  const position = source.indexOf(marker);
  const result = service.getCompletionsAtPosition(appFile, position, {});
  return (result?.entries ?? []).map((e) => e.name);
}

beforeAll(() => {
  const config = ts.readConfigFile(join(root, "tsconfig.json"), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  let version = 0;
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [appFile],
    getScriptVersion: (f) => (f === appFile ? String(++version) : "1"),
    getScriptSnapshot: (f) => {
      if (f === appFile) return ts.ScriptSnapshot.fromString(appSource);
      try {
        return ts.ScriptSnapshot.fromString(readFileSync(f, "utf8"));
      } catch {
        return undefined;
      }
    },
    getCurrentDirectory: () => root,
    getCompilationSettings: () => parsed.options,
    getDefaultLibFileName: ts.getDefaultLibFilePath,
    fileExists: (f) => f === appFile || ts.sys.fileExists(f),
    readFile: (f) => (f === appFile ? appSource : ts.sys.readFile(f)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  service = ts.createLanguageService(host, ts.createDocumentRegistry());
});

const prelude = `import { createEsiClient } from "../../src/index.ts";\nconst esi = createEsiClient({ userAgent: "x" });\n`;

describe("IDE autocompletion", () => {
  it("lists the spec's character paths inside esi.GET(\"/characters/", () => {
    const names = completionsAt(`${prelude}esi.GET("/characters/|");`, "|");
    expect(names).toContain("/characters/{character_id}/wallet");
    expect(names).toContain("/characters/{character_id}/assets");
    expect(names.filter((n) => n.startsWith("/characters/")).length).toBeGreaterThan(50);
    // Only GET paths: /characters/affiliation is POST-only.
    expect(names).not.toContain("/characters/affiliation");
  });

  it("lists an operation's query parameters inside a call's params", () => {
    const names = completionsAt(
      `${prelude}esi.GET("/markets/{region_id}/orders", { params: { path: { region_id: 1 }, query: { | } } });`,
      "|",
    );
    expect(names).toEqual(expect.arrayContaining(["order_type", "page", "type_id"]));
  });

  it("lists an operation's flat parameters for a call by operationId", () => {
    const names = completionsAt(`${prelude}esi.op.GetMarketsRegionIdOrders({ | });`, "|");
    expect(names).toEqual(expect.arrayContaining(["region_id", "order_type", "page", "type_id"]));
  });

  it("lists operationIds after esi.op.", () => {
    const names = completionsAt(`${prelude}esi.op.|`, "|");
    expect(names).toContain("GetCharactersCharacterIdWallet");
    expect(names.length).toBeGreaterThanOrEqual(200);
  });
});
