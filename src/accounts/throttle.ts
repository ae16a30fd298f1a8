/**
 * Login throttling, in the database so that it holds across app nodes: after too many failures
 * from one address within the window, further attempts from it are refused until the window has
 * passed — whether or not the password is right. Failures per user name lock the account
 * (lockout.ts: consecutive failures, a lock the security officer can lift).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export const WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_IP = 20;

export interface ThrottleVerdict {
  allowed: boolean;
  /** Seconds until the next attempt may succeed (when not allowed). */
  retryAfter: number;
}

export async function checkLogin(db: Kysely<Database>, ip: string, now = Date.now()): Promise<ThrottleVerdict> {
  const since = new Date(now - WINDOW_MS).toISOString();
  const byIp = await db
    .selectFrom('login_attempts')
    .select(['at'])
    .where('ip', '=', ip)
    .where('success', '=', 0)
    .where('at', '>', since)
    .orderBy('at', 'desc')
    .limit(MAX_FAILURES_PER_IP)
    .execute();
  // The oldest of the last MAX failures: the window reopens when it leaves the window.
  const first = byIp.length >= MAX_FAILURES_PER_IP ? byIp[byIp.length - 1]! : null;
  if (!first) return { allowed: true, retryAfter: 0 };
  return { allowed: false, retryAfter: Math.max(1, Math.ceil((Date.parse(first.at) + WINDOW_MS - now) / 1000)) };
}

export async function recordLogin(db: Kysely<Database>, username: string, ip: string, success: boolean, now = Date.now()): Promise<void> {
  await db
    .insertInto('login_attempts')
    .values({ username, ip, at: new Date(now).toISOString(), success: success ? 1 : 0 })
    .execute();
}
