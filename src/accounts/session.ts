/**
 * Sessions in the database (so that several app nodes share them). The cookie holds a random
 * token; the table holds its SHA-256, so a leaked table does not yield live sessions. Idle
 * timeout and absolute lifetime both apply; each session has its own CSRF token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { compiledOnce } from '../db/compiled.js';
import { globalVersion } from '../db/versions.js';

export const SESSION_COOKIE = 'gk_session';
/** Logged out after this long without a request (default; GONGKAI_SESSION_IDLE_MINUTES). */
export const IDLE_TIMEOUT_MS = 30 * 60_000;
/** Logged out after this long in any case (default; GONGKAI_SESSION_MAX_HOURS). */
export const ABSOLUTE_TIMEOUT_MS = 12 * 3600_000;

/** The installation's session timeouts (config.ts sessionTimeoutsOf). */
export interface SessionTimeouts {
  idleMs: number;
  absoluteMs: number;
}
export const DEFAULT_SESSION_TIMEOUTS: Readonly<SessionTimeouts> = { idleMs: IDLE_TIMEOUT_MS, absoluteMs: ABSOLUTE_TIMEOUT_MS };

export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function createSession(db: Kysely<Database>, userId: number, ip: string | null, now = Date.now(), timeouts: Readonly<SessionTimeouts> = DEFAULT_SESSION_TIMEOUTS): Promise<{ token: string; csrfToken: string }> {
  const token = newToken();
  const csrfToken = newToken(24);
  const at = new Date(now).toISOString();
  await db
    .insertInto('sessions')
    .values({
      id: sha256(token),
      user_id: userId,
      csrf_token: csrfToken,
      created_at: at,
      last_seen_at: at,
      expires_at: new Date(now + timeouts.absoluteMs).toISOString(),
      ip,
    })
    .execute();
  return { token, csrfToken };
}

export interface LiveSession {
  id: string;
  userId: number;
  csrfToken: string;
  /** The data versions read with the session, for the actor cache (src/db/versions.ts). */
  versions: { accounts: number; agencies: number };
}

/** Every back-office request runs this: compiled once (and prepared on PostgreSQL). */
const sessionQuery = compiledOnce(
  (db: Kysely<Database>, id: string) =>
    db
      .selectFrom('sessions')
      .select(['user_id', 'csrf_token', 'last_seen_at', 'expires_at'])
      .select([globalVersion('accounts').as('accounts_version'), globalVersion('agencies').as('agencies_version')])
      .where('id', '=', id),
  ['\u0000session-id'] as const,
);

/**
 * The live session for a cookie token, refreshing its idle clock; null (and removed) if expired.
 * One query: the session with the counters that tell whether a cached actor is still current.
 */
export async function loadSession(db: Kysely<Database>, token: string, now = Date.now(), timeouts: Readonly<SessionTimeouts> = DEFAULT_SESSION_TIMEOUTS): Promise<LiveSession | null> {
  if (!token || token.length > 100) return null;
  const id = sha256(token);
  const [s] = await sessionQuery(db, id);
  if (!s) return null;
  const idle = now - Date.parse(s.last_seen_at) > timeouts.idleMs;
  if (idle || now > Date.parse(s.expires_at)) {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    return null;
  }
  // Refresh at most once a minute to keep writes down.
  if (now - Date.parse(s.last_seen_at) > 60_000) {
    await db.updateTable('sessions').set({ last_seen_at: new Date(now).toISOString() }).where('id', '=', id).execute();
  }
  return { id, userId: s.user_id, csrfToken: s.csrf_token, versions: { accounts: Number(s.accounts_version), agencies: Number(s.agencies_version) } };
}

export async function destroySession(db: Kysely<Database>, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sha256(token)).execute();
}

/** Ends every session of a user (password changed or reset, account disabled), except `keepId` (the session making the change). */
export async function destroyUserSessions(db: Kysely<Database>, userId: number, keepId?: string): Promise<void> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keepId) q = q.where('id', '<>', keepId);
  await q.execute();
}

/** Removes expired sessions (run from a periodic job). */
export async function purgeSessions(db: Kysely<Database>, now = Date.now(), timeouts: Readonly<SessionTimeouts> = DEFAULT_SESSION_TIMEOUTS): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<', new Date(now).toISOString()), eb('last_seen_at', '<', new Date(now - timeouts.idleMs).toISOString())]))
    .execute();
}
