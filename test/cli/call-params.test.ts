import { describe, expect, it } from "vitest";
import { buildParams } from "../../src/cli/call-params.ts";
import { CliError } from "../../src/cli/exit-codes.ts";
import { generation } from "../../src/default-generation.ts";
import { EsiUsageError } from "../../src/errors.ts";

const op = (operationId: string) => generation.operationById(operationId)!;

describe("--param values typed as the spec says", () => {
  it("numbers, booleans and lists from text; text parameters stay text, digits or not", () => {
    const search = buildParams(op("GetCharactersCharacterIdSearch"), ["categories=agent", "search=1234", "strict=true"], { character_id: "90000001" });
    expect(search).toEqual({ character_id: 90000001, categories: ["agent"], search: "1234", strict: true });
    const mail = buildParams(op("GetCharactersCharacterIdMail"), ["labels=1", "labels=2"], { character_id: "90000001" });
    expect(mail).toEqual({ character_id: 90000001, labels: [1, 2] });
    const contacts = buildParams(op("PostCharactersCharacterIdContacts"), ["standing=-5.5", "watched=false"], {}, { character_id: "90000001" });
    expect(contacts).toEqual({ character_id: 90000001, standing: -5.5, watched: false });
  });

  it("a value that is not of its type is the client's EsiUsageError, naming parameter and value", () => {
    const orders = op("GetMarketsRegionIdOrders");
    expect(() => buildParams(orders, ["region_id=0x10", "order_type=all"], {})).toThrow(new EsiUsageError('GetMarketsRegionIdOrders: region_id must be an integer (got "0x10")'));
    expect(() => buildParams(op("GetCharactersCharacterIdSearch"), ["categories=agent", "search=jita", "strict=yes"], { character_id: "1" })).toThrow(/^GetCharactersCharacterIdSearch: strict must be .* \(got "yes"\)$/);
  });

  it("__proto__ and constructor are names like any other: unknown here, not dropped or mistaken for a path parameter", () => {
    for (const name of ["__proto__", "constructor"]) {
      expect(() => buildParams(op("GetStatus"), [`${name}=1`], {})).toThrow(new CliError(`GetStatus has no parameter ${name}. It takes no parameters.`, 2));
    }
  });
});
