import { readdir } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { generate, OUTPUT_FILES } from "../../scripts/lib/generator.ts";
import { SpecError } from "../../scripts/lib/spec-error.ts";
import { fixture, snapshot, tempDirs } from "./helpers.ts";

type Dirs = Awaited<ReturnType<typeof tempDirs>>;
let dirs: Dirs;

// One good generation first: every failing run below must leave it byte for byte as it was, with no temp file.
beforeAll(async () => {
  dirs = await tempDirs();
  await generate({ specFile: fixture("openapi-3.1.json"), offline: true, ...dirs });
});

const cases: Array<[file: string, message: RegExp]> = [
  ["malformed/not-json.json", /not-json\.json: not valid JSON/],
  ["malformed/no-paths.json", /no-paths\.json: "paths" is missing or not an object/],
  ["malformed/missing-operation-id.json", /GET \/alliances has no operationId/],
  ["malformed/duplicate-operation-id.json", /operationId GetStatus is used twice: GET \/status and GET \/status\/again/],
  ["malformed/bad-server-url.json", /bad-server-url\.json: servers\[0\]\.url "https:\/\/esi\.example\.invalid:99999\/v1" is not a URL/],
  ["malformed/dangling-ref.json", /dangling-ref\.json: openapi-typescript cannot make types from it: Can't resolve \$ref at #\/paths\/~1status\/get\/responses\/200/],
  ["malformed/bad-rate-limit.json", /GET \/characters\/\{character_id\}\/wallet: x-rate-limit must have group, max-tokens and window-size like "15m"; got .*fifteen minutes/],
];

describe("a malformed spec", () => {
  it.each(cases)("%s fails with a SpecError naming what is wrong, and the last generation stays intact", async (file, message) => {
    const before = await snapshot(dirs.outDir);
    const cacheBefore = await snapshot(dirs.cacheDir);
    const failure = await generate({ specFile: fixture(file), offline: true, force: true, ...dirs }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(SpecError);
    expect((failure as SpecError).message).toMatch(message);
    expect(await snapshot(dirs.outDir)).toEqual(before);
    // The cache keeps only specs that could be read: a broken one must not become "the newest spec" there.
    expect(await snapshot(dirs.cacheDir)).toEqual(cacheBefore);
  });

  it("that is not a spec at all says so", async () => {
    const notASpec = generate({ specFile: fixture("../../../package.json"), offline: true, ...dirs });
    await expect(notASpec).rejects.toThrow(/neither "openapi" nor "swagger" is set/);
    expect((await readdir(dirs.outDir)).sort()).toEqual([...OUTPUT_FILES].sort());
  });
});
