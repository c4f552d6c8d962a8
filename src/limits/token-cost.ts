/**
 * What a response costs in ESI's rate-limit tokens, by status (ESI's documented costs): 2xx 2, 3xx 1
 * (a 304 is cheap: revalidate rather than refetch), 4xx 5 (mistakes are expensive), 429 and 5xx nothing.
 */
export function tokenCost(status: number): number {
  if (status >= 200 && status < 300) return 2;
  if (status >= 300 && status < 400) return 1;
  if (status === 429) return 0;
  if (status >= 400 && status < 500) return 5;
  return 0;
}

/** What a request is expected to cost before it is sent: a success. */
export const EXPECTED_COST = 2;
