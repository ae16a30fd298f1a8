/**
 * Login throttling, in the database so that it holds across app nodes: after too many failures
 * for one user name, or from one address, within the window, further attempts are refused until
 * the window has passed — whether or not the password is right.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export const WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_USER = 5;
export const MAX_FAILURES_PER_IP = 20;

export interface ThrottleVerdict {
  allowed: boolean;
  /** Seconds until the next attempt may succeed (when not allowed). */
  retryAfter: number;
}

export async function checkLogin(db: Kysely<Database>, username: string, ip: string, now = Date.now()): Promise<ThrottleVerdict> {
  const since = new Date(now - WINDOW_MS).toISOString();
  const failures = async (col: 'username' | 'ip', value: string) =>
    db
      .selectFrom('login_attempts')
      .select(['at'])
      .where(col, '=', value)
      .where('success', '=', 0)
      .where('at', '>', since)
      .orderBy('at', 'asc')
      .execute();
  const byUser = await failures('username', username);
  const byIp = await failures('ip', ip);
  const over = (rows: { at: string }[], max: number) => (rows.length >= max ? rows[rows.length - max]! : null);
  const first = over(byUser, MAX_FAILURES_PER_USER) ?? over(byIp, MAX_FAILURES_PER_IP);
  if (!first) return { allowed: true, retryAfter: 0 };
  return { allowed: false, retryAfter: Math.max(1, Math.ceil((Date.parse(first.at) + WINDOW_MS - now) / 1000)) };
}

export async function recordLogin(db: Kysely<Database>, username: string, ip: string, success: boolean, now = Date.now()): Promise<void> {
  await db
    .insertInto('login_attempts')
    .values({ username, ip, at: new Date(now).toISOString(), success: success ? 1 : 0 })
    .execute();
}
