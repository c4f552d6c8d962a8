/** Levenshtein distance, case-insensitive: for "did you mean" suggestions of operationIds, paths and scopes. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const substitution = previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[y.length]!;
}

/** CamelCase and separator-split words, lower case, a plural "s" dropped: "GetCharacterWallet" -> get, character, wallet. */
function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((word) => (word.length > 3 ? word.replace(/s$/, "") : word));
}

/**
 * The candidates closest to `input` (at most `count`). A shortened name ("GetCharacterWalet") is far from the
 * real one in edits, so candidates holding every word of the input (give or take a typo) come first, nearest
 * first; then names within a few edits of it, leaving out ones too far away to be a typo.
 */
export function closest(input: string, candidates: Iterable<string>, count = 3): string[] {
  const limit = Math.max(3, Math.ceil(input.length * 0.4));
  const wanted = words(input);
  const scored = [...candidates].map((candidate) => {
    const have = new Set(words(candidate));
    // Each word of the input is a word of the candidate, give or take one typo.
    const hasWords = wanted.length > 0 && wanted.every((w) => have.has(w) || (w.length >= 4 && [...have].some((h) => editDistance(w, h) <= 1)));
    return { candidate, distance: editDistance(input, candidate), hasWords };
  });
  const byDistance = (p: { distance: number; candidate: string }, q: { distance: number; candidate: string }) =>
    p.distance - q.distance || p.candidate.localeCompare(q.candidate);
  const sameWords = scored.filter((s) => s.hasWords).sort(byDistance);
  const typos = scored.filter((s) => !s.hasWords && s.distance <= limit).sort(byDistance);
  return [...sameWords, ...typos].slice(0, count).map((s) => s.candidate);
}
