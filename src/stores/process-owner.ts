import { randomUUID } from "node:crypto";
import { hostname } from "node:os";

/**
 * Who holds something shared (a lock file, a refresh in flight): host, pid and a random id. Another process on
 * the same host can tell a dead holder from a live one (a SIGKILLed worker) without waiting for a timeout; one on
 * another host cannot, and waits.
 */
export interface ProcessOwner {
  host: string;
  pid: number;
  id: string;
}

export const HOST = hostname();

export function newOwner(): ProcessOwner {
  return { host: HOST, pid: process.pid, id: randomUUID() };
}

/** "host/pid/id": the form kept in a token set while its refresh token is at EVE SSO. */
export function ownerTag(owner: ProcessOwner): string {
  return `${owner.host}/${owner.pid}/${owner.id}`;
}

export function parseOwnerTag(tag: string): ProcessOwner | undefined {
  const match = /^(.*)\/(\d+)\/([^/]+)$/.exec(tag);
  return match ? { host: match[1]!, pid: Number(match[2]), id: match[3]! } : undefined;
}

/** The attempts this process has in flight: a marker of ours that is not among them was left by a failed write. */
const liveHere = new Set<string>();

/** Runs `work` as an attempt of this process known to be alive (see isAbandonedTag). */
export async function asLiveAttempt<T>(owner: ProcessOwner, work: () => Promise<T>): Promise<T> {
  liveHere.add(owner.id);
  try {
    return await work();
  } finally {
    liveHere.delete(owner.id);
  }
}

/** True when the attempt a marker names is known to be over: its process is gone, or it is ours and finished. */
export function isAbandonedTag(tag: string): boolean {
  const owner = parseOwnerTag(tag);
  if (owner?.host === HOST && owner.pid === process.pid) return !liveHere.has(owner.id);
  return isDeadOwner(owner);
}

/** True only when the owner is known to be gone: a process of this host that no longer runs. */
export function isDeadOwner(owner: ProcessOwner | undefined): boolean {
  return owner !== undefined && owner.host === HOST && owner.pid !== process.pid && !isAlive(owner.pid);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
