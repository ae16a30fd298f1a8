/**
 * `gongkai reminders send [--dry-run]`: the day's e-mail reminders of the supervision dashboard
 * (src/supervision/reminders.ts), for a cron job or by hand — the same run the server starts at
 * GONGKAI_REMINDER_TIME, claimed in the database, so the day's reminders go out once whoever
 * starts them. --dry-run prints who would get what and sends nothing (no SMTP needed).
 *
 * Exit codes: 0 sent (or already sent today by another process); 1 some or all messages failed,
 * or the run failed; 2 bad configuration (no GONGKAI_SMTP_URL without --dry-run).
 */
import type { Command } from 'commander';
import { WorkCalendar } from '../calendar/calendar.js';
import { smtpMailer } from '../mail/mailer.js';
import { planReminders, runReminders } from '../supervision/reminders.js';
import { EXIT_FINDINGS, usageError } from './errors.js';
import type { CliContext } from './program.js';
import { config, withDb } from './server.js';

const KIND_LABELS = { staff: '工作提醒', digest: '督查汇总' } as const;

export function register(program: Command, ctx: CliContext): void {
  const cmd = program.command('reminders').description('督查看板的邮件提醒 (e-mail reminders of the supervision dashboard)');
  cmd
    .command('send')
    .description('发送今天的邮件提醒：有待办事项的机关的工作人员，以及督查人员的汇总；每天只发一次 (send today\'s reminders, once a day)')
    .option('--dry-run', '只列出将发给谁、什么主题，不发送、不记录 (list only)')
    .option('--show-text', '与 --dry-run 一起：同时打印邮件正文 (with --dry-run: print the bodies too)')
    .addHelpText(
      'after',
      '\n环境变量 (environment): GONGKAI_SMTP_URL (smtp://用户名:密码@主机:端口 或 smtps://…), GONGKAI_MAIL_FROM (发件人),\n' +
        '  GONGKAI_PUBLIC_URL (邮件中的链接), GONGKAI_COLUMN_STALE_DAYS (专栏更新阈值，默认 30), DATABASE_URL / GONGKAI_DATA',
    )
    .action(async (opts: { dryRun?: boolean; showText?: boolean }) => {
      const cfg = config(ctx);
      if (opts.showText && !opts.dryRun) throw usageError('--show-text 只能与 --dry-run 一起使用');
      if (!opts.dryRun && !cfg.mail) throw usageError('没有配置邮件服务器：请设置 GONGKAI_SMTP_URL 和 GONGKAI_MAIL_FROM（或用 --dry-run 只查看）');
      const calendar = WorkCalendar.load({ GONGKAI_CALENDAR: cfg.calendarFile });
      const reminderOpts = { staleDays: cfg.columnStaleDays, publicUrl: cfg.publicUrl };
      await withDb(ctx, async (db) => {
        if (opts.dryRun) {
          const plan = await planReminders(db, { calendar }, reminderOpts);
          ctx.io.out(`${plan.today} 的提醒（试运行，未发送）：共 ${plan.messages.length} 封\n`);
          for (const m of plan.messages) {
            ctx.io.out(`  ${KIND_LABELS[m.kind]}  ${m.userName} <${m.address}>  ${m.subject}（涉及 ${m.agencyIds.length} 个机关）\n`);
            if (opts.showText) ctx.io.out(`${m.text.replace(/^/gm, '    ')}\n`);
          }
          return;
        }
        const r = await runReminders(db, { calendar, mailer: smtpMailer(cfg.mail!) }, { ...reminderOpts, trigger: 'cli' });
        if (r.status === 'skipped') {
          ctx.io.out(`${r.today} 的提醒已经发送过${r.claimedBy ? `（${r.claimedBy.node}，${r.claimedBy.trigger === 'cli' ? '命令行' : '定时'}，开始于 ${r.claimedBy.startedAt}）` : ''}，不再重复发送\n`);
          return;
        }
        ctx.io.out(`${r.today} 的提醒：收件人 ${r.recipients} 位，已发送 ${r.sent} 封，失败 ${r.failed} 封\n`);
        if (r.error) ctx.io.err(`gongkai: ${r.error}\n`);
        if (r.status !== 'done') {
          const failures = await db.kysely.selectFrom('reminder_messages').select(['address', 'error']).where('run_id', '=', r.runId).where('status', '=', 'failed').orderBy('id').limit(20).execute();
          for (const f of failures) ctx.io.err(`  失败：${f.address}：${f.error ?? ''}\n`);
          ctx.exitCode = EXIT_FINDINGS;
        }
      });
    });
}
