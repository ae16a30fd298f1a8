/**
 * Rate limits on public forms (online application, tracking lookups) and the public search: a sliding window of hits per
 * (bucket, key) kept in the database, so that every app node sees the same counts. Concurrent
 * requests may overshoot a limit by the number of nodes at most; the limits are generous enough
 * for people and tight enough against scripts.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export interface Limit {
  bucket: string;
  /** Requests allowed per window. */
  max: number;
  windowMs: number;
}

export const LIMITS = {
  /** Online applications per address. */
  apply: { bucket: 'apply', max: 10, windowMs: 3600_000 },
  /** Tracking lookups per address (the 查询码 must not be guessable by trying). */
  track: { bucket: 'track', max: 30, windowMs: 15 * 60_000 },
  /** Searches of the public column per address (generous for people; a scraper is slowed down). */
  search: { bucket: 'search', max: 120, windowMs: 60_000 },
} as const satisfies Record<string, Limit>;

export interface RateVerdict {
  allowed: boolean;
  retryAfter: number;
}

export async function hitRateLimit(db: Kysely<Database>, limit: Limit, key: string, now = Date.now()): Promise<RateVerdict> {
  const since = new Date(now - limit.windowMs).toISOString();
  const hits = await db
    .selectFrom('rate_limit_hits')
    .select('at')
    .where('bucket', '=', limit.bucket)
    .where('key', '=', key)
    .where('at', '>', since)
    .orderBy('at', 'asc')
    .limit(limit.max)
    .execute();
  if (hits.length >= limit.max) {
    const oldest = Date.parse(hits[0]!.at);
    return { allowed: false, retryAfter: Math.max(1, Math.ceil((oldest + limit.windowMs - now) / 1000)) };
  }
  await db.insertInto('rate_limit_hits').values({ bucket: limit.bucket, key, at: new Date(now).toISOString() }).execute();
  // Now and then, forget hits older than a day.
  if (Math.random() < 0.01) {
    await db.deleteFrom('rate_limit_hits').where('at', '<', new Date(now - 86_400_000).toISOString()).execute();
  }
  return { allowed: true, retryAfter: 0 };
}
