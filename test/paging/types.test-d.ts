import { describe, expectTypeOf, it } from "vitest";
import type { EsiClient, OperationData } from "../../src/index.ts";
import { fetchAllRecords, fetchChanges } from "../../src/paging/cursor.ts";
import { fetchAllFromId } from "../../src/paging/from-id.ts";
import { fetchAllPages, iteratePages } from "../../src/paging/pages.ts";
import type { CursorOperationId, FromIdOperationId, PagedOperationId } from "../../src/paging/types.ts";

declare const esi: EsiClient;

describe("paging types", () => {
  it("types each helper's items from the operation", () => {
    expectTypeOf(fetchAllPages(esi, "GetMarketsRegionIdOrders", { region_id: 10000002, order_type: "all" })).resolves.toEqualTypeOf<
      OperationData<"GetMarketsRegionIdOrders">
    >();
    expectTypeOf(fetchAllRecords(esi, "GetFreelanceJobsListing")).resolves.toHaveProperty("records").toEqualTypeOf<
      OperationData<"GetFreelanceJobsListing">["freelance_jobs"]
    >();
    expectTypeOf(fetchAllFromId(esi, "GetCharactersCharacterIdWalletTransactions", { character_id: 1 })).resolves.toEqualTypeOf<
      OperationData<"GetCharactersCharacterIdWalletTransactions">
    >();
  });

  it("accepts only operations paged the helper's way", () => {
    expectTypeOf<"GetMarketsRegionIdOrders">().toExtend<PagedOperationId>();
    expectTypeOf<"GetFreelanceJobsListing">().toExtend<CursorOperationId>();
    expectTypeOf<"GetCharactersCharacterIdWalletTransactions">().toExtend<FromIdOperationId>();
    // @ts-expect-error GetAlliances is not paged
    void fetchAllPages(esi, "GetAlliances");
    // @ts-expect-error wallet transactions page with from_id, not cursors
    void fetchAllRecords(esi, "GetCharactersCharacterIdWalletTransactions", { character_id: 1 });
    // @ts-expect-error the helper drives `page` itself
    void iteratePages(esi, "GetMarketsRegionIdOrders", { region_id: 1, order_type: "all", page: 2 });
    // @ts-expect-error region_id and order_type are required
    void fetchAllPages(esi, "GetMarketsRegionIdOrders");
    // @ts-expect-error polling needs the `after` token of an earlier walk
    void fetchChanges(esi, "GetFreelanceJobsListing", {}, {});
  });
});
