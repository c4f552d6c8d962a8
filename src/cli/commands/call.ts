import { Command, Option } from "commander";
import type { EsiClient } from "../../client.ts";
import type { DefaultGeneration } from "../../default-generation.ts";
import type { OperationInfo } from "../../generation.ts";
import type { CursorOperationId, FromIdOperationId, PagedOperationId } from "../../paging/types.ts";
import { buildParams, collectParam, describeParameters, readBody } from "../call-params.ts";
import { CliError, ExitCode } from "../exit-codes.ts";
import { formatData } from "../format-table.ts";
import { lookUpOperation } from "../operation-lookup.ts";
import { createProgress } from "../progress.ts";
import { resolveSettings, type GlobalOptions } from "../settings.ts";

interface CallOptions {
  param: string[];
  body?: string;
  character?: string;
  allPages?: boolean;
  format: "json" | "table";
}

/** `esikit call <operationId | "GET /path">`: any operation, its parameters checked before anything is sent. */
export function callCommand(): Command {
  return new Command("call")
    .description("call an ESI operation by operationId or by \"METHOD /path\" and print the result")
    .argument("<operation>", 'an operationId (GetCharactersCharacterIdWallet) or "GET /characters/{character_id}/wallet" (a concrete path and query work too)')
    .option("-p, --param <name=value>", "a path or query parameter; repeat it for more (a name given twice becomes a list)", collectParam, [])
    .option("--body <json>", "the request body: JSON text, @file.json, or - for stdin")
    .option("-c, --character <id|name>", "act for this logged-in character (default: the only one logged in); fills in character_id")
    .option("--all-pages", "fetch every page (X-Pages, cursor or from_id operations) and print them as one list")
    .addOption(new Option("--format <format>", "output format").choices(["json", "table"]).default("json"))
    .addHelpText(
      "after",
      `
Examples:
  esikit call GetStatus
  esikit call "GET /universe/types/587"
  esikit call GetMarketsRegionIdOrders -p region_id=10000002 -p order_type=sell --all-pages --format table
  esikit call GetCharactersCharacterIdWallet --character "Jita Trader"`,
    )
    .action(async (reference: string, options: CallOptions, command: Command) => {
      const settings = resolveSettings(command.optsWithGlobals<GlobalOptions>());
      const { operation, params: fromPath } = lookUpOperation(reference);
      if (options.allPages && !operation.paging) {
        throw new CliError(`${operation.operationId} is not paged: leave out --all-pages`, ExitCode.usage);
      }
      const body = readBody(operation, options.body);
      // Checked before any token is read, so bad input fails the same way logged in or not.
      buildParams(operation, options.param, fromPath, needsCharacterId(operation) ? { character_id: "0" } : {});

      // The client, SSO and stores load only once the input is known to be good: bad input fails fast.
      const { chooseCharacter, openEsi, openSso, openTokenStore } = await import("../session.ts");
      let esi: EsiClient<DefaultGeneration>;
      let characterDefault: Record<string, string> = {};
      if (operation.scopes.length > 0 || options.character !== undefined) {
        const store = openTokenStore(settings);
        const character = await chooseCharacter(store, options.character ?? fromPath.character_id ?? characterParam(options.param));
        const characterId = character.tokens.characterId ?? Number(character.key);
        // Only an operation that needs a scope sends (and may refresh) the token.
        esi = operation.scopes.length > 0 ? openEsi(settings, openSso(settings, store)).as(characterId) : openEsi(settings);
        characterDefault = { character_id: String(characterId) };
      } else {
        esi = openEsi(settings);
      }
      const params = { ...buildParams(operation, options.param, fromPath, characterDefault), ...body };
      const data = options.allPages ? await fetchEveryPage(esi, operation, params) : await esi.call(operation.operationId as never, params as never);
      process.stdout.write(`${options.format === "table" ? formatData(data) : JSON.stringify(data, null, 2)}\n`);
    });
}

const needsCharacterId = (operation: OperationInfo) => operation.parameters.some((p) => p.name === "character_id" && p.required);

/** `--param character_id=…` also says who acts (when --character does not). */
function characterParam(pairs: readonly string[]): string | undefined {
  return pairs.find((pair) => pair.startsWith("character_id="))?.slice("character_id=".length);
}

async function fetchEveryPage(esi: EsiClient<DefaultGeneration>, operation: OperationInfo, params: Record<string, unknown>): Promise<unknown[]> {
  const [{ iteratePages }, { iterateCursor }, { iterateFromId }] = await Promise.all([
    import("../../paging/pages.ts"),
    import("../../paging/cursor.ts"),
    import("../../paging/from-id.ts"),
  ]);
  const progress = createProgress(operation.operationId);
  let items = 0;
  let done = 0;
  try {
    switch (operation.paging) {
      case "page": {
        const byPage: unknown[][] = [];
        for await (const page of iteratePages(esi, operation.operationId as PagedOperationId, params as never)) {
          byPage[page.page - 1] = page.items;
          items += page.items.length;
          progress.page(++done, page.pages, items);
        }
        return byPage.flat();
      }
      case "cursor": {
        const records: unknown[] = [];
        for await (const page of iterateCursor(esi, operation.operationId as CursorOperationId, params as never, { direction: "before" })) {
          records.push(...page.records);
          progress.page(++done, undefined, (items += page.records.length));
        }
        return records;
      }
      case "from_id": {
        const records: unknown[] = [];
        for await (const page of iterateFromId(esi, operation.operationId as FromIdOperationId, params as never)) {
          records.push(...page);
          progress.page(++done, undefined, (items += page.length));
        }
        return records;
      }
      default:
        throw new CliError(`${operation.operationId} is not paged. ${describeParameters(operation)}`, ExitCode.usage);
    }
  } finally {
    progress.finish();
  }
}
