import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEsiClient } from "../../src/index.ts";
import { startFakeSso, type FakeSso } from "../../src/testing/fake-sso/index.ts";
import { startEsiStandIn } from "../auth/esi-stand-in.ts";
import { ssoFor, USER_AGENT, WALLET } from "../auth/setup.ts";

const PILOT = 2112625428;
const ALT = 95465499;

let fake: FakeSso;
let esiServer: Awaited<ReturnType<typeof startEsiStandIn>>;
beforeAll(async () => {
  fake = await startFakeSso({ character: { characterId: PILOT, name: "CCP Zoetrope" } });
  esiServer = await startEsiStandIn(fake);
});
afterAll(async () => {
  await esiServer.close();
  await fake.close();
});

describe("the cache on signed calls", () => {
  it("keeps an answer under the character whose token signed it, and never serves it to another", async () => {
    const sso = ssoFor(fake);
    for (const id of [PILOT, ALT]) {
      const saved = await fake.issueTokens({ characterId: id, scopes: [WALLET] });
      await sso.updateToken({ access_token: "", expires_in: -1, refresh_token: saved.refresh_token }, id);
    }
    const esi = createEsiClient({ userAgent: USER_AGENT, baseUrl: esiServer.url, auth: sso, retry: false });
    const sent = () => esiServer.requests.filter((r) => r.url === `/characters/${PILOT}/wallet`).length;

    // The base view acts for the path's character: the answer is PILOT's, whichever view asked.
    const first = await esi.GET("/characters/{character_id}/wallet", { params: { path: { character_id: PILOT } } });
    expect(esi.info(first.response)).toMatchObject({ cache: "miss", characterId: PILOT });
    const again = await esi.as(PILOT).GET("/characters/{character_id}/wallet", { params: { path: { character_id: PILOT } } });
    expect(esi.info(again.response)).toMatchObject({ cache: "hit", characterId: PILOT });
    expect(again.data).toBe(first.data);
    expect(sent()).toBe(1);

    // Another character asking for the same URL is sent to ESI with its own token, not given PILOT's answer.
    const other = await esi.as(ALT).GET("/characters/{character_id}/wallet", { params: { path: { character_id: PILOT } } });
    expect(esi.info(other.response)?.cache).not.toBe("hit");
    expect(sent()).toBe(2);
  });
});
