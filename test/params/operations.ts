import type { OperationInfo, ParameterRow, ParameterSchema } from "../../src/generation.ts";

/** An operation row as a generation has it, with only what a test names. */
export function operation(operationId: string, parameters: ParameterRow[], extra: Partial<OperationInfo> = {}): OperationInfo {
  return Object.freeze({
    operationId,
    method: "get",
    path: `/${parameters.filter((p) => p.in === "path").map((p) => `{${p.name}}`).join("/")}`,
    summary: "",
    scopes: [],
    roles: [],
    cacheSeconds: null,
    rateLimit: null,
    paging: null,
    hasBody: false,
    parameters,
    ...extra,
  });
}

/** One parameter, `in` the query unless told. */
export function parameter(name: string, schema: ParameterSchema | undefined, extra: Partial<ParameterRow> = {}): ParameterRow {
  return { name, in: "query", required: false, ...(schema ? { schema } : {}), ...extra };
}

// The header parameters every ESI operation declares (as in the 2026-08-04 spec).
export const ESI_HEADERS: ParameterRow[] = [
  parameter("Accept-Language", { type: "string", enum: ["en", "de", "fr", "ja", "ru", "zh", "ko", "es"], default: "en" }, { in: "header", clientFilled: true }),
  parameter("If-None-Match", { type: "string" }, { in: "header", clientFilled: true }),
  parameter("X-Compatibility-Date", { type: "string", enum: ["2026-08-04"], format: "date" }, { in: "header", required: true, clientFilled: true }),
  parameter("X-Tenant", { type: "string", default: "tranquility" }, { in: "header", clientFilled: true }),
  parameter("If-Modified-Since", { type: "string" }, { in: "header", clientFilled: true }),
];

export const ORDERS = operation(
  "GetMarketsRegionIdOrders",
  [
    parameter("region_id", { type: "integer", format: "int64" }, { in: "path", required: true }),
    parameter("order_type", { type: "string", enum: ["buy", "sell", "all"], default: "all" }, { required: true }),
    parameter("type_id", { type: "integer", format: "int64" }),
    parameter("page", { type: "integer", format: "int32", minimum: 1 }),
    ...ESI_HEADERS,
  ],
  { path: "/markets/{region_id}/orders", paging: "page" },
);
