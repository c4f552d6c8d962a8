import type { OperationFingerprint } from "./fingerprints.ts";

export interface OperationChange {
  operationId: string;
  /** Human-readable aspects that changed, e.g. "parameter query:page added", "response 200 schema". */
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
      changes.push(old.requestBody === null ? "request body added" : now.requestBody === null ? "request body removed" : "request body schema");
    }
    diffRecord(old.responses, now.responses, "response", changes);
    const lost = old.scopes.filter((s) => !now.scopes.includes(s));
    const gained = now.scopes.filter((s) => !old.scopes.includes(s));
    if (gained.length) changes.push(`scope added ${gained.join(", ")}`);
    if (lost.length) changes.push(`scope removed ${lost.join(", ")}`);
    if (changes.length) changed.push({ operationId: id, changes });
  }
  return { added, removed, changed };
}

function diffRecord(old: Record<string, string>, now: Record<string, string>, what: string, out: string[]): void {
  for (const key of Object.keys(now).sort()) {
    if (!(key in old)) out.push(`${what} ${key} added`);
    else if (old[key] !== now[key]) {
      const [oldReq] = old[key]!.split(":");
      const [newReq] = now[key]!.split(":");
      out.push(oldReq !== newReq && what === "parameter" ? `${what} ${key} now ${newReq}` : `${what} ${key} schema`);
    }
  }
  for (const key of Object.keys(old).sort()) if (!(key in now)) out.push(`${what} ${key} removed`);
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
