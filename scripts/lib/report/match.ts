/**
 * Pairs the operations of two specs: by route first (method and path; then the path with its parameter names
 * blanked, so `{id}` -> `{character_id}` is the same route), then by operationId. A new operationId on the same
 * route is a rename; the same operationId on another route is a move.
 */
import type { OperationName } from "./model.ts";
import type { ModelOperation } from "./spec-model.ts";

export interface OperationPair {
  old: ModelOperation;
  now: ModelOperation;
  /** The operationId changed. */
  renamed: boolean;
  /** The method or the path text changed (calls by path must follow). */
  moved: boolean;
}

export interface Matching {
  pairs: OperationPair[];
  added: ModelOperation[];
  removed: ModelOperation[];
}

export function nameOf(op: ModelOperation): OperationName {
  return { method: op.method.toUpperCase(), path: op.path, operationId: op.operationId, name: `${op.method.toUpperCase()} ${op.path} (${op.operationId})` };
}

export function matchOperations(old: readonly ModelOperation[], now: readonly ModelOperation[]): Matching {
  const pairs: OperationPair[] = [];
  const oldLeft = new Set(old);
  const nowLeft = new Set(now);
  const pair = (a: ModelOperation, b: ModelOperation) => {
    oldLeft.delete(a);
    nowLeft.delete(b);
    pairs.push({ old: a, now: b, renamed: a.operationId !== b.operationId, moved: a.method !== b.method || a.path !== b.path });
  };
  // Each step pairs only keys that are unique among the operations still unpaired on both sides.
  const step = (key: (op: ModelOperation) => string) => {
    const index = (ops: Set<ModelOperation>) => {
      const map = new Map<string, ModelOperation | null>();
      for (const op of ops) map.set(key(op), map.has(key(op)) ? null : op);
      return map;
    };
    const before = index(oldLeft);
    const after = index(nowLeft);
    for (const [k, a] of before) {
      const b = after.get(k);
      if (a && b) pair(a, b);
    }
  };
  step((op) => `${op.method} ${op.path}`);
  step((op) => op.routeKey);
  step((op) => op.operationId);
  // Listed by path, then method: the order of ESI's own reference.
  const sortKey = (op: ModelOperation) => `${op.path}\u0000${op.method}`;
  const byName = (a: ModelOperation, b: ModelOperation) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0);
  return {
    pairs: pairs.sort((x, y) => byName(x.now, y.now)),
    added: [...nowLeft].sort(byName),
    removed: [...oldLeft].sort(byName),
  };
}
