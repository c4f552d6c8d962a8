import type { AnyEsiClient } from "../client.ts";
import { EsiUsageError } from "../errors.ts";
import type { OperationInfo } from "../generation.ts";
import { orThrow } from "../result.ts";

type LooseCall = (params: Record<string, unknown>) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/** The operation behind a helper call, checked to be paged the way the helper walks it. */
export function pagedOperation(esi: AnyEsiClient, operationId: string, paging: "page" | "cursor" | "from_id", helper: string): OperationInfo {
  const operation = esi.generation.operationById(operationId);
  if (!operation) throw new EsiUsageError(`${helper}: unknown operationId ${operationId}`);
  if (operation.paging !== paging) {
    throw new EsiUsageError(`${helper}: ${operationId} is not paged with ${paging} (its paging: ${operation.paging ?? "none"})`);
  }
  return operation;
}

/** One call through the client (so cache, auth and limits apply): its data and response, or an EsiError. */
export async function callOnce(esi: AnyEsiClient, operation: OperationInfo, params: Record<string, unknown>): Promise<{ data: unknown; response: Response }> {
  const call = (esi.op as unknown as Record<string, LooseCall>)[operation.operationId]!;
  const result = await call(params);
  const data = orThrow(result, { operation, characterId: esi.characterId, info: esi.info(result.response) });
  return { data, response: result.response };
}
