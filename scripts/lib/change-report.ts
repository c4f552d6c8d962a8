import type { OperationFingerprint } from "./fingerprints.ts";

export interface OperationChange {
  operationId: string;
  /** What changed, in words, e.g. "parameter query:page added", "parameter query:page now required", "response 200 schema changed". */
  changes: string[];
}

export interface ChangeReport {
  added: string[];
  removed: string[];
  changed: OperationChange[];
}

export function compareOperations(
  before: Record<string, OperationFingerprint>,
  after: Record<string, OperationFingerprint>,
): ChangeReport {
  const added = Object.keys(after).filter((id) => !(id in before)).sort();
  const removed = Object.keys(before).filter((id) => !(id in after)).sort();
  const changed: OperationChange[] = [];
  for (const id of Object.keys(after).sort()) {
    const old = before[id];
    const now = after[id];
    if (!old || !now) continue;
    const changes: string[] = [];
    if (old.method !== now.method || old.path !== now.path) {
      changes.push(`moved from ${old.method.toUpperCase()} ${old.path} to ${now.method.toUpperCase()} ${now.path}`);
    }
    diffRecord(old.parameters, now.parameters, "parameter", changes);
    if (old.requestBody !== now.requestBody) {
      changes.push(old.requestBody === null ? "request body added" : now.requestBody === null ? "request body removed" : "request body schema changed");
    }
    diffRecord(old.responses, now.responses, "response", changes);
    const lost = old.scopes.filter((s) => !now.scopes.includes(s));
    const gained = now.scopes.filter((s) => !old.scopes.includes(s));
    if (gained.length) changes.push(`scope added ${gained.join(", ")}`);
    if (lost.length) changes.push(`scope removed ${lost.join(", ")}`);
    if (old.behaviour && now.behaviour) {
      for (const [aspect, value] of Object.entries(now.behaviour)) {
        const was = old.behaviour[aspect];
        if (was !== undefined && was !== value) changes.push(`${aspect} ${was} -> ${value}`);
      }
    }
    if (changes.length) changed.push({ operationId: id, changes });
  }
  return { added, removed, changed };
}

/** Parameters are fingerprinted "required|optional:<schema hash>", responses "<schema hash>". */
function diffRecord(old: Record<string, string>, now: Record<string, string>, what: string, out: string[]): void {
  for (const key of Object.keys(now).sort()) {
    const before = old[key];
    const after = now[key]!;
    if (before === undefined) {
      out.push(`${what} ${key} added`);
      continue;
    }
    if (before === after) continue;
    const [oldPresence, oldSchema] = splitFingerprint(before, what);
    const [newPresence, newSchema] = splitFingerprint(after, what);
    if (oldPresence !== newPresence) out.push(`${what} ${key} now ${newPresence}`);
    if (oldSchema !== newSchema) out.push(`${what} ${key} schema changed`);
  }
  for (const key of Object.keys(old).sort()) if (!(key in now)) out.push(`${what} ${key} removed`);
}

function splitFingerprint(value: string, what: string): [presence: string, schema: string] {
  if (what !== "parameter") return ["", value];
  const colon = value.indexOf(":");
  return [value.slice(0, colon), value.slice(colon + 1)];
}

export function isEmptyReport(report: ChangeReport): boolean {
  return report.added.length === 0 && report.removed.length === 0 && report.changed.length === 0;
}

export function formatChangeReport(report: ChangeReport): string {
  if (isEmptyReport(report)) return "No operation changed.";
  const lines = [
    `Operations: ${report.added.length} added, ${report.removed.length} removed, ${report.changed.length} changed.`,
  ];
  for (const id of report.added) lines.push(`  + ${id}`);
  for (const id of report.removed) lines.push(`  - ${id}`);
  for (const change of report.changed) lines.push(`  ~ ${change.operationId}: ${change.changes.join("; ")}`);
  return lines.join("\n");
}
