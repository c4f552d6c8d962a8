// An app as a user writes it, checked with TypeScript 5 and 7 under the strictest options, generated types included.
import { createEsiClient } from "../../src/index.ts";

const esi = createEsiClient({ userAgent: "compat-app/1.0 (compat@example.com)" });

export async function balance(characterId: number): Promise<number> {
  const { data, error } = await esi.GET("/characters/{character_id}/wallet", { params: { path: { character_id: characterId } } });
  if (error !== undefined) throw new Error(error.error);
  return data;
}

export async function cheapestTritanium(): Promise<number | undefined> {
  const orders = await esi.call("GetMarketsRegionIdOrders", { region_id: 10000002, order_type: "sell", type_id: 34 });
  return orders.map((o) => o.price).sort((a, b) => a - b)[0];
}

export async function names(ids: number[]): Promise<string[]> {
  const { data } = await esi.op.PostUniverseNames({ body: ids });
  return (data ?? []).map((n) => n.name);
}
