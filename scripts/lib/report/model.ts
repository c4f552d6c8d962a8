/**
 * The change report's data: what the diff engine produces, what `--report FILE` writes (version 1, documented in
 * docs/change-report.md) and what the text formatter reads. Plain JSON values only, so the report is its own JSON.
 */

export const REPORT_VERSION = 1;

/** breaking: an app's code or calls may stop working; non-breaking: worth knowing; cosmetic: only with --verbose. */
export type Level = "breaking" | "non-breaking" | "cosmetic";

/** An operation as the report names it everywhere: `GET /path (OperationId)`. */
export interface OperationName {
  method: string;
  path: string;
  operationId: string;
  /** `GET /path (OperationId)` */
  name: string;
}

export interface Change {
  /** Stable rule id, e.g. "response-field-removed" (listed in docs/change-report.md). */
  rule: string;
  level: Level;
  /** Where in the operation or component: "response 200", "request body", "query parameter page", "security"... */
  where: string;
  /** Field path inside a body, e.g. "items[].name" ("" for the body itself). */
  field?: string;
  /** One line, without the subject: "field `name` removed". */
  text: string;
  /** One line, for breaking changes: what an app must do. */
  whatToDo?: string;
}

export interface AddedOperation {
  operation: OperationName;
  /** Components first seen in this spec that only added operations use: part of the addition, not separate news. */
  newComponents: string[];
  /** Scopes it asks for, roles it needs, paging kind: what an app must know to call it. */
  scopes: string[];
}

export interface RemovedOperation {
  operation: OperationName;
  /** Components only removed operations used, gone with them. */
  removedComponents: string[];
  change: Change;
}

export interface RenamedOperation {
  from: OperationName;
  to: OperationName;
  change: Change;
}

export interface ChangedOperation {
  operation: OperationName;
  /** What changed in this operation alone (shared component changes are under `components`). */
  changes: Change[];
}

export interface ComponentChange {
  /** "schemas/Error", "parameters/Page", "responses/NotFound"... */
  component: string;
  status: "changed" | "added" | "removed" | "renamed";
  /** For "renamed": the old name. */
  renamedFrom?: string;
  /** How many operations (of either spec) reach the component, directly or through other components. */
  usedBy: number;
  /** Their names, sorted. */
  operations: string[];
  changes: Change[];
}

export interface SpecSide {
  /** info.version: the compatibility date for ESI's OpenAPI specs ("2026-08-04"), "1.36" for the legacy one. */
  version: string;
  /** sha256 of the spec bytes, when known. */
  specSha256?: string;
  /** Where the spec was read from. */
  source?: string;
}

export interface ChangeReport {
  version: typeof REPORT_VERSION;
  /** The previous generation's spec; null when there was nothing to compare with (then `note` says why). */
  from: SpecSide | null;
  to: SpecSide;
  /** Said when the comparison is partial or impossible (no previous generation, its spec not kept). */
  note?: string;
  /** The compatibility date change, said once; null when it stayed (or either spec has no date, as legacy ones). */
  compatibilityDate: { from: string; to: string } | null;
  /** True when at least one change is breaking (what `--fail-on breaking` looks at). */
  breaking: boolean;
  counts: {
    breaking: number;
    nonBreaking: number;
    cosmetic: number;
    operations: { added: number; removed: number; renamed: number; moved: number; changed: number };
  };
  operations: {
    added: AddedOperation[];
    removed: RemovedOperation[];
    /** Same method and path, new operationId. */
    renamed: RenamedOperation[];
    /** Same operationId, new method or path. */
    moved: RenamedOperation[];
    changed: ChangedOperation[];
  };
  components: ComponentChange[];
  /** Changes of the spec as a whole: security scheme scopes, servers. */
  spec: Change[];
  /** What normalisation set aside (descriptions, examples, key order, unread x- keys); in the JSON only with --verbose. */
  cosmetic?: Array<{ subject: string; changes: Change[] }>;
}
