/**
 * The change report between two specs (both OpenAPI 3.x as the generator used them, errata applied): operations
 * matched by route then operationId, shared components said once with the number of operations using them, each
 * operation's own changes, the security schemes' scopes, and the compatibility date, said once.
 */
import type { OpenApiDocument } from "../spec-document.ts";
import { componentLabel, detectRenames, diffComponent, reachOf, type Reach } from "./components.ts";
import { matchOperations, nameOf, type OperationPair } from "./match.ts";
import {
  REPORT_VERSION,
  type AddedOperation,
  type Change,
  type ChangedOperation,
  type ChangeReport,
  type ComponentChange,
  type RemovedOperation,
  type RenamedOperation,
  type SpecSide,
} from "./model.ts";
import { canonical, type CosmeticSink } from "./normalise.ts";
import { diffOperation } from "./operation-diff.ts";
import { makeChange } from "./rules.ts";
import type { DiffContext, Direction } from "./schema-diff.ts";
import { readSpecModel, type ModelOperation, type SpecModel } from "./spec-model.ts";

export interface CompareOptions {
  /** Where each spec came from and its hash, for the report's header. */
  from?: Omit<SpecSide, "version">;
  to?: Omit<SpecSide, "version">;
}

export function compareSpecs(oldDoc: OpenApiDocument, newDoc: OpenApiDocument, options: CompareOptions = {}): ChangeReport {
  return compareModels(readSpecModel(oldDoc), readSpecModel(newDoc), options);
}

export function compareModels(old: SpecModel, now: SpecModel, options: CompareOptions = {}): ChangeReport {
  const matching = matchOperations(old.operations, now.operations);
  const { pairs } = matching;

  // Who uses what: per operation, then per component (as indices of pairs, for rename detection).
  const reachOld = new Map<ModelOperation, Reach>(old.operations.map((op) => [op, reachOf(old, op)]));
  const reachNew = new Map<ModelOperation, Reach>(now.operations.map((op) => [op, reachOf(now, op)]));
  const pairUsers = (side: "old" | "now", reach: Map<ModelOperation, Reach>) => {
    const users = new Map<string, Set<number>>();
    pairs.forEach((p, i) => {
      for (const key of reach.get(p[side])!.keys()) {
        if (!users.has(key)) users.set(key, new Set());
        users.get(key)!.add(i);
      }
    });
    return users;
  };
  const renames = detectRenames(old, now, pairUsers("old", reachOld), pairUsers("now", reachNew));
  const ctx: DiffContext = { old, now, renames };
  const renamedFrom = new Map([...renames].map(([a, b]) => [b, a]));

  // The name an old operation is shown by: its new name when it still exists.
  const shownOld = new Map<ModelOperation, string>(old.operations.map((op) => [op, nameOf(op).name]));
  for (const p of pairs) shownOld.set(p.old, nameOf(p.now).name);
  const usage = new Map<string, { names: Set<string>; directions: Set<Direction>; byKept: boolean; byAdded: boolean; byRemoved: boolean }>();
  const use = (key: string) => {
    let u = usage.get(key);
    if (!u) usage.set(key, (u = { names: new Set(), directions: new Set(), byKept: false, byAdded: false, byRemoved: false }));
    return u;
  };
  const addedSet = new Set(matching.added);
  const removedSet = new Set(matching.removed);
  for (const [op, reach] of reachNew) {
    for (const [key, directions] of reach) {
      const u = use(key);
      u.names.add(nameOf(op).name);
      for (const d of directions) u.directions.add(d);
      if (addedSet.has(op)) u.byAdded = true;
      else u.byKept = true;
    }
  }
  for (const [op, reach] of reachOld) {
    for (const [key, directions] of reach) {
      const u = use(renames.get(key) ?? key);
      u.names.add(shownOld.get(op)!);
      for (const d of directions) u.directions.add(d);
      if (removedSet.has(op)) u.byRemoved = true;
      else u.byKept = true;
    }
  }
  const usageOf = (key: string) => usage.get(key) ?? { names: new Set<string>(), directions: new Set<Direction>(), byKept: false, byAdded: false, byRemoved: false };

  // Components.
  const components: ComponentChange[] = [];
  const foldedIntoAdded = new Set<string>();
  const foldedIntoRemoved = new Set<string>();
  const describe = (key: string, status: ComponentChange["status"], changes: Change[], from?: string): ComponentChange => {
    const names = [...usageOf(key).names].sort();
    return { component: key, status, ...(from ? { renamedFrom: from } : {}), usedBy: names.length, operations: names, changes };
  };
  for (const key of [...now.components.keys()].sort()) {
    const from = renamedFrom.get(key);
    if (old.components.has(key) || from) {
      const changes = diffComponent(from ?? key, key, ctx, usageOf(key).directions);
      if (from) {
        components.push(describe(key, "renamed", [makeChange("component-renamed", componentLabel(key), `renamed from ${componentLabel(from)}`), ...changes], from));
      } else if (changes.length) components.push(describe(key, "changed", changes));
      continue;
    }
    const u = usageOf(key);
    // A component only new operations use is part of their addition, not news of its own.
    if (u.byAdded && !u.byKept) {
      foldedIntoAdded.add(key);
      continue;
    }
    const text = u.byKept ? "added" : "added, used by no operation";
    components.push(describe(key, "added", [makeChange("component-added", componentLabel(key), text)]));
  }
  for (const key of [...old.components.keys()].sort()) {
    if (now.components.has(key) || renames.has(key)) continue;
    const u = usageOf(key);
    if (u.byRemoved && !u.byKept) {
      foldedIntoRemoved.add(key);
      continue;
    }
    components.push(describe(key, "removed", [makeChange("component-removed", componentLabel(key), u.byKept ? "removed" : "removed, used by no operation")]));
  }

  // Operations.
  const added: AddedOperation[] = matching.added.map((op) => ({
    operation: nameOf(op),
    newComponents: [...reachNew.get(op)!.keys()].filter((k) => foldedIntoAdded.has(k)).sort(),
    scopes: op.scopes ?? [],
  }));
  const removed: RemovedOperation[] = matching.removed.map((op) => ({
    operation: nameOf(op),
    removedComponents: [...reachOld.get(op)!.keys()].filter((k) => foldedIntoRemoved.has(k)).sort(),
    change: makeChange("operation-removed", "operation", "removed", { subject: nameOf(op).name }),
  }));
  const renamed: RenamedOperation[] = [];
  const moved: RenamedOperation[] = [];
  const changed: ChangedOperation[] = [];
  for (const p of pairs) {
    if (p.renamed) renamed.push(renameEntry(p));
    if (p.moved) moved.push(moveEntry(p));
    const changes = diffOperation(p.old, p.now, ctx);
    if (changes.length) changed.push({ operation: nameOf(p.now), changes });
  }

  const spec = diffSpecLevel(old, now);
  const cosmetic = cosmeticChanges(old, now, pairs, renames);
  const all: Change[] = [
    ...removed.map((r) => r.change),
    ...renamed.map((r) => r.change),
    ...moved.map((m) => m.change),
    ...changed.flatMap((c) => c.changes),
    ...components.flatMap((c) => c.changes),
    ...spec,
  ];
  const breaking = all.filter((c) => c.level === "breaking").length;
  const report: ChangeReport = {
    version: REPORT_VERSION,
    from: { version: old.version, ...options.from },
    to: { version: now.version, ...options.to },
    compatibilityDate:
      old.version !== now.version && isDate(old.version) && isDate(now.version)
        ? { from: old.version, to: now.version }
        : null,
    breaking: breaking > 0,
    counts: {
      breaking,
      nonBreaking: all.length - breaking + added.length,
      cosmetic: cosmetic.reduce((n, c) => n + c.changes.length, 0),
      operations: { added: added.length, removed: removed.length, renamed: renamed.length, moved: moved.length, changed: changed.length },
    },
    operations: { added, removed, renamed, moved, changed },
    components,
    spec,
    cosmetic,
  };
  return report;
}

const sortedSet = (list: unknown[]) => [...new Set(list.map((v) => canonical(v)))].sort();

const isDate = (text: string) => /^\d{4}-\d{2}-\d{2}$/.test(text);

function renameEntry(p: OperationPair): RenamedOperation {
  const change = makeChange("operation-renamed", "operation", `operationId ${p.old.operationId} -> ${p.now.operationId}`, {
    subject: p.old.operationId,
    detail: p.now.operationId,
  });
  return { from: nameOf(p.old), to: nameOf(p.now), change };
}

function moveEntry(p: OperationPair): RenamedOperation {
  const before = `${p.old.method.toUpperCase()} ${p.old.path}`;
  const after = `${p.now.method.toUpperCase()} ${p.now.path}`;
  const change = makeChange("operation-moved", "operation", `moved from ${before} to ${after}`, { subject: before, detail: after });
  return { from: nameOf(p.old), to: nameOf(p.now), change };
}

function diffSpecLevel(old: SpecModel, now: SpecModel): Change[] {
  const out: Change[] = [];
  for (const name of new Set([...old.schemeScopes.keys(), ...now.schemeScopes.keys()])) {
    const before = old.schemeScopes.get(name) ?? new Set<string>();
    const after = now.schemeScopes.get(name) ?? new Set<string>();
    const used = new Set(now.operations.flatMap((op) => op.scopes ?? []));
    for (const s of [...after].sort()) {
      if (before.has(s)) continue;
      out.push(makeChange("scheme-scope-added", `security scheme ${name}`, `scope ${s} added${used.has(s) ? "" : " (no operation asks for it yet)"}`, { detail: s }));
    }
    for (const s of [...before].sort()) {
      if (!after.has(s)) out.push(makeChange("scheme-scope-removed", `security scheme ${name}`, `scope ${s} removed`, { detail: s }));
    }
  }
  if (canonical(old.servers) !== canonical(now.servers)) {
    out.push(makeChange("server-changed", "servers", `${old.servers.join(", ") || "none"} -> ${now.servers.join(", ") || "none"}`));
  }
  return out;
}

/** What normalisation set aside, per subject, for --verbose: one line per JSON pointer that differs. */
function cosmeticChanges(old: SpecModel, now: SpecModel, pairs: OperationPair[], renames: Map<string, string>): Array<{ subject: string; changes: Change[] }> {
  const out: Array<{ subject: string; changes: Change[] }> = [];
  const compare = (subject: string, a: CosmeticSink, b: CosmeticSink) => {
    const changes: Change[] = [];
    for (const pointer of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      const x = a.get(pointer);
      const y = b.get(pointer);
      if (canonical(x) === canonical(y)) continue;
      const order = pointer.endsWith(" (order)");
      // A list whose values changed is a real change, reported as such; only a reordering is cosmetic.
      if (order && (!Array.isArray(x) || !Array.isArray(y) || canonical(sortedSet(x)) !== canonical(sortedSet(y)))) continue;
      const what = order ? "order changed" : x === undefined ? "added" : y === undefined ? "removed" : "changed";
      changes.push(makeChange("cosmetic", pointer || "/", what));
    }
    if (changes.length) out.push({ subject, changes });
  };
  compare("spec", old.cosmetic, now.cosmetic);
  for (const p of pairs) compare(nameOf(p.now).name, p.old.cosmetic, p.now.cosmetic);
  const renamedFrom = new Map([...renames].map(([a, b]) => [b, a]));
  for (const [key, component] of now.components) {
    const before = old.components.get(renamedFrom.get(key) ?? key);
    if (before) compare(componentLabel(key), before.cosmetic, component.cosmetic);
  }
  return out;
}
