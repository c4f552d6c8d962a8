/**
 * `esikit generate --app DIR`: after a regeneration, type-checks the app (its own tsconfig.json) and lists the call
 * sites that no longer compile, grouped by the operation they call, `GET /path (OperationId)`, with what the change
 * report says broke in that operation.
 *
 * A diagnostic is tied to an operation by what the code names: the enclosing call's operationId or path string
 * (`esi.call("GetStatus")`, `esi.op.GetStatus()`, `esi.GET("/status")`), or, for an error further on (reading a
 * field that is gone), the call that produced the variable it reads (`const { data } = await esi.GET(...)`).
 * TypeScript is this package's own `typescript` (5.9), else the app's.
 */
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { existsSync } from "node:fs";
import type * as TS from "typescript";
import type { OpenApiDocument } from "../spec-document.ts";
import type { Change, ChangeReport, OperationName } from "./model.ts";
import { nameOf } from "./match.ts";
import { readSpecModel } from "./spec-model.ts";

export interface AppCheckOptions {
  /** The app's folder (its tsconfig.json is read). */
  appDir: string;
  /** The new spec, to name operations. */
  specs: OpenApiDocument[];
  /** The change report: names operations that are gone or renamed, and says under each what broke in it. */
  report?: ChangeReport;
  /** Diagnostics in these folders are not the app's own code (the generation itself). */
  ignoreDirs?: string[];
  /** The tsconfig file, when not DIR/tsconfig.json. */
  project?: string;
}

export interface CallSiteError {
  file: string;
  line: number;
  column: number;
  code: number;
  message: string;
}

export interface OperationBreak {
  /** `GET /path (OperationId)`, or null for errors no operation could be found for. */
  operation: string | null;
  errors: CallSiteError[];
  /** The breaking changes the report lists for the operation (its own and its components'). */
  changes: Change[];
}

export interface AppCheckResult {
  ok: boolean;
  typescriptVersion: string;
  /** Files type-checked. */
  files: number;
  groups: OperationBreak[];
  /** Errors outside the app's own files (its dependencies, the generation): counted, not listed. */
  elsewhere: number;
}

export class AppCheckError extends Error {
  override name = "AppCheckError";
}

type TypeScript = typeof TS;

/** This package's TypeScript, else the app's: the check needs a compiler, and the app may not ship one. */
export function loadTypeScript(appDir: string): TypeScript {
  for (const from of [import.meta.url, join(resolve(appDir), "package.json")]) {
    try {
      return createRequire(from)("typescript") as TypeScript;
    } catch {
      // Try the next place.
    }
  }
  throw new AppCheckError(`--app needs TypeScript: neither esikit nor ${appDir} can load the "typescript" package (npm install -D typescript)`);
}

const HTTP_METHODS = new Set(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]);

export function checkApp(options: AppCheckOptions): AppCheckResult {
  const appDir = resolve(options.appDir);
  const ts = loadTypeScript(appDir);
  const configPath = options.project ? resolve(options.project) : join(appDir, "tsconfig.json");
  if (!existsSync(configPath)) throw new AppCheckError(`--app ${options.appDir}: no ${relative(appDir, configPath) || configPath} there (the check type-checks the app with its own tsconfig)`);
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) throw new AppCheckError(`--app: ${configPath}: ${ts.flattenDiagnosticMessageText(read.error.messageText, " ")}`);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configPath), { noEmit: true }, configPath);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: { ...parsed.options, noEmit: true }, projectReferences: parsed.projectReferences ?? [] });
  const checker = program.getTypeChecker();
  const ignored = (options.ignoreDirs ?? []).map((d) => resolve(d) + sep);
  const own = (file: string) => {
    const path = resolve(file);
    return path.startsWith(appDir + sep) && !path.split(sep).includes("node_modules") && !ignored.some((d) => path.startsWith(d));
  };

  const ops = operationIndex(options.specs, options.report);
  const groups = new Map<string | null, CallSiteError[]>();
  let elsewhere = 0;
  for (const d of ts.getPreEmitDiagnostics(program)) {
    if (d.category !== ts.DiagnosticCategory.Error) continue;
    if (!d.file || d.start === undefined || !own(d.file.fileName)) {
      elsewhere++;
      continue;
    }
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    const node = nodeAt(ts, d.file, d.start);
    const operation = node ? operationAt(ts, checker, node, ops) : null;
    const list = groups.get(operation) ?? [];
    list.push({ file: relative(appDir, d.file.fileName), line: line + 1, column: character + 1, code: d.code, message: ts.flattenDiagnosticMessageText(d.messageText, " ").replace(/\s+/g, " ") });
    groups.set(operation, list);
  }
  const breaking = breakingByOperation(options.report);
  const result: OperationBreak[] = [...groups]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0))
    .map(([operation, errors]) => ({ operation, errors, changes: operation ? (breaking.get(operation) ?? []) : [] }));
  return {
    ok: result.length === 0,
    typescriptVersion: ts.version,
    files: program.getSourceFiles().filter((f) => own(f.fileName)).length,
    groups: result,
    elsewhere,
  };
}

interface OperationIndex {
  byId: Map<string, string>;
  /** "GET /status" and "/status" (any method, when the path has one operation) -> name. */
  byRoute: Map<string, string>;
}

/** Names by operationId and by route: the new spec's operations, then those the report says are gone or renamed. */
function operationIndex(specs: OpenApiDocument[], report: ChangeReport | undefined): OperationIndex {
  const byId = new Map<string, string>();
  const byRoute = new Map<string, string>();
  const byPath = new Map<string, Set<string>>();
  const add = (op: OperationName) => {
    if (!byId.has(op.operationId)) byId.set(op.operationId, op.name);
    const route = `${op.method} ${op.path}`;
    if (!byRoute.has(route)) byRoute.set(route, op.name);
    const names = byPath.get(op.path) ?? new Set<string>();
    names.add(route);
    byPath.set(op.path, names);
  };
  for (const spec of specs) for (const op of readSpecModel(spec).operations) add(nameOf(op));
  for (const r of report?.operations.removed ?? []) add(r.operation);
  for (const r of [...(report?.operations.renamed ?? []), ...(report?.operations.moved ?? [])]) add(r.from);
  // A path with one operation names it whatever the method the code used.
  for (const [path, routes] of byPath) if (routes.size === 1 && !byRoute.has(path)) byRoute.set(path, byRoute.get([...routes][0]!)!);
  return { byId, byRoute };
}

/** The innermost node that spans the position. */
function nodeAt(ts: TypeScript, file: TS.SourceFile, position: number): TS.Node | undefined {
  let found: TS.Node | undefined;
  const visit = (node: TS.Node) => {
    if (position < node.getStart(file) || position >= node.getEnd()) return;
    found = node;
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(file, visit);
  return found;
}

/** The operation a call names: `x.op.Id(...)`, or a first argument that is an operationId or a path. */
function operationOfCall(ts: TypeScript, call: TS.CallExpression, ops: OperationIndex): string | undefined {
  const callee = call.expression;
  if (ts.isPropertyAccessExpression(callee) && ts.isPropertyAccessExpression(callee.expression) && callee.expression.name.text === "op") {
    const byId = ops.byId.get(callee.name.text);
    if (byId) return byId;
  }
  const first = call.arguments[0];
  if (!first || !(ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) return undefined;
  const text = first.text;
  const byId = ops.byId.get(text);
  if (byId) return byId;
  if (!text.startsWith("/")) return undefined;
  const method = ts.isPropertyAccessExpression(callee) ? callee.name.text.toUpperCase() : ts.isIdentifier(callee) ? callee.text.toUpperCase() : "";
  if (HTTP_METHODS.has(method)) return ops.byRoute.get(`${method} ${text}`) ?? ops.byRoute.get(text) ?? `${method} ${text} (not in the spec)`;
  return ops.byRoute.get(text);
}

/** The first operation call inside a node (an initializer such as `await esi.GET(...)`). */
function callInside(ts: TypeScript, node: TS.Node, ops: OperationIndex): string | undefined {
  let found: string | undefined;
  const visit = (n: TS.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n)) found = operationOfCall(ts, n, ops);
    if (!found) ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

function operationAt(ts: TypeScript, checker: TS.TypeChecker, node: TS.Node, ops: OperationIndex): string | null {
  // 1. The call the error sits in.
  for (let n: TS.Node | undefined = node; n && !ts.isSourceFile(n); n = n.parent) {
    if (ts.isCallExpression(n)) {
      const op = operationOfCall(ts, n, ops);
      if (op) return op;
    }
    if (ts.isFunctionLike(n) || ts.isBlock(n)) break;
  }
  // 2. A call inside the node the error is reported on (a whole `return esi.op.X(...)` statement).
  const inside = callInside(ts, node, ops);
  if (inside) return inside;
  // 3. The call that made the value the erroring expression reads: follow its root identifier to its declaration.
  let root: TS.Node | undefined = node;
  while (root && root.parent && (ts.isPropertyAccessExpression(root.parent) || ts.isElementAccessExpression(root.parent)) && root.parent.expression !== root) root = root.parent;
  for (let hops = 0; root && hops < 4; hops++) {
    const start = leftmostIdentifier(ts, root);
    if (!start) break;
    const declaration = checker.getSymbolAtLocation(start)?.declarations?.[0];
    if (!declaration) break;
    let holder: TS.Node | undefined = declaration;
    while (holder && !ts.isVariableDeclaration(holder)) holder = ts.isBindingElement(holder) || ts.isObjectBindingPattern(holder) || ts.isArrayBindingPattern(holder) ? holder.parent : undefined;
    const initializer = holder && ts.isVariableDeclaration(holder) ? holder.initializer : undefined;
    if (!initializer) break;
    const op = callInside(ts, initializer, ops);
    if (op) return op;
    root = initializer;
  }
  return null;
}

function leftmostIdentifier(ts: TypeScript, node: TS.Node): TS.Identifier | undefined {
  let n: TS.Node = node;
  for (;;) {
    if (ts.isIdentifier(n)) return n;
    if (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n) || ts.isNonNullExpression(n) || ts.isParenthesizedExpression(n) || ts.isAwaitExpression(n)) {
      n = n.expression;
      continue;
    }
    if (ts.isCallExpression(n)) {
      n = n.expression;
      continue;
    }
    return undefined;
  }
}

/** Operation name -> the breaking changes the report lists for it (its own, its route's, and its components'). */
function breakingByOperation(report: ChangeReport | undefined): Map<string, Change[]> {
  const map = new Map<string, Change[]>();
  if (!report) return map;
  const add = (name: string, change: Change) => {
    if (change.level !== "breaking") return;
    const list = map.get(name) ?? [];
    list.push(change);
    map.set(name, list);
  };
  for (const r of report.operations.removed) add(r.operation.name, r.change);
  for (const r of [...report.operations.renamed, ...report.operations.moved]) {
    add(r.from.name, r.change);
    add(r.to.name, r.change);
  }
  for (const c of report.operations.changed) for (const change of c.changes) add(c.operation.name, change);
  for (const component of report.components) {
    for (const name of component.operations) for (const change of component.changes) add(name, change);
  }
  return map;
}

export function formatAppCheck(result: AppCheckResult, appDir: string): string {
  if (result.ok) {
    return `App check (${appDir}, TypeScript ${result.typescriptVersion}): ${result.files} files type-check against the new generation.${result.elsewhere ? ` (${result.elsewhere} errors outside the app's own files not listed.)` : ""}`;
  }
  const count = result.groups.reduce((n, g) => n + g.errors.length, 0);
  const lines = [`App check (${appDir}, TypeScript ${result.typescriptVersion}): ${count} error${count === 1 ? "" : "s"} in the app's code, by operation:`];
  for (const group of result.groups) {
    lines.push(`  ${group.operation ?? "(no operation found at these sites)"}:`);
    for (const e of group.errors) lines.push(`    ${e.file}:${e.line}:${e.column} TS${e.code}: ${e.message}`);
    for (const c of group.changes) {
      lines.push(`    report: ${c.where === "operation" ? "" : `${c.where}: `}${c.text}`);
      if (c.whatToDo) lines.push(`      what to do: ${c.whatToDo}`);
    }
  }
  if (result.elsewhere) lines.push(`  (${result.elsewhere} errors outside the app's own files not listed.)`);
  return lines.join("\n");
}

