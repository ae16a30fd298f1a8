/**
 * The daily reminders as a scheduled job (SQLite or PostgreSQL, TEST_DATABASE_URL), where a node
 * died while sending: the node that takes the day's slot over marks that day's reminder run failed
 * ('运行中断') and sends nothing again; a day whose slot has passed is marked at the next check; a
 * run claimed by another process (cron) that is alive is left alone. (The scheduler's timing and
 * two processes sending once: reminders.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../config.js';
import type { Db } from '../db/database.js';
import { smtpMailer } from '../mail/mailer.js';
import { calendar } from '../../test/support/application-fixtures.js';
import { openTestDb, testDialect } from '../../test/support/db.js';
import { REMINDER_JOB, ReminderScheduler } from './scheduler.js';
import { startSmtp, type TestSmtp } from './test-helpers.js';

describe(`the reminder job after a node died (${testDialect})`, () => {
  let db: Db;
  let smtp: TestSmtp;
  const past = '2026-11-20T00:00:00.000Z';
  const reminderRun = (day: string, node: string) =>
    db.kysely.insertInto('reminder_runs').values({ run_key: `daily:${day}`, run_on: day, trigger: 'schedule', node, started_at: past, finished_at: null, status: 'running', error: null }).execute();
  const deadAttempt = (day: string, node: string) =>
    db.kysely
      .insertInto('job_runs')
      .values({ job: REMINDER_JOB, slot: day, attempt: 1, node, started_at: past, heartbeat_at: past, lease_until: past, finished_at: null, status: 'running', result: null, error: null, retakes: null })
      .execute();
  const scheduler = (at: string) => {
    const mail = loadConfig({ GONGKAI_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, GONGKAI_MAIL_FROM: 'xxgk@example.gov.cn' }).mail!;
    return new ReminderScheduler(db, { calendar, now: () => new Date(at) }, { time: '08:30', mail, staleDays: 30, log: () => {}, mailer: () => smtpMailer(mail) });
  };
  const reminderRunOf = (day: string) => db.kysely.selectFrom('reminder_runs').selectAll().where('run_key', '=', `daily:${day}`).executeTakeFirstOrThrow();
  const jobRunsOf = (day: string) => db.kysely.selectFrom('job_runs').selectAll().where('job', '=', REMINDER_JOB).where('slot', '=', day).orderBy('attempt').execute();

  before(async () => {
    db = await openTestDb();
    smtp = await startSmtp();
  });
  after(async () => {
    await smtp?.close();
    await db?.close();
  });

  test("taken over on the same day: the dead node's reminder run is marked interrupted, nothing is sent again", async () => {
    await reminderRun('2026-11-24', 'dead-node:1');
    await deadAttempt('2026-11-24', 'dead-node:1');
    const r = await scheduler('2026-11-24T09:00:00+08:00').tick();
    assert.equal(r?.status, 'skipped');
    assert.equal(r?.status === 'skipped' && r.claimedBy?.node, 'dead-node:1');
    const run = await reminderRunOf('2026-11-24');
    assert.equal(run.status, 'failed');
    assert.match(run.error ?? '', /^运行中断：dead-node:1 在发送途中停止/);
    assert.notEqual(run.finished_at, null);
    const attempts = await jobRunsOf('2026-11-24');
    assert.deepEqual(
      attempts.map((a) => [a.attempt, a.status, a.retakes]),
      [
        [1, 'expired', null],
        [2, 'done', attempts[0]!.id],
      ],
    );
    assert.equal(smtp.received.length, 0);
  });

  test("a past day is marked at the next check; a run another live process claimed (cron) is not touched", async () => {
    await reminderRun('2026-11-23', 'dead-node:2');
    await deadAttempt('2026-11-23', 'dead-node:2');
    // Today's run was claimed by `gongkai reminders send` on another host, which is still sending.
    await reminderRun('2026-11-25', 'cron-host:7');
    await deadAttempt('2026-11-25', 'dead-node:2');
    const r = await scheduler('2026-11-25T09:00:00+08:00').tick();
    assert.equal(r?.status, 'skipped', "today's run belongs to the cron process");
    assert.equal((await reminderRunOf('2026-11-23')).status, 'failed');
    assert.deepEqual((await jobRunsOf('2026-11-23')).map((a) => a.status), ['expired']);
    const cron = await reminderRunOf('2026-11-25');
    assert.deepEqual([cron.status, cron.error], ['running', null]);
    assert.equal(smtp.received.length, 0);
  });
});
