/**
 * The rules: every kind of change the report knows, whether it breaks an app's code or calls, and for those that do,
 * one line saying what to do. Modelled on oasdiff's checks (request/response direction decides: an app sends
 * requests and reads responses), judged for a TypeScript app calling through esikit's typed API.
 */
import type { Change, Level } from "./model.ts";

/** What a what-to-do line may name. */
export interface RuleArgs {
  /** The field or parameter, as shown: `items[].name`, `page`. */
  subject: string;
  /** The new value, type, scope, path... */
  detail: string;
  /** The old value where the line needs it. */
  before: string;
}

interface Rule {
  level: Level;
  todo?: (a: RuleArgs) => string;
}

const B = (todo: (a: RuleArgs) => string): Rule => ({ level: "breaking", todo });
const N: Rule = { level: "non-breaking" };

const RULES: Readonly<Record<string, Rule>> = Object.freeze({
  // Operations
  "operation-removed": B(() => "Stop calling it: ESI no longer serves it; look for its replacement in ESI's change log."),
  "operation-renamed": B((a) => `Calls by name must use ${a.detail} (esi.call("${a.detail}"), esi.op.${a.detail}); calls by path are unaffected.`),
  "operation-moved": B((a) => `Calls by path must use ${a.detail}; calls by operationId are unaffected.`),
  "operation-deprecated": N,
  // Who may call it
  "scope-added": B((a) => `Ask for ${a.detail} at login; characters logged in without it must log in again.`),
  "scope-removed": N,
  "auth-added": B(() => "Call it as a logged-in character (esi.as(characterId)): it now needs a token."),
  "auth-removed": N,
  "roles-added": B((a) => `The character needs the corporation role ${a.detail}, or ESI answers 403.`),
  "roles-relaxed": N,
  // How esikit treats it
  "paging-changed": B((a) => `Page it the new way (${a.before} -> ${a.detail}); code that passes page or before/after itself must follow.`),
  "rate-limit-group-changed": B((a) => `Its calls now spend the "${a.detail}" rate budget (was "${a.before}"): pace them with the operations of that group.`),
  "rate-limit-budget-changed": N,
  "cache-seconds-changed": N,
  "operation-compatibility-date-changed": N,
  // Parameters
  "parameter-added-required": B((a) => `Pass ${a.subject} in every call.`),
  "parameter-added": N,
  "parameter-removed": B((a) => `Stop passing ${a.subject}: esikit refuses parameters the operation does not have.`),
  "parameter-renamed": B((a) => `Pass ${a.detail} where you passed ${a.subject}.`),
  "parameter-now-required": B((a) => `Pass ${a.subject} in every call.`),
  "parameter-now-optional": N,
  "parameter-wire-changed": N,
  // Request body
  "request-body-added-required": B(() => "Send a body with every call."),
  "request-body-added": N,
  "request-body-removed": B(() => "Stop sending a body."),
  "request-body-now-required": B(() => "Send a body with every call."),
  "request-body-now-optional": N,
  "request-media-type-removed": B((a) => `Send the body as ${a.detail}.`),
  "request-media-type-added": N,
  // Values an app sends (body fields and parameter values)
  "request-field-added-required": B((a) => `Send ${a.subject} in every call.`),
  "request-field-added": N,
  "request-field-removed": B((a) => `Stop sending ${a.subject}.`),
  "request-field-renamed": B((a) => `Send ${a.detail} where you sent ${a.subject} (inferred from a removed and an added field of the same type: check).`),
  "request-field-now-required": B((a) => `Send ${a.subject} in every call.`),
  "request-field-now-optional": N,
  "request-type-changed": B((a) => `Send ${a.subject} as ${a.detail}.`),
  "request-type-widened": N,
  "request-null-removed": B((a) => `Stop sending null as ${a.subject}.`),
  "request-null-added": N,
  "request-enum-value-removed": B((a) => `Stop sending ${a.detail} as ${a.subject}.`),
  "request-enum-value-added": N,
  "request-enum-added": B((a) => `Send only ${a.detail} as ${a.subject}.`),
  "request-enum-removed": N,
  "request-constraint-tightened": B((a) => `Keep ${a.subject} within ${a.detail}: esikit refuses other values before sending.`),
  "request-constraint-loosened": N,
  "request-variant-removed": B((a) => `Stop sending ${a.subject} in the shape ${a.detail}.`),
  "request-variant-added": N,
  // Responses
  "response-success-status-removed": B((a) => `Stop expecting status ${a.detail}; check what the operation answers now.`),
  "response-status-removed": N,
  "response-status-added": N,
  "response-body-removed": B((a) => `Stop reading a body from status ${a.detail}.`),
  "response-body-added": N,
  "response-media-type-removed": B((a) => `Read the body as ${a.detail}.`),
  "response-media-type-added": N,
  "response-header-removed": N,
  "response-header-added": N,
  // Values an app reads
  "response-field-removed": B((a) => `Stop reading ${a.subject}.`),
  "response-field-added": N,
  "response-field-renamed": B((a) => `Read ${a.detail} where you read ${a.subject} (inferred from a removed and an added field of the same type: check).`),
  "response-field-now-optional": B((a) => `Handle ${a.subject} being absent.`),
  "response-field-now-required": N,
  "response-type-changed": B((a) => `Read ${a.subject} as ${a.detail}: update the code that uses it.`),
  "response-type-widened": B((a) => `Handle ${a.subject} also being ${a.detail}.`),
  "response-type-narrowed": N,
  "response-null-added": B((a) => `Handle ${a.subject} being null.`),
  "response-null-removed": N,
  "response-enum-value-added": B((a) => `Handle the new value${a.detail.includes(", ") ? "s" : ""} wherever you branch on ${a.subject}.`),
  "response-enum-value-removed": N,
  "response-enum-removed": B((a) => `${a.subject} may now hold any value, not only the old list: handle the others.`),
  "response-enum-added": N,
  "response-variant-added": B((a) => `Handle ${a.subject} in the new shape ${a.detail}.`),
  "response-variant-removed": N,
  "response-constraint-changed": N,
  // Either side
  "number-kind-changed": N,
  "format-changed": N,
  "default-changed": N,
  "field-deprecated": N,
  "schema-changed": N,
  // Components and the spec as a whole
  "component-added": N,
  "component-removed": N,
  "component-renamed": N,
  "scheme-scope-added": N,
  "scheme-scope-removed": B((a) => `Stop asking for ${a.detail} at login: the SSO may refuse an unknown scope.`),
  "server-changed": N,
  cosmetic: { level: "cosmetic" },
});

/** Every rule id and its level, for the docs and their test. */
export function ruleCatalogue(): Array<{ rule: string; level: Level }> {
  return Object.entries(RULES).map(([rule, r]) => ({ rule, level: r.level }));
}

/** Makes a change of a known rule; its level and what-to-do come from the rule. */
export function makeChange(rule: string, where: string, text: string, args: Partial<RuleArgs> = {}, field?: string): Change {
  const known = Object.hasOwn(RULES, rule) ? RULES[rule]! : undefined;
  if (!known) throw new Error(`change report: unknown rule ${rule}`);
  const change: Change = { rule, level: known.level, where, text };
  if (field !== undefined && field !== "") change.field = field;
  if (known.todo) change.whatToDo = known.todo({ subject: args.subject ?? "it", detail: args.detail ?? "", before: args.before ?? "" });
  return change;
}
