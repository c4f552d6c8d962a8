/**
 * Shared components: which operations reach each one (directly or through other components, and whether in what
 * they send or what they read), which were renamed, and what changed in each, said once.
 */
import type { Change } from "./model.ts";
import { canonical, refsIn, type ComponentKind, type Json } from "./normalise.ts";
import { diffHeader, diffParameter, diffRequestBody, diffResponse } from "./operation-diff.ts";
import { diffSchema, type DiffContext, type Direction } from "./schema-diff.ts";
import type { ModelOperation, SpecModel } from "./spec-model.ts";

/** component key -> the directions it is used in, for one operation. */
export type Reach = Map<string, Set<Direction>>;

/** The components each component names directly, per model (walked once, not once per operation). */
const directRefs = new WeakMap<SpecModel, Map<string, Set<string>>>();
function refsOfComponent(model: SpecModel, key: string): Set<string> {
  let known = directRefs.get(model);
  if (!known) directRefs.set(model, (known = new Map()));
  let refs = known.get(key);
  if (!refs) {
    const component = model.components.get(key);
    known.set(key, (refs = component ? refsIn(component.normal) : new Set()));
  }
  return refs;
}

/** Every component an operation reaches, and in which direction (what it sends, what it reads). */
export function reachOf(model: SpecModel, op: ModelOperation): Reach {
  const reach: Reach = new Map();
  const queue: Array<[string, Direction]> = [];
  const start = (node: Json | null, direction: Direction) => {
    if (node !== null) for (const key of refsIn(node)) queue.push([key, direction]);
  };
  for (const param of op.parameters.values()) start(param, "request");
  start(op.requestBody, "request");
  for (const response of op.responses.values()) start(response, "response");
  while (queue.length) {
    const [key, direction] = queue.pop()!;
    let directions = reach.get(key);
    if (!directions) reach.set(key, (directions = new Set()));
    if (directions.has(direction)) continue;
    directions.add(direction);
    for (const next of refsOfComponent(model, key)) queue.push([next, direction]);
  }
  return reach;
}

/**
 * Components removed on one side and added on the other that are one component renamed: the same content, or
 * (when the content changed too) reached by exactly the same operations. Only unambiguous pairs count.
 */
export function detectRenames(
  old: SpecModel,
  now: SpecModel,
  usersOld: Map<string, Set<number>>,
  usersNew: Map<string, Set<number>>,
): Map<string, string> {
  const removed = [...old.components.keys()].filter((k) => !now.components.has(k));
  const added = [...now.components.keys()].filter((k) => !old.components.has(k));
  const kindOf = (key: string) => key.slice(0, key.indexOf("/"));
  const renames = new Map<string, string>();
  const taken = new Set<string>();
  const tests: Array<(r: string, a: string) => boolean> = [
    (r, a) => canonical(old.components.get(r)!.normal) === canonical(now.components.get(a)!.normal),
    (r, a) => {
      const x = usersOld.get(r);
      const y = usersNew.get(a);
      return !!x && !!y && x.size > 0 && x.size === y.size && [...x].every((i) => y.has(i));
    },
  ];
  for (const test of tests) {
    for (const r of removed) {
      if (renames.has(r)) continue;
      const candidates = added.filter((a) => !taken.has(a) && kindOf(a) === kindOf(r) && test(r, a));
      if (candidates.length !== 1) continue;
      const a = candidates[0]!;
      const rivals = removed.filter((o) => !renames.has(o) && kindOf(o) === kindOf(a) && test(o, a));
      if (rivals.length !== 1) continue;
      renames.set(r, a);
      taken.add(a);
    }
  }
  return renames;
}

const KIND_LABEL: Record<ComponentKind, string> = {
  schemas: "schema",
  parameters: "parameter",
  responses: "response",
  requestBodies: "request body",
  headers: "header",
};

/** "schemas/Error" -> "schema Error". */
export function componentLabel(key: string): string {
  const slash = key.indexOf("/");
  const kind = key.slice(0, slash) as ComponentKind;
  return `${KIND_LABEL[kind] ?? kind} ${key.slice(slash + 1)}`;
}

/**
 * What changed in one component, judged for every direction it is used in: a change is breaking when it breaks
 * the senders or the readers. A component no operation uses cannot break a call.
 */
export function diffComponent(oldKey: string, newKey: string, ctx: DiffContext, directions: Set<Direction>): Change[] {
  const a = ctx.old.components.get(oldKey)!;
  const b = ctx.now.components.get(newKey)!;
  const where = componentLabel(newKey);
  const run = (direction: Direction): Change[] => {
    const out: Change[] = [];
    switch (b.kind) {
      case "schemas":
        diffSchema(a.normal, b.normal, ctx, { direction, where }, "", out);
        break;
      case "parameters":
        diffParameter(a.normal, b.normal, ctx, where, false, out);
        break;
      case "responses":
        diffResponse(a.normal, b.normal, ctx, where, "", out);
        break;
      case "requestBodies":
        diffRequestBody(a.normal, b.normal, ctx, where, out);
        break;
      case "headers":
        diffHeader(a.normal, b.normal, ctx, where, out);
        break;
    }
    return out;
  };
  const used = directions.size > 0;
  const merged = new Map<string, Change>();
  for (const direction of used ? directions : new Set<Direction>(["response"])) {
    for (const change of run(direction)) {
      const key = `${change.where}\u0000${change.field ?? ""}\u0000${change.text}`;
      const known = merged.get(key);
      if (!known || (known.level !== "breaking" && change.level === "breaking")) merged.set(key, change);
    }
  }
  return [...merged.values()].map((c) => {
    if (used || c.level !== "breaking") return c;
    const { whatToDo: _unused, ...rest } = c;
    return { ...rest, level: "non-breaking" as const };
  });
}
