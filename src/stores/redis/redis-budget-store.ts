import type { Redis } from "ioredis";
import type { BudgetStore, ErrorWindow, TakeResult } from "../budget-store.ts";
import { LuaScript } from "./lua-script.ts";
import { storeStep } from "./redis-store-error.ts";

export interface RedisBudgetStoreOptions {
  /** Namespace of every key. Default "esikit:". */
  prefix?: string;
}

/*
 * A rate-limit bucket is two keys: a sorted set (ticket -> when its tokens were spent, Redis's clock) and a hash
 * (ticket -> tokens, plus "~window" -> the window in ms, for expiry). Every step is one Lua script, so processes
 * never see half a step, and all of them read the one clock of the Redis server.
 */

/** Shared by the bucket scripts: `now` from Redis, and dropping spendings older than the window. */
const PRELUDE = `
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function prune(window)
  local gone = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", now - window)
  for i = 1, #gone do redis.call("HDEL", KEYS[2], gone[i]) end
  if #gone > 0 then redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", now - window) end
end
local function spent()
  local live = redis.call("ZRANGE", KEYS[1], 0, -1, "WITHSCORES")
  local list, used = {}, 0
  for i = 1, #live, 2 do
    local tokens = tonumber(redis.call("HGET", KEYS[2], live[i])) or 0
    list[#list + 1] = { tonumber(live[i + 1]), tokens }
    used = used + tokens
  end
  return list, used
end
local function keep(window)
  redis.call("HSET", KEYS[2], "~window", window)
  redis.call("PEXPIRE", KEYS[1], window * 2)
  redis.call("PEXPIRE", KEYS[2], window * 2)
end
`;

/** KEYS: spent, tokens, ticket counter. ARGV: cost, limit, windowMs. -> {1, ticket} | {0, waitMs} */
const TAKE = new LuaScript(`${PRELUDE}
local cost, limit, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
prune(window)
local list, used = spent()
-- A cost above the whole budget can never fit beside anything else: let it through once the bucket is empty.
if used + cost <= limit or used == 0 then
  local ticket = tostring(redis.call("INCR", KEYS[3]))
  redis.call("ZADD", KEYS[1], now, ticket)
  redis.call("HSET", KEYS[2], ticket, cost)
  keep(window)
  return { 1, ticket }
end
local toFree = used + cost - limit
for i = 1, #list do
  toFree = toFree - list[i][2]
  if toFree <= 0 then return { 0, math.max(1, list[i][1] + window - now) } end
end
return { 0, window }`);

/** KEYS: spent, tokens. ARGV: ticket, cost. The real cost, timed from now; 0 gives the tokens back. */
const SETTLE = new LuaScript(`${PRELUDE}
local ticket, cost = ARGV[1], tonumber(ARGV[2])
if not redis.call("ZSCORE", KEYS[1], ticket) then return 0 end
if cost <= 0 then
  redis.call("ZREM", KEYS[1], ticket)
  redis.call("HDEL", KEYS[2], ticket)
  return 1
end
redis.call("ZADD", KEYS[1], now, ticket)
redis.call("HSET", KEYS[2], ticket, cost)
local window = tonumber(redis.call("HGET", KEYS[2], "~window"))
if window then keep(window) end
return 1`);

/** KEYS: spent, tokens, ticket counter. ARGV: remaining, limit, windowMs, release delay ms ("" = a window). */
const OBSERVE = new LuaScript(`${PRELUDE}
local remaining, limit, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local delay = tonumber(ARGV[4]) or window
prune(window)
local _, used = spent()
local missing = limit - used - remaining
if missing > 0 then
  local ticket = "esi-" .. redis.call("INCR", KEYS[3])
  redis.call("ZADD", KEYS[1], now + delay - window, ticket)
  redis.call("HSET", KEYS[2], ticket, missing)
  keep(window)
end
return missing`);

/**
 * KEYS: window hash. ARGV: remain, resetAt (epoch ms), same-window ms, keep ms. -> {remain, resetAt} as stored.
 * Reports of one window keep the lowest remain; a later window replaces it; an earlier one is ignored.
 */
const OBSERVE_ERROR_WINDOW = new LuaScript(`
local remain, resetAt, same, keepMs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local current = redis.call("HMGET", KEYS[1], "remain", "resetAt")
local curRemain, curReset = tonumber(current[1]), tonumber(current[2])
if curRemain and curReset then
  if math.abs(resetAt - curReset) <= same then
    remain = math.min(curRemain, remain)
    resetAt = math.max(curReset, resetAt)
  elseif resetAt < curReset then
    return { tostring(curRemain), tostring(curReset) }
  end
end
redis.call("HSET", KEYS[1], "remain", remain, "resetAt", resetAt)
redis.call("PEXPIRE", KEYS[1], keepMs)
return { tostring(remain), tostring(resetAt) }`);

/** ESI's reset header counts whole seconds: reports this close together describe the same window. */
const SAME_WINDOW_MS = 1000;
/** An error window is kept this long after its reset, so a late report of it is still recognised as old. */
const KEEP_ERROR_WINDOW_MS = 3_600_000;

/**
 * ESI's error-limit and rate-limit budgets in Redis, shared by every process of an app: what one worker
 * spends, the others see at once, so together they stay inside the limits ESI gives the application.
 */
export class RedisBudgetStore implements BudgetStore {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, options: RedisBudgetStoreOptions = {}) {
    this.#redis = redis;
    this.#prefix = `${options.prefix ?? "esikit:"}budget:`;
  }

  async take(bucket: string, cost: number, limit: number, windowMs: number): Promise<TakeResult> {
    const answer = (await storeStep(`taking from rate-limit bucket ${bucket}`, () =>
      TAKE.run(this.#redis, this.#bucketKeys(bucket, true), [cost, limit, windowMs]),
    )) as [number, string | number];
    return answer[0] === 1 ? { granted: true, ticket: String(answer[1]) } : { granted: false, waitMs: Number(answer[1]) };
  }

  async settle(bucket: string, ticket: string, cost: number): Promise<void> {
    await storeStep(`settling rate-limit bucket ${bucket}`, () => SETTLE.run(this.#redis, this.#bucketKeys(bucket, false), [ticket, cost]));
  }

  async observe(bucket: string, remaining: number, limit: number, windowMs: number, releaseAt?: number): Promise<void> {
    // The caller's clock says when; Redis's clock counts: hand over a delay, which both agree on.
    const delay = releaseAt === undefined ? "" : Math.max(0, releaseAt - Date.now());
    await storeStep(`updating rate-limit bucket ${bucket}`, () =>
      OBSERVE.run(this.#redis, this.#bucketKeys(bucket, true), [remaining, limit, windowMs, delay]),
    );
  }

  async errorWindow(key: string): Promise<ErrorWindow | undefined> {
    const [remain, resetAt] = await storeStep(`reading error window ${key}`, () => this.#redis.hmget(this.#errorKey(key), "remain", "resetAt"));
    if (remain === null || remain === undefined || resetAt === null || resetAt === undefined) return undefined;
    return { remain: Number(remain), resetAt: Number(resetAt) };
  }

  async observeErrorWindow(key: string, report: ErrorWindow): Promise<ErrorWindow> {
    const keepMs = Math.max(0, report.resetAt - Date.now()) + KEEP_ERROR_WINDOW_MS;
    const [remain, resetAt] = (await storeStep(`updating error window ${key}`, () =>
      OBSERVE_ERROR_WINDOW.run(this.#redis, [this.#errorKey(key)], [report.remain, report.resetAt, SAME_WINDOW_MS, Math.ceil(keepMs)]),
    )) as [string, string];
    return { remain: Number(remain), resetAt: Number(resetAt) };
  }

  #bucketKeys(bucket: string, withCounter: boolean): string[] {
    const base = `${this.#prefix}bucket:${bucket}`;
    const keys = [`${base}:spent`, `${base}:tokens`];
    if (withCounter) keys.push(`${this.#prefix}tickets`);
    return keys;
  }

  #errorKey(key: string): string {
    return `${this.#prefix}error-window:${key}`;
  }
}
