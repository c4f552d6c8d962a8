import { EsiUsageError } from "../errors.ts";

/**
 * One path parameter's value as its path segment: percent-encoded (encodeURIComponent), so `/`, `?`, `#`, `%`
 * and `\` stay inside the segment.
 *
 * "." and ".." are refused, not encoded: no encoding can carry them. The WHATWG URL parser (fetch's, undici's,
 * browsers') treats "%2e" and "%2E" as a dot when it removes dot segments, so `/universe/types/%2E%2E` becomes
 * `/universe/` just as `/universe/types/..` does; and a double encoding (%252E) would send another value.
 * The empty string is refused too (an empty segment routes elsewhere), and so is text that is not well-formed
 * UTF-16 (a lone surrogate has no percent-encoding). checkParameters refuses all of these with the operation
 * and parameter named; this is the last guard, for paths built without a check.
 */
export function encodePathParameter(value: unknown): string {
  const text = String(value);
  const problem = pathSegmentProblem(text);
  if (problem) throw new EsiUsageError(`a path parameter ${problem} (got ${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)})`);
  return encodeURIComponent(text);
}

/** A high surrogate without its low half, or a low one without its high half. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be a path segment, or undefined when it can. */
export function pathSegmentProblem(text: string): string | undefined {
  if (text === "") return "cannot be empty (it would leave an empty path segment)";
  if (text === "." || text === "..") return 'cannot be "." or ".." (URLs drop such segments, encoded or not)';
  if (LONE_SURROGATE.test(text)) return "must be well-formed text (it has a lone surrogate, which cannot be percent-encoded)";
  return undefined;
}
