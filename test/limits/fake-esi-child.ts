// The fake ESI in a process of its own (see fake-esi-process.ts): options come as JSON in argv[2].
import { startFakeEsi, type FakeEsiOptions } from "../../src/testing/fake-esi/index.ts";

const options = JSON.parse(process.argv[2] ?? "{}") as FakeEsiOptions;
const fake = await startFakeEsi(options);
process.send!({ url: fake.url });
process.on("message", async (message: string) => {
  if (message === "stats") process.send!({ stats: fake.stats });
  if (message === "close") {
    await fake.close();
    process.disconnect();
  }
});
