/**
 * Housekeeping every installation needs, as scheduled jobs (runner.ts: each slot run by one node
 * of several): the tables that the security features fill on every request are emptied of what
 * nobody will read again, so they stay small and their queries fast.
 *
 *   sessions.purge        hourly: sessions past their idle or absolute expiry (accounts/session.ts
 *                         purgeSessions — an expired session is refused and removed when its cookie
 *                         comes back, but one never seen again would stay)
 *   login-attempts.purge  hourly: login attempts older than 30 days. Throttling reads only its
 *                         15-minute window; the rest is kept a month for looking into an attack
 *                         (the audit log is the lasting record), then removed: user names and
 *                         addresses are not kept longer than needed
 *   rate-limits.purge     hourly: rate-limit hits older than a day (the longest window is an hour;
 *                         security/rate-limit.ts also forgets them now and then)
 *   job-runs.purge        daily: records of finished job runs older than 90 days
 *   online-submissions.purge  daily: the one-time form tokens' and Idempotency-Keys' records
 *                         (applications/online-submissions.ts) older than 180 days — a form or a
 *                         retry that old is not a double click — and receipts past their 10
 *                         minutes that nobody came back for (the encrypted 查询码 goes)
 *   audit-log.purge       daily at 03:00 China time, when the installation's retention is given:
 *                         audit rows older than GONGKAI_AUDIT_RETENTION_DAYS (at least 180) are
 *                         archived to GONGKAI_AUDIT_ARCHIVE_DIR (JSON lines + SHA-256) and only then
 *                         removed (audit/retention.ts purgeAuditLog; the table's triggers allow no
 *                         other delete). Several nodes: put the archive folder on shared storage
 *
 * Each delete reads an index range (migration 2026112817 adds login_attempts (at) and
 * rate_limit_hits (at)) and is safe to run twice for one slot.
 */
import { purgeSessions, type SessionTimeouts } from '../accounts/session.js';
import { purgeAuditLog } from '../audit/retention.js';
import type { JobDefinition } from './runner.js';
import { daily, every } from './schedule.js';

/** The installation's audit-log retention (config: auditRetentionDays, auditArchiveDir). */
export interface AuditRetention {
  retentionDays: number;
  archiveDir: string;
}

const DAY_MS = 86_400_000;

export const RETENTION = {
  loginAttemptsDays: 30,
  rateLimitHitsDays: 1,
  jobRunsDays: 90,
  onlineSubmissionsDays: 180,
} as const;

const deleted = (n: bigint | number, what: string) => `删除 ${Number(n)} 条${what}`;

export function housekeepingJobs(opts: { audit?: AuditRetention; sessions?: SessionTimeouts } = {}): JobDefinition[] {
  const sessions: JobDefinition<void> = {
    name: 'sessions.purge',
    description: '删除已过期的登录会话',
    schedule: every(60),
    run: async ({ db, now }) => purgeSessions(db.kysely, now.getTime(), opts.sessions),
    summarize: () => '已删除过期会话',
  };
  const loginAttempts: JobDefinition<string> = {
    name: 'login-attempts.purge',
    description: `删除 ${RETENTION.loginAttemptsDays} 天前的登录尝试记录`,
    schedule: every(60),
    run: async ({ db, now }) => {
      const r = await db.kysely
        .deleteFrom('login_attempts')
        .where('at', '<', new Date(now.getTime() - RETENTION.loginAttemptsDays * DAY_MS).toISOString())
        .executeTakeFirst();
      return deleted(r.numDeletedRows, '登录尝试记录');
    },
  };
  const rateLimits: JobDefinition<string> = {
    name: 'rate-limits.purge',
    description: '删除一天前的访问频率计数',
    schedule: every(60),
    run: async ({ db, now }) => {
      const r = await db.kysely
        .deleteFrom('rate_limit_hits')
        .where('at', '<', new Date(now.getTime() - RETENTION.rateLimitHitsDays * DAY_MS).toISOString())
        .executeTakeFirst();
      return deleted(r.numDeletedRows, '访问频率计数');
    },
  };
  const jobRuns: JobDefinition<string> = {
    name: 'job-runs.purge',
    description: `删除 ${RETENTION.jobRunsDays} 天前的定时任务运行记录`,
    schedule: every(1440),
    run: async ({ db, now }) => {
      const r = await db.kysely
        .deleteFrom('job_runs')
        .where('started_at', '<', new Date(now.getTime() - RETENTION.jobRunsDays * DAY_MS).toISOString())
        .where('status', '!=', 'running')
        .executeTakeFirst();
      return deleted(r.numDeletedRows, '运行记录');
    },
  };
  const submissions: JobDefinition<string> = {
    name: 'online-submissions.purge',
    description: `删除 ${RETENTION.onlineSubmissionsDays} 天前的网上申请表单标识，清除过期的查询码回执`,
    schedule: every(1440),
    run: async ({ db, now }) => {
      const r = await db.kysely
        .deleteFrom('online_submissions')
        .where('created_at', '<', new Date(now.getTime() - RETENTION.onlineSubmissionsDays * DAY_MS).toISOString())
        .executeTakeFirst();
      const c = await db.kysely
        .updateTable('online_submissions')
        .set({ receipt_id: null, receipt_box: null, receipt_expires_at: null })
        .where('receipt_expires_at', '<', now.toISOString())
        .executeTakeFirst();
      return `${deleted(r.numDeletedRows, '表单标识')}，清除 ${Number(c.numUpdatedRows)} 份过期回执`;
    },
  };
  const jobs = [sessions, loginAttempts, rateLimits, jobRuns, submissions] as JobDefinition[];
  const audit = opts.audit;
  if (audit) {
    const auditLog: JobDefinition<string> = {
      name: 'audit-log.purge',
      description: `归档并删除 ${audit.retentionDays} 天前的审计记录`,
      // Every day (not only working days): the archive and the purge need nobody.
      schedule: daily('03:00', null),
      run: async ({ db, now }) => {
        const r = await purgeAuditLog(db.kysely, { retentionDays: audit.retentionDays, archiveDir: audit.archiveDir, now });
        return r.rows === 0 ? `没有早于 ${r.cutoff} 的审计记录` : `已归档并删除 ${r.rows} 条审计记录：${r.archive}（SHA-256 ${r.sha256}）`;
      },
    };
    jobs.push(auditLog as JobDefinition);
  }
  return jobs;
}
