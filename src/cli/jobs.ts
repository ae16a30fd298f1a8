/**
 * `gongkai jobs [--job NAME] [--failed] [--limit N]`: the recent runs of the scheduled jobs
 * (src/jobs: housekeeping, the daily reminders) as recorded in job_runs by every node — which node
 * ran which slot, when, how it ended and why it failed, and the runs taken over from a node that
 * stopped. Newest first. The jobs themselves run inside `gongkai serve`.
 */
import type { Command } from 'commander';
import type { JobRunStatus } from '../db/schema.js';
import { housekeepingJobs } from '../jobs/housekeeping.js';
import { describeSchedule } from '../jobs/schedule.js';
import { REMINDER_JOB } from '../supervision/scheduler.js';
import { usageError } from './errors.js';
import { parseIntArg, type CliContext } from './program.js';
import { withDb } from './server.js';
import { formatTable } from './table.js';

const STATUS_LABELS: Record<JobRunStatus, string> = { running: '运行中', done: '完成', failed: '失败', expired: '中断' };

/** A timestamp as China time, to the second (the records are UTC). */
function china(iso: string | null): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('jobs')
    .description('查看定时任务最近的运行记录（所有节点） (recent runs of the scheduled jobs, all nodes)')
    .option('--job <NAME>', '只看这个任务 (only this job)')
    .option('--failed', '只看失败和中断的运行 (failed and interrupted runs only)')
    .option('--limit <N>', '最多显示多少条 (at most this many)', '30')
    .addHelpText(
      'after',
      `\n任务 (jobs): ${[...housekeepingJobs().map((j) => `${j.name}（${describeSchedule(j.schedule)}）`), `${REMINDER_JOB}（GONGKAI_REMINDER_TIME）`].join('、')}\n` +
        '由 gongkai serve 运行；几个节点共用一个数据库时，每个时段只由其中一个节点运行。',
    )
    .action(async (opts: { job?: string; failed?: boolean; limit: string }) => {
      const limit = parseIntArg(opts.limit, '--limit', { min: 1 });
      if (limit > 1000) throw usageError('--limit 最多 1000');
      if (opts.job !== undefined && !/^[a-z][a-z0-9.-]{0,63}$/.test(opts.job)) throw usageError(`--job 不是任务名称（收到「${opts.job}」）`);
      await withDb(ctx, async (db) => {
        let q = db.kysely
          .selectFrom('job_runs')
          .select(['id', 'job', 'slot', 'attempt', 'node', 'started_at', 'finished_at', 'status', 'result', 'error', 'retakes'])
          .orderBy('started_at', 'desc')
          .orderBy('id', 'desc')
          .limit(limit);
        if (opts.job) q = q.where('job', '=', opts.job);
        if (opts.failed) q = q.where('status', 'in', ['failed', 'expired']);
        const rows = await q.execute();
        if (!rows.length) {
          ctx.io.out(`没有${opts.failed ? '失败或中断的' : ''}运行记录${opts.job ? `（任务 ${opts.job}）` : ''}\n`);
          return;
        }
        ctx.io.out(
          formatTable(
            ['任务', '时段', '次', '节点', '开始（北京时间）', '结束', '状态', '结果'],
            rows.map((r) => [
              r.job,
              r.slot,
              String(r.attempt),
              r.node,
              china(r.started_at),
              china(r.finished_at),
              STATUS_LABELS[r.status] ?? r.status,
              [r.retakes ? `接管第 ${r.attempt - 1} 次` : '', r.error ?? r.result ?? ''].filter(Boolean).join('；'),
            ]),
          ),
        );
      });
    });
}
