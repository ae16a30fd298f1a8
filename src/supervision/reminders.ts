/**
 * E-mail reminders (issue 6): once a day, the staff of every agency with problems on the
 * supervision dashboard get one message listing them, and each supervisor a digest of the agencies
 * with problems in the subtree supervised. Started by the server at GONGKAI_REMINDER_TIME
 * (scheduler.ts) or by `gongkai reminders send` (cron, or by hand).
 *
 * Several app processes (and a cron job) may share one database: a run is claimed before
 * anything is sent, by inserting its unique key (`daily:<date>`) into reminder_runs; whoever's
 * insert does not go through skips. Every message is recorded (reminder_messages: to whom, which
 * agencies, sent or failed and why) and the run completed with its counts. An SMTP failure fails
 * that message, never the process. A run that dies halfway (the process killed) stays 'running'
 * and is not retried the same day: nobody is mailed twice.
 *
 * Recipients: users with an e-mail address who are not disabled — for staff messages, those who
 * hold a staff role (信息员, 审核人, 负责人) at the agency itself; for digests, those who hold a
 * role that may supervise (policy.ts 'supervise': 督查, 管理员), about the subtree of that grant.
 * The messages carry counts and agency names only: nothing about an applicant or a complainant.
 */
import { hostname } from 'node:os';
import { roleMay } from '../accounts/policy.js';
import { chinaDate } from '../applications/application.service.js';
import { audit } from '../audit/audit.js';
import type { Db } from '../db/database.js';
import type { Role } from '../db/schema.js';
import type { Mailer } from '../mail/mailer.js';
import { chineseDate, computeFigures, type AgencyFigures, type SupervisionDeps } from './dashboard.js';
import { loadAgencies, subtreesOf } from './scope.js';

export interface ReminderOptions {
  staleDays: number;
  /** GONGKAI_PUBLIC_URL: links in the messages (without it the messages name the pages only). */
  publicUrl?: string | undefined;
}

export interface PlannedMessage {
  userId: number;
  userName: string;
  address: string;
  kind: 'staff' | 'digest';
  agencyIds: number[];
  subject: string;
  text: string;
}

export interface ReminderPlan {
  today: string;
  messages: PlannedMessage[];
}

const STAFF_ROLES: readonly Role[] = ['clerk', 'reviewer', 'head'];

/** What each reminder would say today, to whom (nothing is sent or recorded). */
export async function planReminders(db: Db, deps: SupervisionDeps, opts: ReminderOptions): Promise<ReminderPlan> {
  const all = await loadAgencies(db.kysely);
  const tops = all.filter((a) => a.parentId === null || !all.some((p) => p.id === a.parentId)).map((a) => a.id);
  const figures = await computeFigures(db, deps, subtreesOf(all, tops), { staleDays: opts.staleDays, trends: false });
  const byId = new Map(figures.rows.map((r) => [r.agencyId, r]));
  const users = await db.kysely
    .selectFrom('users as u')
    .innerJoin('user_roles as r', 'r.user_id', 'u.id')
    .select(['u.id', 'u.display_name', 'u.email', 'r.agency_id', 'r.role'])
    .where('u.disabled', '=', 0)
    .where('u.email', 'is not', null)
    .orderBy('u.id')
    .orderBy('r.agency_id')
    .execute();
  const grants = new Map<number, { name: string; address: string; staff: Set<number>; tops: Set<number> }>();
  for (const u of users) {
    let g = grants.get(u.id);
    if (!g) grants.set(u.id, (g = { name: u.display_name, address: u.email!, staff: new Set(), tops: new Set() }));
    if (STAFF_ROLES.includes(u.role)) g.staff.add(u.agency_id);
    // A supervising grant (policy.ts 'supervise') covers the agency's subtree.
    if (roleMay(u.role, 'supervise')) g.tops.add(u.agency_id);
  }
  const ctx = { today: figures.today, reportYear: figures.reportYear, staleDays: figures.staleDays, publicUrl: opts.publicUrl };
  const messages: PlannedMessage[] = [];
  for (const [userId, g] of grants) {
    const own = [...g.staff].map((id) => byId.get(id)).filter((r): r is AgencyFigures => !!r && r.problems.length > 0);
    if (own.length) {
      messages.push({ userId, userName: g.name, address: g.address, kind: 'staff', agencyIds: own.map((r) => r.agencyId), ...staffMessage(g.name, own, ctx) });
    }
    if (g.tops.size) {
      const subtree = subtreesOf(all, [...g.tops]);
      const rows = subtree.map((a) => byId.get(a.id)).filter((r): r is AgencyFigures => !!r);
      const withProblems = rows.filter((r) => r.problems.length > 0);
      if (withProblems.length) {
        messages.push({ userId, userName: g.name, address: g.address, kind: 'digest', agencyIds: withProblems.map((r) => r.agencyId), ...digestMessage(g.name, rows, withProblems, ctx) });
      }
    }
  }
  return { today: figures.today, messages };
}

interface TextContext {
  today: string;
  reportYear: number;
  staleDays: number;
  publicUrl: string | undefined;
}

const FOOTER = '本邮件由政府信息公开工作平台自动发送，请勿直接回复。如不需要接收提醒，可在工作平台“提醒邮箱”页面清除邮箱地址。';

/** The problems of one agency, one line each (with a link to the list where there is one). */
function problemLines(r: AgencyFigures, ctx: TextContext): string[] {
  const link = (path: string) => (ctx.publicUrl ? `：${ctx.publicUrl}${path}` : '');
  const out: string[] = [];
  if (r.overdue) out.push(`逾期未答复的政府信息公开申请 ${r.overdue} 件${link(`/admin/applications?agency=${r.agencyId}&overdue=1`)}`);
  if (r.dueSoon) out.push(`5个工作日内到期的申请 ${r.dueSoon} 件${link(`/admin/applications?agency=${r.agencyId}`)}`);
  if (r.catalogueOverdue) out.push(`超过20个工作日仍未发布的主动公开信息 ${r.catalogueOverdue} 条${link('/admin/catalogue?filter=overdue')}`);
  if (r.stale) {
    out.push(r.lastPublishedOn === null ? '政府信息公开专栏尚未发布任何信息' : `政府信息公开专栏已 ${r.daysSinceUpdate} 天未更新（最近一次发布于 ${r.lastPublishedOn}，要求不超过 ${ctx.staleDays} 天）`);
  }
  if (r.report && r.problems.includes('report')) {
    out.push(`${r.report.year}年度政府信息公开工作年度报告：${r.report.label}（公布期限 ${r.report.deadline}）${link(r.report.reportId ? `/admin/reports/${r.report.reportId}` : `/admin/reports?year=${r.report.year}`)}`);
  }
  if (r.complaints) out.push(`未答复的投诉 ${r.complaints} 件${link('/admin/feedback?kind=complaint&state=new')}`);
  return out;
}

function staffMessage(name: string, rows: readonly AgencyFigures[], ctx: TextContext): { subject: string; text: string } {
  const lines = [`${name}，您好：`, '', `截至${chineseDate(ctx.today)}，您所在机关的政府信息公开工作有以下事项需要处理：`, ''];
  for (const r of rows) {
    lines.push(r.name);
    for (const p of problemLines(r, ctx)) lines.push(`  · ${p}`);
    lines.push('');
  }
  lines.push(ctx.publicUrl ? `请登录政府信息公开工作平台办理：${ctx.publicUrl}/admin` : '请登录政府信息公开工作平台办理。', '', FOOTER, '');
  return { subject: `【政府信息公开】工作提醒（${chineseDate(ctx.today)}）`, text: lines.join('\n') };
}

function digestMessage(name: string, rows: readonly AgencyFigures[], problems: readonly AgencyFigures[], ctx: TextContext): { subject: string; text: string } {
  const sum = (f: (r: AgencyFigures) => number) => rows.reduce((n, r) => n + f(r), 0);
  const lines = [
    `${name}，您好：`,
    '',
    `截至${chineseDate(ctx.today)}，您督查的 ${rows.length} 个机关中有 ${problems.length} 个存在需要处理的事项。合计：`,
    `  · 逾期未答复的申请 ${sum((r) => r.overdue)} 件，5个工作日内到期 ${sum((r) => r.dueSoon)} 件`,
    `  · 超过20个工作日仍未发布的信息 ${sum((r) => r.catalogueOverdue)} 条`,
    `  · 专栏超过 ${ctx.staleDays} 天未更新的机关 ${sum((r) => (r.stale ? 1 : 0))} 个`,
    `  · ${ctx.reportYear}年度报告逾期未公布或被退回的机关 ${sum((r) => (r.problems.includes('report') ? 1 : 0))} 个`,
    `  · 未答复的投诉 ${sum((r) => r.complaints)} 件`,
    '',
    '各机关情况：',
    '',
  ];
  for (const r of problems) {
    lines.push(r.name);
    for (const p of problemLines(r, { ...ctx, publicUrl: undefined })) lines.push(`  · ${p}`);
    lines.push('');
  }
  lines.push(ctx.publicUrl ? `督查看板：${ctx.publicUrl}/admin/supervision` : '详见工作平台的督查看板。', '', FOOTER, '');
  return { subject: `【政府信息公开】督查提醒（${chineseDate(ctx.today)}）：${problems.length}个机关有待办事项`, text: lines.join('\n') };
}

// ---------------------------------------------------------------------------------------------
// Running

export type RunOutcome =
  | { status: 'skipped'; today: string; runKey: string; claimedBy: { node: string; startedAt: string; trigger: string } | null }
  | { status: 'done' | 'partial' | 'failed'; today: string; runId: number; runKey: string; recipients: number; sent: number; failed: number; error: string | null };

export interface RunDeps extends SupervisionDeps {
  mailer: Mailer;
  /** Which process this is (default host:pid). */
  node?: string;
}

/** The key of the day's run: one per day across all processes. */
export const dailyKey = (today: string) => `daily:${today}`;

/**
 * Claims today's run and, if this process got it, sends every planned message and records it.
 * Never throws for a mail failure (recorded per message); a database failure while planning
 * marks the run failed and is returned in `error`.
 */
export async function runReminders(db: Db, deps: RunDeps, opts: ReminderOptions & { trigger: 'schedule' | 'cli' }): Promise<RunOutcome> {
  const now = deps.now?.() ?? new Date();
  const today = chinaDate(now);
  const runKey = dailyKey(today);
  const node = deps.node ?? `${hostname()}:${process.pid}`;
  const claimed = await db.kysely
    .insertInto('reminder_runs')
    .values({ run_key: runKey, run_on: today, trigger: opts.trigger, node, started_at: now.toISOString(), finished_at: null, status: 'running', error: null })
    .onConflict((oc) => oc.column('run_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!claimed) {
    const other = await db.kysely.selectFrom('reminder_runs').select(['node', 'started_at', 'trigger']).where('run_key', '=', runKey).executeTakeFirst();
    return { status: 'skipped', today, runKey, claimedBy: other ? { node: other.node, startedAt: other.started_at, trigger: other.trigger } : null };
  }
  const runId = claimed.id;
  let sent = 0;
  let failed = 0;
  let recipients = 0;
  let error: string | null = null;
  try {
    const plan = await planReminders(db, deps, opts);
    recipients = new Set(plan.messages.map((m) => m.userId)).size;
    for (const m of plan.messages) {
      let status: 'sent' | 'failed' = 'sent';
      let reason: string | null = null;
      try {
        await deps.mailer.send({ to: m.address, subject: m.subject, text: m.text });
        sent++;
      } catch (e) {
        status = 'failed';
        reason = ((e as Error)?.message ?? String(e)).slice(0, 500);
        failed++;
      }
      await db.kysely
        .insertInto('reminder_messages')
        .values({ run_id: runId, user_id: m.userId, address: m.address, kind: m.kind, agency_ids: JSON.stringify(m.agencyIds), subject: m.subject, status, error: reason, at: new Date().toISOString() })
        .execute();
    }
  } catch (e) {
    error = `提醒未能完成：${((e as Error)?.message ?? String(e)).slice(0, 480)}`;
  } finally {
    deps.mailer.close();
  }
  const status = error !== null || (failed > 0 && sent === 0) ? 'failed' : failed > 0 ? 'partial' : 'done';
  await db.kysely
    .updateTable('reminder_runs')
    .set({ finished_at: new Date().toISOString(), status, recipients, sent, failed, error })
    .where('id', '=', runId)
    .execute();
  await audit(db.kysely, { userId: null, action: 'reminders.run', subjectType: 'reminder_run', subjectId: runId, details: { trigger: opts.trigger, node, sent, failed, status } });
  return { status, today, runId, runKey, recipients, sent, failed, error };
}
