import type { EsiEventEmitter } from "../events.ts";
import { parseWarning } from "../headers/cache-headers.ts";
import { HeaderParseError } from "../headers/header-parse-error.ts";

/**
 * ESI's Warning header becomes a `warning` event: 199 (a newer version of the route exists) and 299 (the route
 * is deprecated), or any other code a proxy adds. An unreadable header is reported as it came, with code 0.
 */
export function emitWarnings(events: EsiEventEmitter, headers: Headers, operationId: string | undefined): void {
  const raw = headers.get("Warning");
  if (raw === null || !events.hasListeners("warning")) return;
  try {
    for (const warning of parseWarning(raw) ?? []) events.emit("warning", { operationId, code: warning.code, text: warning.text });
  } catch (error) {
    if (!(error instanceof HeaderParseError)) throw error;
    events.emit("warning", { operationId, code: 0, text: raw.slice(0, 200) });
  }
}
