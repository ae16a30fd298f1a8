/**
 * The server's daily reminder run (GONGKAI_REMINDER_TIME, China time) as a scheduled job
 * (src/jobs/runner.ts): due on working days (the official calendar; weekdays beyond its data) from
 * the configured time on, one slot per China date. The job runner gives the slot to one node of
 * several (job_runs); the job then calls reminders.ts runReminders, which claims the day again in
 * reminder_runs — the reminders' own record, shared with `gongkai reminders send` from cron — so
 * nobody is mailed twice whoever starts the run. A process started after the time still sends that
 * day's reminders if nobody has.
 *
 * A node that dies while sending leaves its job lease to run out; the node that takes the slot
 * over (or the next check, once the day is past) marks that day's reminder run failed ('运行中断')
 * instead of leaving it 'running' for ever, and does not send again: some messages may have gone
 * out, and a second copy is worse than a missing one (the dashboard shows the interrupted run).
 *
 * Errors are logged, never thrown: the server keeps serving. A run that fails before it is
 * recorded (the database unreachable) is tried again at the next check. `ReminderScheduler` keeps
 * the interface the app and the tests know (start/stop/tick/due) over a runner of its own;
 * the app puts its `job` into the app's one runner beside the housekeeping jobs (app.ts).
 */
import { chinaDate } from '../applications/application.service.js';
import type { MailConfig } from '../config.js';
import type { Db } from '../db/database.js';
import { JobRunner, type AbandonedRun, type JobDefinition } from '../jobs/runner.js';
import { daily } from '../jobs/schedule.js';
import { smtpMailer, type Mailer } from '../mail/mailer.js';
import type { SupervisionDeps } from './dashboard.js';
import { dailyKey, runReminders, type ReminderOptions, type RunOutcome } from './reminders.js';

export interface SchedulerOptions extends ReminderOptions {
  /** HH:MM, China time. */
  time: string;
  mail: MailConfig;
  /** How each run gets its mailer (default: SMTP from `mail`). */
  mailer?: () => Mailer;
  /** Where the outcome goes ('error': a failed run or failed messages). Default stderr. */
  log?: (message: string, level: 'info' | 'error') => void;
  /** Milliseconds between checks (default one minute). */
  intervalMs?: number;
}

export const REMINDER_JOB = 'reminders.daily';

/** The day's reminders as a job definition (one slot per working day from `opts.time`). */
export function reminderJob(deps: SupervisionDeps, opts: SchedulerOptions): JobDefinition<RunOutcome> {
  const log = opts.log ?? ((s: string) => console.error(s));
  return {
    name: REMINDER_JOB,
    description: '向有待办事项的机关和督查人员发送当天的邮件提醒',
    schedule: daily(opts.time, deps.calendar),
    // reminder_runs keeps a second attempt from mailing anyone twice: a failed attempt may be retried.
    retryFailed: true,
    run: async ({ db, node }) => {
      try {
        const mailer = opts.mailer?.() ?? smtpMailer(opts.mail);
        const r = await runReminders(db, { ...deps, mailer, node }, { ...opts, trigger: 'schedule' });
        if (r.status === 'skipped') log(`邮件提醒：${r.today} 的提醒已由 ${r.claimedBy?.node ?? '其他进程'} 发送，本进程跳过`, 'info');
        else log(`邮件提醒：${r.today} 发送 ${r.sent} 封，失败 ${r.failed} 封${r.error ? `；${r.error}` : ''}`, r.status === 'done' ? 'info' : 'error');
        return r;
      } catch (e) {
        // The database failed before the run was claimed or completed: tried again at the next check.
        log(`邮件提醒失败：${(e as Error)?.message ?? String(e)}`, 'error');
        throw e;
      }
    },
    summarize: (r) => (r.status === 'skipped' ? `已由 ${r.claimedBy?.node ?? '其他进程'} 发送` : `${r.status}：发送 ${r.sent} 封，失败 ${r.failed} 封`),
    abandoned: (db, run) => markInterrupted(db, run),
  };
}

/** The day's reminder run the dead node had started, if it is still 'running': failed, with the reason. */
async function markInterrupted(db: Db, run: AbandonedRun): Promise<void> {
  await db.kysely
    .updateTable('reminder_runs')
    .set({ status: 'failed', finished_at: new Date().toISOString(), error: `运行中断：${run.node} 在发送途中停止；为免重复发送，当天不再重发` })
    .where('run_key', '=', dailyKey(run.slot))
    .where('node', '=', run.node)
    .where('status', '=', 'running')
    .execute();
}

export class ReminderScheduler {
  /** The job, for a runner shared with other jobs (the app's). */
  readonly job: JobDefinition<RunOutcome>;
  readonly #runner: JobRunner;

  constructor(
    db: Db,
    private readonly deps: SupervisionDeps,
    private readonly opts: SchedulerOptions,
  ) {
    this.job = reminderJob(deps, opts);
    this.#runner = new JobRunner(db, [this.job], { now: () => deps.now?.() ?? new Date(), intervalMs: opts.intervalMs });
  }

  start(): void {
    this.#runner.start();
  }

  async stop(): Promise<void> {
    await this.#runner.stop();
  }

  /** Whether the run is due at `now` (China time): a working day, at or after the time, not tried yet by this process. */
  due(now: Date): boolean {
    return this.#runner.due(REMINDER_JOB, now);
  }

  /** One check: runs the day's reminders if due (returns the outcome), else null. */
  async tick(): Promise<RunOutcome | null> {
    const now = this.deps.now?.() ?? new Date();
    const r = await this.#runner.runDue<RunOutcome>(REMINDER_JOB, now);
    if (r.outcome === 'done') return r.result;
    if (r.outcome === 'taken') {
      // Another process has the day's slot: the same answer runReminders gives when reminder_runs is taken.
      const today = chinaDate(now);
      return { status: 'skipped', today, runKey: dailyKey(today), claimedBy: { node: r.holder.node, startedAt: r.holder.started_at, trigger: 'schedule' } };
    }
    if (r.outcome === 'error') (this.opts.log ?? ((s: string) => console.error(s)))(`邮件提醒失败：${r.error}`, 'error');
    return null;
  }
}
