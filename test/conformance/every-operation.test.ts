import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEsiClient } from "../../src/index.ts";
import { startRecordingServer, type RecordedRequest } from "../support/recording-server.ts";
import { HAVE_REAL_SPECS, NO_SPECS_REASON, specFile } from "../support/spec-files.ts";
import { readSpecRequests, requestProblems, sampleValue, type SpecOperationRequest } from "./spec-requests.ts";

const LANGUAGES = ["en", "de", "fr", "ja", "ru", "zh", "ko", "es"] as const;

/**
 * Every operation of ESI's own spec, sent by esikit to a server that records it; every request checked against the
 * spec's schemas (Ajv, compiled from the spec). The samples come from the spec too (the fake ESI's sample builder),
 * every parameter given, optional ones included; every other call names its own Accept-Language.
 */
describe.skipIf(!HAVE_REAL_SPECS)(`every operation of the spec, on the wire${HAVE_REAL_SPECS ? "" : ` (skipped: ${NO_SPECS_REASON})`}`, () => {
  let spec: Record<string, any>;
  let operations: SpecOperationRequest[];
  let server: Awaited<ReturnType<typeof startRecordingServer>>;

  beforeAll(async () => {
    spec = JSON.parse(readFileSync(specFile("openapi.json"), "utf8"));
    operations = readSpecRequests(spec);
    // Answers 200 {} to everything: what matters here is what was sent.
    server = await startRecordingServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end("{}");
    });
  });
  afterAll(() => server?.close());

  /** Sample arguments for an operation, by location, all from the spec. */
  const argumentsFor = (op: SpecOperationRequest, index: number) => {
    const args = { path: {} as Record<string, unknown>, query: {} as Record<string, unknown>, header: {} as Record<string, unknown>, body: undefined as unknown };
    op.parameters.forEach((p, i) => {
      if (p.in === "path" || p.in === "query") args[p.in][p.name] = sampleValue(p.schema, p.validate, index * 100 + i + 1, spec);
    });
    const language = index % 2 === 1 ? LANGUAGES[index % LANGUAGES.length]! : undefined;
    if (language) args.header["Accept-Language"] = language;
    if (op.body) args.body = sampleValue(op.body.schema, op.body.validate, index * 100 + 99, spec);
    const expectHeaders: Record<string, string> = { "Accept-Language": language ?? "en", "X-Compatibility-Date": spec.info?.version ?? "" };
    const compatibilityDate = op.parameters.find((p) => p.name === "X-Compatibility-Date")?.schema.enum as string[] | undefined;
    expectHeaders["X-Compatibility-Date"] = compatibilityDate?.[0] ?? expectHeaders["X-Compatibility-Date"]!;
    return { args, expectHeaders };
  };

  /** Sends every operation one way, and lists what was wrong with each request. */
  async function sendAll(send: (esi: ReturnType<typeof createEsiClient>, op: SpecOperationRequest, args: ReturnType<typeof argumentsFor>["args"]) => Promise<unknown>) {
    const esi = createEsiClient({ userAgent: "esikit-tests/0 (conformance)", baseUrl: server.url, retry: false, cache: false });
    const failures: string[] = [];
    let valid = 0;
    for (const [index, op] of operations.entries()) {
      const { args, expectHeaders } = argumentsFor(op, index);
      const before = server.requests.length;
      let thrown: unknown;
      try {
        await send(esi, op, args);
      } catch (error) {
        thrown = error;
      }
      const sent: RecordedRequest[] = server.requests.slice(before);
      if (sent.length !== 1) {
        failures.push(`${op.operationId}: ${sent.length} requests${thrown ? ` (${(thrown as Error).message})` : ""}`);
        continue;
      }
      const problems = requestProblems(op, { ...sent[0]!, headers: sent[0]!.headers as Record<string, string | string[] | undefined> }, args, expectHeaders);
      if (problems.length) failures.push(`${op.operationId}: ${problems.join("; ")}`);
      else valid++;
    }
    return { failures, valid };
  }

  it("the spec has 225 operations, and every sample built from it is valid against it", () => {
    expect(operations).toHaveLength(225);
    for (const [index, op] of operations.entries()) expect(() => argumentsFor(op, index), op.operationId).not.toThrow();
  });

  it("esi.call: 225/225 requests valid against the spec (path, query, headers with Accept-Language, body)", { timeout: 120_000 }, async () => {
    const { failures, valid } = await sendAll((esi, op, args) =>
      (esi.call as (id: string, params: Record<string, unknown>) => Promise<unknown>)(op.operationId, {
        ...args.path,
        ...args.query,
        ...args.header,
        ...(args.body === undefined ? {} : { body: args.body }),
      }),
    );
    expect(failures).toEqual([]);
    expect(valid).toBe(225);
  });

  it("esi.GET and friends (openapi-fetch's params): 225/225 requests valid against the spec", { timeout: 120_000 }, async () => {
    const { failures, valid } = await sendAll((esi, op, args) => {
      const byMethod = esi as unknown as Record<string, (path: string, init: Record<string, unknown>) => Promise<unknown>>;
      return byMethod[op.method]!(op.path, {
        params: { path: args.path, query: args.query, header: args.header },
        ...(args.body === undefined ? {} : { body: args.body }),
      });
    });
    expect(failures).toEqual([]);
    expect(valid).toBe(225);
  });
});
