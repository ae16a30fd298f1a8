/**
 * Account lockout (等保 2.0 8.1.4.1 b 登录失败处理; ASVS V2.2.1): after N consecutive failed logins
 * the account is locked for a time set in the security policy; the security officer can unlock it
 * earlier. Counted per user name whether or not an account has that name, so that a name that
 * does not exist locks exactly like one that does and the answers never tell them apart. A
 * successful login resets the count. The per-address limit stays in throttle.ts.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

type Q = Kysely<Database> | Transaction<Database>;

/** When the user name's lock ends (ISO), or null when it is not locked. */
export async function lockedUntil(db: Q, username: string, now = Date.now()): Promise<string | null> {
  const row = await db.selectFrom('account_lockouts').select('locked_until').where('username', '=', username).executeTakeFirst();
  return row?.locked_until && Date.parse(row.locked_until) > now ? row.locked_until : null;
}

/**
 * Counts a failed login; returns the lock's end when this failure locks the name. The count is
 * one statement (an upsert that increments), so that concurrent failures on several nodes all count.
 */
export async function recordFailure(db: Q, username: string, policy: { lockoutThreshold: number; lockoutMinutes: number }, now = Date.now()): Promise<string | null> {
  const at = new Date(now).toISOString();
  const row = await db
    .insertInto('account_lockouts')
    .values({ username, failures: 1, locked_until: null, updated_at: at })
    .onConflict((oc) => oc.column('username').doUpdateSet({ failures: sql`account_lockouts.failures + 1`, updated_at: at }))
    .returning('failures')
    .executeTakeFirstOrThrow();
  if (row.failures < policy.lockoutThreshold) return null;
  const until = new Date(now + policy.lockoutMinutes * 60_000).toISOString();
  // The count starts again: after the lock, another N failures lock again.
  await db.updateTable('account_lockouts').set({ failures: 0, locked_until: until, updated_at: at }).where('username', '=', username).execute();
  return until;
}

/** A successful login: the consecutive failures are forgotten. */
export async function clearFailures(db: Q, username: string): Promise<void> {
  await db.deleteFrom('account_lockouts').where('username', '=', username).execute();
}

/** The user names locked now (for the security officer's page), with their accounts where they exist. */
export async function listLocked(db: Q, now = Date.now()) {
  return db
    .selectFrom('account_lockouts as l')
    .leftJoin('users as u', 'u.username', 'l.username')
    .select(['l.username', 'l.locked_until', 'u.id as userId', 'u.display_name as displayName'])
    .where('l.locked_until', '>', new Date(now).toISOString())
    .orderBy('l.locked_until', 'desc')
    .limit(500)
    .execute();
}
