/**
 * The change report as text, for a person: a summary line, the compatibility date once, then removed, renamed and
 * moved operations, added operations (their new schemas with them), shared components (once each, with how many
 * operations use them), each operation's own changes, and the spec's. `!` marks a breaking change, followed by
 * what to do; `~` any other change.
 */
import { componentLabel } from "./components.ts";
import type { Change, ChangeReport } from "./model.ts";

export interface TextOptions {
  /** List the operations using each changed component, and what normalisation set aside. */
  verbose?: boolean;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function changeLines(change: Change, indent: string, omitWhere?: string): string[] {
  const mark = change.level === "breaking" ? "!" : change.level === "cosmetic" ? "·" : "~";
  const where = change.where === omitWhere || change.where === "operation" ? "" : `${change.where}: `;
  const lines = [`${indent}${mark} ${where}${change.text}`];
  if (change.whatToDo) lines.push(`${indent}    what to do: ${change.whatToDo}`);
  return lines;
}

export function formatText(report: ChangeReport, options: TextOptions = {}): string {
  const { counts, operations: ops } = report;
  const others = counts.nonBreaking - counts.operations.added;
  const summary: string[] = [];
  summary.push(counts.breaking ? plural(counts.breaking, "breaking change") : "no breaking change");
  if (counts.operations.added) summary.push(`${plural(counts.operations.added, "operation")} added`);
  if (others) summary.push(plural(others, "other change"));
  if (!report.from) return `No change report: ${report.note ?? "nothing to compare with"}.`;
  const lines = [`Spec ${report.from.version} -> ${report.to.version}: ${summary.join(", ")}.`];
  if (report.note) lines.push(`Note: ${report.note}.`);
  if (report.compatibilityDate) {
    lines.push(`Compatibility date: ${report.compatibilityDate.from} -> ${report.compatibilityDate.to} (sent as X-Compatibility-Date with every call).`);
  }
  const o = counts.operations;
  lines.push(`Operations: ${o.added} added, ${o.removed} removed, ${o.renamed} renamed, ${o.moved} moved, ${o.changed} changed.`);

  if (ops.removed.length || ops.renamed.length || ops.moved.length) {
    lines.push("", "Operations removed, renamed or moved:");
    for (const r of ops.removed) {
      lines.push(...changeLines({ ...r.change, text: `${r.operation.name} removed` }, "  "));
      if (r.removedComponents.length) lines.push(`      gone with it: ${componentList(r.removedComponents)}`);
    }
    for (const r of ops.renamed) {
      lines.push(...changeLines({ ...r.change, text: `${r.to.method} ${r.to.path} (${r.from.operationId} -> ${r.to.operationId}) renamed` }, "  "));
    }
    for (const m of ops.moved) {
      lines.push(...changeLines({ ...m.change, text: `${m.from.method} ${m.from.path} -> ${m.to.method} ${m.to.path} (${m.to.operationId}) moved` }, "  "));
    }
  }

  if (ops.added.length) {
    const schemas = new Set(ops.added.flatMap((a) => a.newComponents));
    const kind = [...schemas].every((k) => k.startsWith("schemas/")) ? "new schema" : "new component";
    lines.push("", `Operations added (${ops.added.length}${schemas.size ? `, with ${plural(schemas.size, kind)} as part of them` : ""}):`);
    for (const a of ops.added) {
      lines.push(`  + ${a.operation.name}`);
      const notes: string[] = [];
      if (a.scopes.length) notes.push(`needs ${a.scopes.join(", ")}`);
      if (a.newComponents.length) notes.push(`new ${componentList(a.newComponents)}`);
      if (notes.length) lines.push(`      ${notes.join("; ")}`);
    }
  }

  if (report.components.length) {
    lines.push("", "Shared components (each said once; the operations using them are not repeated below):");
    for (const c of report.components) {
      const label = componentLabel(c.component);
      lines.push(`  ${label}, used by ${plural(c.usedBy, "operation")}:`);
      if (options.verbose && c.operations.length) lines.push(`      ${c.operations.join("\n      ")}`);
      for (const change of c.changes) lines.push(...changeLines(change, "    ", label));
    }
  }

  if (ops.changed.length) {
    lines.push("", "Operations changed:");
    for (const c of ops.changed) {
      lines.push(`  ${c.operation.name}:`);
      for (const change of c.changes) lines.push(...changeLines(change, "    "));
    }
  }

  if (report.spec.length) {
    lines.push("", "Spec:");
    for (const change of report.spec) lines.push(...changeLines(change, "  "));
  }

  if (options.verbose && report.cosmetic?.length) {
    lines.push("", "Set aside by normalisation (not changes for an app):");
    for (const group of report.cosmetic) {
      lines.push(`  ${group.subject}:`);
      for (const change of group.changes) lines.push(...changeLines(change, "    "));
    }
  } else if (counts.cosmetic) {
    lines.push("", `(${plural(counts.cosmetic, "cosmetic difference")} set aside: descriptions, examples, order, unread x- keys; --verbose lists them.)`);
  }
  return lines.join("\n");
}

/** "schema A, schema B" said as "schemas A, B" when they are all schemas. */
function componentList(keys: string[]): string {
  if (keys.every((k) => k.startsWith("schemas/"))) return `${keys.length === 1 ? "schema" : "schemas"} ${keys.map((k) => k.slice("schemas/".length)).join(", ")}`;
  return keys.map(componentLabel).join(", ");
}
