/**
 * The app's scheduled jobs (src/jobs): one runner per node, started once the app is ready and
 * stopped (waiting for a run in progress) before it closes. Which jobs: those the app is given
 * (the daily reminders when e-mail is configured: supervision/scheduler.ts) and, when
 * `deps.housekeeping` is set (startServer: every real node), the housekeeping jobs
 * (jobs/housekeeping.ts). Tests that build an app get no housekeeping unless they ask, so nothing
 * deletes rows under them.
 *
 * Each run and each error goes to the app's structured log; without a logger (GONGKAI_LOG_LEVEL
 * silent, tests) errors still reach stderr, so a failing job is never silent.
 */
import type { FastifyInstance } from 'fastify';
import { housekeepingJobs, type AuditRetention } from '../jobs/housekeeping.js';
import { JobRunner, type JobDefinition } from '../jobs/runner.js';

declare module './app.js' {
  interface AppDeps {
    /** Run the housekeeping jobs (expired sessions, old login attempts and rate-limit hits, old job records). */
    housekeeping?: boolean;
    /** With housekeeping: archive and purge audit rows past the installation's retention (config). */
    auditRetention?: AuditRetention;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The node's job runner (null: no job to run). */
    jobs: JobRunner | null;
  }
}

export function registerJobs(app: FastifyInstance, jobs: JobDefinition[]): void {
  const all = [...jobs, ...(app.deps.housekeeping ? housekeepingJobs({ ...(app.deps.auditRetention ? { audit: app.deps.auditRetention } : {}), ...(app.deps.sessionTimeouts ? { sessions: app.deps.sessionTimeouts } : {}) }) : [])];
  if (!all.length) {
    app.decorate('jobs', null);
    return;
  }
  const runner = new JobRunner(app.deps.db, all, {
    // Read at each check: tests fix the clock after the app is built.
    now: () => app.deps.now?.() ?? new Date(),
    log: (level, fields, message) => {
      app.log[level](fields, message);
      if (level === 'error' && !app.deps.logger) console.error(`gongkai: ${message}`);
    },
  });
  app.decorate('jobs', runner);
  app.addHook('onReady', async () => runner.start());
  app.addHook('onClose', async () => runner.stop());
}
