/**
 * The server's daily reminder run (GONGKAI_REMINDER_TIME, China time): a timer checks once a
 * minute; on a working day (the official calendar; weekdays beyond its data), from the configured
 * time on, the first check of the day runs reminders.ts runReminders — which claims the day in the
 * database, so that of several app processes only one sends. A process started after the time
 * still sends that day's reminders if nobody has. Errors are logged, never thrown: the server
 * keeps serving. stop() waits for a run in progress (the database must outlive it).
 */
import { chinaDate } from '../applications/application.service.js';
import { parseIsoDate } from '../calendar/date.js';
import type { MailConfig } from '../config.js';
import type { Db } from '../db/database.js';
import { smtpMailer, type Mailer } from '../mail/mailer.js';
import type { SupervisionDeps } from './dashboard.js';
import { runReminders, type ReminderOptions, type RunOutcome } from './reminders.js';

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

export class ReminderScheduler {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<RunOutcome | null> | null = null;
  /** The last day this process tried (a day is tried once per process; the database decides who sends). */
  #triedOn: string | null = null;
  #stopped = true;

  constructor(
    private readonly db: Db,
    private readonly deps: SupervisionDeps,
    private readonly opts: SchedulerOptions,
  ) {}

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#arm(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => null);
  }

  #arm(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.tick().finally(() => this.#arm(this.opts.intervalMs ?? 60_000));
    }, ms);
    this.#timer.unref();
  }

  /** Whether the run is due at `now` (China time): a working day, at or after the time, not tried yet by this process. */
  due(now: Date): boolean {
    const today = chinaDate(now);
    if (this.#triedOn === today) return false;
    const china = new Date(now.getTime() + 8 * 3_600_000);
    const minutes = china.getUTCHours() * 60 + china.getUTCMinutes();
    const [h, m] = this.opts.time.split(':').map(Number) as [number, number];
    if (minutes < h * 60 + m) return false;
    return this.deps.calendar.isWorkingDay(parseIsoDate(today));
  }

  /** One check: runs the day's reminders if due (returns the outcome), else null. */
  async tick(): Promise<RunOutcome | null> {
    if (this.#running) return null;
    const now = this.deps.now?.() ?? new Date();
    if (!this.due(now)) return null;
    this.#triedOn = chinaDate(now);
    const log = this.opts.log ?? ((s: string) => console.error(s));
    const today = this.#triedOn;
    this.#running = (async () => {
      try {
        const mailer = this.opts.mailer?.() ?? smtpMailer(this.opts.mail);
        const r = await runReminders(this.db, { ...this.deps, mailer }, { ...this.opts, trigger: 'schedule' });
        if (r.status === 'skipped') log(`邮件提醒：${r.today} 的提醒已由 ${r.claimedBy?.node ?? '其他进程'} 发送，本进程跳过`, 'info');
        else log(`邮件提醒：${r.today} 发送 ${r.sent} 封，失败 ${r.failed} 封${r.error ? `；${r.error}` : ''}`, r.status === 'done' ? 'info' : 'error');
        return r;
      } catch (e) {
        // The database failed before the run was claimed or completed: try again at the next check.
        if (this.#triedOn === today) this.#triedOn = null;
        log(`邮件提醒失败：${(e as Error)?.message ?? String(e)}`, 'error');
        return null;
      }
    })();
    try {
      return await this.#running;
    } finally {
      this.#running = null;
    }
  }
}
