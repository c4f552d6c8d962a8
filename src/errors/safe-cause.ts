/**
 * Scrubbing what a library hands us before it becomes an error's `cause`. Errors from ky, fetch or ioredis keep
 * whatever they touched: ky's TimeoutError holds the Request (its Authorization header), ioredis's errors hold the
 * command with its arguments (AUTH and its password, SET and the token set). `console.error(err)` walks all of it.
 * So an esikit error never keeps a foreign error as it came: it keeps a plain Error with the name, the code and a
 * redacted message, and the same for that error's own causes, a few levels deep.
 */

/** How many causes below the first are kept; deeper ones are dropped (a chain that long explains nothing more). */
const MAX_CAUSE_DEPTH = 4;
/** A secret shorter than this is not looked for: it would redact ordinary words. Real ones are far longer. */
const MIN_SECRET_LENGTH = 4;
/** A message longer than this is cut, after redaction. */
const MAX_MESSAGE_LENGTH = 500;

const REDACTED = "[redacted]";

/**
 * Things that look like credentials whoever they belong to: JWTs (EVE access tokens), HTTP Authorization values,
 * OAuth form fields, and the password in a URL's user info (redis://user:password@host).
 */
const CREDENTIAL_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, "[redacted JWT]"],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${REDACTED}`],
  [/\b(refresh_token|access_token|id_token|client_secret|code_verifier|code|password|secret|token)=[^\s"'&,;]+/gi, `$1=${REDACTED}`],
  [/"(refresh_token|access_token|id_token|client_secret|code_verifier|password|secret)"\s*:\s*"[^"]*"/gi, `"$1":"${REDACTED}"`],
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]+@/gi, `$1${REDACTED}@`],
];

/**
 * Replaces every occurrence of each secret (as written, URL-encoded and base64'd) and anything that looks like a
 * bearer token, a JWT or a credential field. Works on the whole text: cut it afterwards, never before, or a prefix
 * of a secret survives the cut.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(Buffer.from(secret, "utf8").toString("base64").replace(/=+$/, ""));
  }
  // Longest first, so a secret that contains another is replaced whole.
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (form.length >= MIN_SECRET_LENGTH) result = result.split(form).join(REDACTED);
  }
  result = redactPieces(result, forms);
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

/** A piece this long of a secret counts as the secret: a sender that cut it (or echoed half of it) still leaks. */
const PIECE = 12;

/** Redacts every run of text made of PIECE-character pieces of a secret (a prefix, a middle, an end). */
function redactPieces(text: string, secrets: ReadonlySet<string>): string {
  const pieces = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < PIECE + 4) continue; // short secrets are only looked for whole
    for (let i = 0; i + PIECE <= secret.length; i++) pieces.add(secret.slice(i, i + PIECE));
  }
  if (pieces.size === 0 || text.length < PIECE) return text;
  const covered = new Uint8Array(text.length);
  let any = false;
  for (let i = 0; i + PIECE <= text.length; i++) {
    if (pieces.has(text.slice(i, i + PIECE))) {
      covered.fill(1, i, i + PIECE);
      any = true;
    }
  }
  if (!any) return text;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (!covered[i]) out += text[i];
    else if (i === 0 || !covered[i - 1]) out += REDACTED;
  }
  return out;
}

/** Redacts, then cuts to `maxLength` characters: the only safe order. */
export function redactAndCut(text: string, secrets: readonly string[], maxLength: number): string {
  const redacted = redactSecrets(text, secrets);
  return redacted.length > maxLength ? `${redacted.slice(0, maxLength)}…` : redacted;
}

/**
 * A new plain Error standing for `error`: its name, its code (when it has a string or number one) and its message
 * with secrets redacted; its own `cause` scrubbed the same way, a few levels deep. Nothing else is copied: no
 * Request, Response, headers, command arguments or body. The stack keeps the frames (file and line) under a
 * rewritten first line.
 */
export function safeCause(error: unknown, secrets: readonly string[] = []): Error {
  return scrub(error, secrets, 0, new Set());
}

function scrub(error: unknown, secrets: readonly string[], depth: number, seen: Set<unknown>): Error {
  if (!(error instanceof Error)) {
    const text = typeof error === "string" ? error : `a thrown ${error === null ? "null" : typeof error} value`;
    return plainError("Error", redactAndCut(text, secrets, MAX_MESSAGE_LENGTH), undefined, undefined);
  }
  seen.add(error);
  const name = redactAndCut(safeString(read(error, "name")) || "Error", secrets, 100);
  const message = redactAndCut(messageOf(error), secrets, MAX_MESSAGE_LENGTH);
  const rawCode = read(error, "code");
  const code = typeof rawCode === "string" ? redactAndCut(rawCode, secrets, 100) : typeof rawCode === "number" ? rawCode : undefined;
  const copy = plainError(name, message, code, framesOf(error));
  const cause = read(error, "cause");
  if (cause !== undefined && depth < MAX_CAUSE_DEPTH && !seen.has(cause)) {
    Object.defineProperty(copy, "cause", { value: scrub(cause, secrets, depth + 1, seen), enumerable: false, writable: true, configurable: true });
  }
  return copy;
}

function plainError(name: string, message: string, code: string | number | undefined, frames: string | undefined): Error {
  const copy = new Error(message);
  Object.defineProperty(copy, "name", { value: name, enumerable: false, writable: true, configurable: true });
  if (code !== undefined) Object.defineProperty(copy, "code", { value: code, enumerable: true, writable: true, configurable: true });
  const header = message ? `${name}: ${message}` : name;
  Object.defineProperty(copy, "stack", { value: frames ? `${header}\n${frames}` : header, enumerable: false, writable: true, configurable: true });
  return copy;
}

/** An AggregateError (fetch trying IPv4 and IPv6) often has no message: name what its errors were instead. */
function messageOf(error: Error): string {
  const message = safeString(read(error, "message"));
  const inner = read(error, "errors");
  if (message || !Array.isArray(inner)) return message;
  return inner
    .slice(0, 4)
    .map((each) => (each instanceof Error ? safeString(read(each, "code")) || safeString(read(each, "message")) || safeString(read(each, "name")) : "unknown"))
    .join("; ");
}

/** The "    at file:line" lines of a stack, which name code, never data. */
function framesOf(error: Error): string | undefined {
  const stack = safeString(read(error, "stack"));
  const frames = stack.split("\n").filter((line) => /^\s+at /.test(line));
  return frames.length > 0 ? frames.slice(0, 20).join("\n") : undefined;
}

/** Reads a property without trusting it: a getter can throw. */
function read(target: object, key: string): unknown {
  try {
    return (target as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function safeString(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
}
