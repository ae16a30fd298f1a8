/**
 * The supervision dashboard and the e-mail reminders (issue 6):
 *
 *   GET  /admin/supervision                 the dashboard (?agency=&problem=&sort=&stale=)
 *   GET  /admin/supervision/export.xlsx     the table with the same query, as an Excel workbook
 *   GET  /admin/supervision/export.csv      the same as CSV (UTF-8 with BOM)
 *   GET  /admin/reminders/email             the user's own reminder address
 *   POST /admin/reminders/email             set or clear it (CSRF-checked by app.ts, audited)
 *   GET  /static/supervision.css            the pages' stylesheet
 *
 * The dashboard is for users who may 'supervise' (policy.ts: 督查 and 管理员, over the subtree of
 * their grant): anyone else gets 403, an agency outside the scope 404. A bad query answers 422
 * with the reasons in Chinese. reminderScheduler() gives app.ts the server's daily run when
 * e-mail is configured.
 */
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../accounts/policy.js';
import { audit } from '../../audit/audit.js';
import type { MailConfig } from '../../config.js';
import { isMailAddress, MAX_MAIL_ADDRESS } from '../../mail/address.js';
import { computeFigures, todayOf, totalsOf, type SupervisionDeps } from '../../supervision/dashboard.js';
import { ReminderScheduler } from '../../supervision/scheduler.js';
import { loadAgencies, maySupervise, scopeFor, supervisedTops, subtreesOf } from '../../supervision/scope.js';
import { dashboardFor, readDashboardQuery, type DashboardView } from '../../supervision/service.js';
import { ValidationError } from '../../validation.js';
import { clientIp, requireActor, sendPage } from '../app.js';
import { formValues } from '../views/applications/fields.js';
import { attachment } from '../views/applications/letters.js';
import { SupervisionCard } from '../views/supervision/card.js';
import { DashboardPage } from '../views/supervision/dashboard.js';
import { EmailPage } from '../views/supervision/email.js';
import { dashboardCsv, dashboardXlsx } from '../views/supervision/export.js';
import { SUPERVISION_CSS, SUPERVISION_CSS_URL } from '../views/supervision/style.js';

declare module '../app.js' {
  interface AppDeps {
    /** GONGKAI_SMTP_URL + GONGKAI_MAIL_FROM: e-mail reminders (absent: none are sent). */
    mail?: MailConfig;
    /** GONGKAI_REMINDER_TIME (HH:MM, China time); null or absent: the server does not send (CLI only). */
    reminderTime?: string | null;
    /** GONGKAI_COLUMN_STALE_DAYS (default 30). */
    columnStaleDays?: number;
  }
}

export const DEFAULT_STALE_DAYS = 30;

/** The dashboard's deps for this app (the clock when tests fix it, read at each call). */
export function supervisionDeps(app: FastifyInstance): SupervisionDeps {
  const { calendar, now } = app.deps;
  return now ? { calendar, now } : { calendar };
}

const staleDaysOf = (app: FastifyInstance) => app.deps.columnStaleDays ?? DEFAULT_STALE_DAYS;

export function register(app: FastifyInstance): void {
  const db = app.deps.db;

  app.get(SUPERVISION_CSS_URL, async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8');
    return SUPERVISION_CSS;
  });

  /** The dashboard for a request: the query validated, the scope checked. */
  const load = async (actor: Actor, rawQuery: unknown): Promise<DashboardView> =>
    dashboardFor(db, supervisionDeps(app), actor, readDashboardQuery(rawQuery), { staleDays: staleDaysOf(app) });

  app.get('/admin/supervision', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const all = await loadAgencies(db.kysely);
    // 403 before anything is read for one who supervises nothing.
    const agencies = scopeFor(actor, all);
    let view: DashboardView | null = null;
    let errors: Record<string, string> = {};
    try {
      view = await load(actor, req.query);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      errors = { ...e.fields };
      reply.code(422);
    }
    return sendPage(
      reply,
      <DashboardPage
        user={actor}
        csrfToken={req.csrfToken}
        values={formValues(req.query)}
        errors={errors}
        view={view}
        agencies={agencies}
        defaultStaleDays={staleDaysOf(app)}
        reminders={{ enabled: !!app.deps.mail, time: app.deps.mail ? (app.deps.reminderTime ?? null) : null }}
      />,
    );
  });

  app.get('/admin/supervision/export.csv', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const view = await load(actor, req.query);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', attachment(`督查看板-${view.today}.csv`, `supervision-${view.today}.csv`))
      .send(dashboardCsv(view));
  });

  app.get('/admin/supervision/export.xlsx', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const view = await load(actor, req.query);
    const body = await dashboardXlsx(view, app.deps.now?.() ?? new Date());
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', attachment(`督查看板-${view.today}.xlsx`, `supervision-${view.today}.xlsx`))
      .send(body);
  });

  // ---------------------------------------------------------------------------------------------
  // The user's reminder address

  const currentEmail = async (userId: number) =>
    (await db.kysely.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirst())?.email ?? null;

  app.get('/admin/reminders/email', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const done = (req.query as Record<string, unknown> | undefined)?.done;
    const notice = done === 'saved' ? '已保存。' : done === 'cleared' ? '已清除，不再接收邮件提醒。' : null;
    return sendPage(reply, <EmailPage user={actor} csrfToken={req.csrfToken} value={(await currentEmail(actor.userId)) ?? ''} errors={{}} notice={notice} enabled={!!app.deps.mail} />);
  });

  app.post('/admin/reminders/email', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const raw = formValues(req.body).email ?? '';
    const email = raw.normalize('NFKC').trim();
    let error: string | null = null;
    if (email.length > MAX_MAIL_ADDRESS) error = `电子邮箱不能超过${MAX_MAIL_ADDRESS}个字符`;
    else if (email && !isMailAddress(email)) error = '电子邮箱格式不对，应形如 name@example.gov.cn';
    if (error) {
      reply.code(422);
      return sendPage(reply, <EmailPage user={actor} csrfToken={req.csrfToken} value={raw} errors={{ email: error }} notice={null} enabled={!!app.deps.mail} />);
    }
    const before = await currentEmail(actor.userId);
    const next = email || null;
    if (before !== next) {
      await db.kysely.transaction().execute(async (trx) => {
        await trx.updateTable('users').set({ email: next }).where('id', '=', actor.userId).execute();
        await audit(trx, { userId: actor.userId, action: next ? 'user.email.set' : 'user.email.clear', subjectType: 'user', subjectId: actor.userId, details: next ? { email: next } : null, ip: clientIp(req) });
      });
    }
    return reply.redirect(`/admin/reminders/email?done=${next ? 'saved' : 'cleared'}`, 303);
  });
}

/** The admin home's card (routes/admin.tsx): the dashboard's totals for a supervisor; the reminder address. */
export async function supervisionHomeCard(app: FastifyInstance, actor: Actor) {
  const db = app.deps.db;
  let totals = null;
  const deps = supervisionDeps(app);
  if (maySupervise(actor)) {
    const all = await loadAgencies(db.kysely);
    const figures = await computeFigures(db, deps, subtreesOf(all, supervisedTops(actor, all)), { staleDays: staleDaysOf(app), trends: false });
    totals = totalsOf(figures.rows);
  }
  const email = app.deps.mail ? ((await db.kysely.selectFrom('users').select('email').where('id', '=', actor.userId).executeTakeFirst())?.email ?? null) : null;
  return (
    <SupervisionCard totals={totals} reportYear={Number(todayOf(deps).slice(0, 4)) - 1} staleDays={staleDaysOf(app)} mailEnabled={!!app.deps.mail} email={email} />
  );
}

/** The server's daily reminder run, when e-mail and a time are configured (app.ts starts and stops it). */
export function reminderScheduler(app: FastifyInstance): ReminderScheduler | null {
  const { mail, reminderTime } = app.deps;
  if (!mail || !reminderTime) return null;
  const deps: SupervisionDeps = {
    calendar: app.deps.calendar,
    // Read at each run: tests fix the clock after the app is built.
    now: () => app.deps.now?.() ?? new Date(),
  };
  return new ReminderScheduler(app.deps.db, deps, {
    time: reminderTime,
    mail,
    staleDays: staleDaysOf(app),
    publicUrl: app.deps.publicUrl,
    // Failures reach stderr even without request logging (GONGKAI_LOG); the rest the app's log.
    log: (s, level) => {
      if (level === 'error') {
        app.log.error(s);
        if (!app.deps.logger) console.error(`gongkai: ${s}`);
      } else app.log.info(s);
    },
  });
}
