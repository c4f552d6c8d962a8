import { createEsiClient, type EsiClientOptions } from "../../src/index.ts";
import type { FakeEsi } from "../../src/testing/fake-esi/index.ts";

export { SPEC_PATH } from "../fake-esi/spec-path.ts";

/** A client of the fake: retries off unless asked, so a test counts exactly the requests it caused. */
export function clientOf(fake: FakeEsi, extra: Partial<EsiClientOptions> = {}) {
  return createEsiClient({ userAgent: "esikit-tests/1.0 (tests@example.com)", baseUrl: fake.url, retry: false, ...extra });
}

/** Requests the fake received for one operation. */
export function sent(fake: FakeEsi, operationId: string) {
  return fake.requests.filter((r) => r.operationId === operationId);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
