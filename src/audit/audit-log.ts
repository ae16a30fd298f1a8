/**
 * Reading the audit log (安全审计员 only, policy.ts 'read_audit'): search by time range (China
 * dates), actor, action and object with paging, and export as CSV (UTF-8 with BOM, for Excel) or
 * JSON lines. Searching is not audited (reading is the auditor's job); every export is: who
 * exported which filter, in which format, how many rows.
 */
import { sql, type Kysely } from 'kysely';
import { assertPlatform, type Actor } from '../accounts/policy.js';
import { parseUserDate, formatIsoDate } from '../calendar/date.js';
import type { Database } from '../db/schema.js';
import { ValidationError } from '../validation.js';
import { audit } from './audit.js';

type Db = Kysely<Database>;

export const AUDIT_PAGE_SIZE = 50;
/** Largest export in one file (a bigger range: narrow the filter, or use `gongkai audit export`). */
export const MAX_EXPORT_ROWS = 200_000;

export interface AuditFilter {
  /** China dates (YYYY-MM-DD), inclusive. */
  from?: string;
  to?: string;
  /** The acting account's user name (exact). */
  actor?: string;
  /** An action, or a prefix ending in '.' ('login.' = every login event). */
  action?: string;
  subjectType?: string;
  subjectId?: string;
}

export interface AuditRow {
  id: number;
  at: string;
  userId: number | null;
  username: string | null;
  agencyId: number | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  details: string | null;
  ip: string | null;
}

/** Reads a filter from a query string or CLI options; Chinese messages per field. */
export function parseAuditFilter(q: Readonly<Record<string, unknown>>): AuditFilter {
  const str = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).trim() : '');
  const errors: Record<string, string> = {};
  const f: AuditFilter = {};
  for (const k of ['from', 'to'] as const) {
    const v = str(k);
    if (!v) continue;
    try {
      f[k] = formatIsoDate(parseUserDate(v));
    } catch {
      errors[k] = `${k === 'from' ? '起始日期' : '截止日期'}格式不正确（应为 YYYY-MM-DD）`;
    }
  }
  if (f.from && f.to && f.from > f.to) errors.to = '截止日期不能早于起始日期';
  const text = (k: 'actor' | 'action' | 'subjectType' | 'subjectId', label: string, re: RegExp) => {
    const v = str(k);
    if (!v) return;
    if (v.length > 64 || !re.test(v)) errors[k] = `${label}格式不正确`;
    else f[k] = v;
  };
  text('actor', '用户名', /^[A-Za-z0-9._-]+$/);
  text('action', '操作', /^[a-z0-9_.]+$/);
  text('subjectType', '对象类型', /^[a-z0-9_]+$/);
  text('subjectId', '对象编号', /^[\w.-]+$/);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return f;
}

/** China midnight of a date as the log's UTC ISO text. */
const chinaStart = (date: string) => new Date(`${date}T00:00:00+08:00`).toISOString();
const nextDay = (date: string) => formatIsoDate(parseUserDate(date) + 1);

function query(db: Db, f: AuditFilter) {
  let q = db.selectFrom('audit_log as a').leftJoin('users as u', 'u.id', 'a.user_id');
  if (f.from) q = q.where('a.at', '>=', chinaStart(f.from));
  if (f.to) q = q.where('a.at', '<', chinaStart(nextDay(f.to)));
  if (f.actor) q = q.where('u.username', '=', f.actor);
  // A prefix by substr (LIKE would need escaping '_' differently on each database).
  if (f.action) q = f.action.endsWith('.') ? q.where(sql<string>`substr(a.action, 1, ${sql.lit(f.action.length)})`, '=', f.action) : q.where('a.action', '=', f.action);
  if (f.subjectType) q = q.where('a.subject_type', '=', f.subjectType);
  if (f.subjectId) q = q.where('a.subject_id', '=', f.subjectId);
  return q;
}

const COLUMNS = ['a.id', 'a.at', 'a.user_id', 'u.username', 'a.agency_id', 'a.action', 'a.subject_type', 'a.subject_id', 'a.details', 'a.ip'] as const;

function toRow(r: { id: number; at: string; user_id: number | null; username: string | null; agency_id: number | null; action: string; subject_type: string | null; subject_id: string | null; details: string | null; ip: string | null }): AuditRow {
  return { id: r.id, at: r.at, userId: r.user_id, username: r.username, agencyId: r.agency_id, action: r.action, subjectType: r.subject_type, subjectId: r.subject_id, details: r.details, ip: r.ip };
}

/** One page of the log, newest first, with the total. */
export async function searchAuditLog(db: Db, actor: Actor | null, f: AuditFilter, page = 1): Promise<{ rows: AuditRow[]; total: number; page: number; pages: number }> {
  assertPlatform(actor, 'read_audit');
  const { n } = await query(db, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const total = Number(n);
  const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
  const p = Math.min(Math.max(1, page), pages);
  const rows = await query(db, f)
    .select(COLUMNS)
    .orderBy('a.id', 'desc')
    .limit(AUDIT_PAGE_SIZE)
    .offset((p - 1) * AUDIT_PAGE_SIZE)
    .execute();
  return { rows: rows.map(toRow), total, page: p, pages };
}

/** The rows of a filter, oldest first, read in batches (keyset on id). */
export async function* auditRows(db: Db, f: AuditFilter, opts: { maxId?: number; batch?: number } = {}): AsyncGenerator<AuditRow> {
  let after = 0;
  for (;;) {
    let q = query(db, f).select(COLUMNS).where('a.id', '>', after);
    if (opts.maxId !== undefined) q = q.where('a.id', '<=', opts.maxId);
    const rows = await q.orderBy('a.id').limit(opts.batch ?? 2000).execute();
    for (const r of rows) yield toRow(r);
    if (rows.length < (opts.batch ?? 2000)) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** China time of a log entry, as shown and exported: 2026-03-02 09:15:00. */
export function chinaTime(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export type AuditExportFormat = 'csv' | 'jsonl';

export const CSV_HEADER = ['编号', '时间（北京时间）', 'UTC 时间', '用户编号', '用户名', '机关编号', '操作', '对象类型', '对象编号', '详情', 'IP 地址'];

export function csvFields(r: AuditRow): (string | number | null)[] {
  return [r.id, chinaTime(r.at), r.at, r.userId, r.username, r.agencyId, r.action, r.subjectType, r.subjectId, r.details, r.ip];
}

export function jsonLine(r: AuditRow): string {
  return `${JSON.stringify({ ...r, details: r.details ? (JSON.parse(r.details) as unknown) : null })}\n`;
}

/**
 * Checks and records an export before it is written (the record names the filter and the row
 * count); refuses more than MAX_EXPORT_ROWS. `via`: 'web' or 'cli' (the CLI has no actor).
 */
export async function beginAuditExport(db: Db, actor: Actor | null, f: AuditFilter, format: AuditExportFormat, ip: string | null, via: 'web' | 'cli' = 'web'): Promise<number> {
  if (via === 'web') assertPlatform(actor, 'read_audit');
  const { n } = await query(db, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = Number(n);
  if (rows > MAX_EXPORT_ROWS) throw new ValidationError({ _form: `符合条件的记录有 ${rows} 条，超过单次导出上限 ${MAX_EXPORT_ROWS} 条，请缩小时间范围` });
  await audit(db, { userId: actor?.userId ?? null, action: via === 'cli' ? 'audit.export.cli' : 'audit.export', details: { filter: f, format, rows }, ip });
  return rows;
}
