/**
 * Retention of the audit log (网络安全法第二十一条: logs kept no less than six months;
 * GONGKAI_AUDIT_RETENTION_DAYS, at least 180). The only path by which rows ever leave the table:
 *
 *   1. the rows older than the cutoff (now − retention days) are written to an archive file
 *      (JSON lines, written under a temporary name, flushed, renamed) and its SHA-256 computed;
 *   2. one transaction records the cutoff, the row count and the archive in audit_retention
 *      (append-only), deletes the rows below the cutoff, and audits the purge.
 *
 * The database enforces the rest (migration 2026112818): DELETE on audit_log fails for any row
 * not older than the latest recorded cutoff, and a cutoff newer than 180 days cannot be recorded.
 * `purgeAuditLog` is what the scheduled job runner and `gongkai audit purge` call.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { audit } from './audit.js';
import { auditRows, jsonLine } from './audit-log.js';

export const MIN_AUDIT_RETENTION_DAYS = 180;
export const DEFAULT_AUDIT_RETENTION_DAYS = 365;

export interface PurgeResult {
  /** Rows older than this (ISO) were archived and removed. */
  cutoff: string;
  rows: number;
  /** The archive's path and SHA-256; null when nothing was old enough (or on a dry run). */
  archive: string | null;
  sha256: string | null;
  dryRun: boolean;
}

export class RetentionError extends Error {
  readonly status = 422;
  constructor(message: string) {
    super(message);
    this.name = 'RetentionError';
  }
}

/**
 * Archives and removes the audit rows older than `retentionDays`. `archiveDir` receives
 * audit-<cutoff date>-<first id>-<last id>.jsonl. The purge itself leaves an 'audit.purge' row.
 */
export async function purgeAuditLog(
  db: Kysely<Database>,
  opts: { retentionDays: number; archiveDir: string; now?: Date; dryRun?: boolean; userId?: number | null },
): Promise<PurgeResult> {
  if (!Number.isInteger(opts.retentionDays) || opts.retentionDays < MIN_AUDIT_RETENTION_DAYS) {
    throw new RetentionError(`审计日志保存期限不得少于 ${MIN_AUDIT_RETENTION_DAYS} 天（网络安全法第二十一条：不少于六个月），收到 ${opts.retentionDays}`);
  }
  const now = opts.now ?? new Date();
  const cutoff = new Date(now.getTime() - opts.retentionDays * 86_400_000).toISOString();
  const range = await db
    .selectFrom('audit_log')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('id').as('first'), eb.fn.max('id').as('last')])
    .where('at', '<', cutoff)
    .executeTakeFirstOrThrow();
  const rows = Number(range.n);
  if (rows === 0 || opts.dryRun) return { cutoff, rows, archive: null, sha256: null, dryRun: !!opts.dryRun };
  const maxId = Number(range.last);

  await mkdir(opts.archiveDir, { recursive: true });
  const name = `audit-${cutoff.slice(0, 10)}-${Number(range.first)}-${maxId}.jsonl`;
  const path = join(opts.archiveDir, name);
  const tmp = `${path}.${process.pid}.tmp`;
  const hash = createHash('sha256');
  let written = 0;
  const fh = await open(tmp, 'wx', 0o640);
  try {
    let chunk = '';
    for await (const r of auditRows(db, {}, { maxId })) {
      if (r.at >= cutoff) continue;
      chunk += jsonLine(r);
      written++;
      if (chunk.length > 1 << 20) {
        hash.update(chunk);
        await fh.write(chunk);
        chunk = '';
      }
    }
    hash.update(chunk);
    await fh.write(chunk);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  if (written !== rows) {
    await rm(tmp, { force: true });
    throw new Error(`审计日志归档的行数（${written}）与统计的行数（${rows}）不一致，未删除任何记录`);
  }
  await rename(tmp, path);
  const sha256 = hash.digest('hex');

  await db.transaction().execute(async (trx) => {
    await trx.insertInto('audit_retention').values({ at: now.toISOString(), cutoff, user_id: opts.userId ?? null, row_count: rows, archive: name, archive_sha256: sha256 }).execute();
    const r = await trx.deleteFrom('audit_log').where('at', '<', cutoff).where('id', '<=', maxId).executeTakeFirst();
    if (Number(r.numDeletedRows) !== rows) throw new Error(`审计日志删除的行数（${Number(r.numDeletedRows)}）与归档的行数（${rows}）不一致，已回滚`);
    await audit(trx, { userId: opts.userId ?? null, action: 'audit.purge', details: { cutoff, rows, archive: name, sha256, retentionDays: opts.retentionDays } });
  });
  return { cutoff, rows, archive: path, sha256, dryRun: false };
}
