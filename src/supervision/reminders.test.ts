/**
 * The e-mail reminders, on SQLite or PostgreSQL (TEST_DATABASE_URL), sent through nodemailer to a
 * real SMTP server on 127.0.0.1 (smtp-server; test-helpers.ts startSmtp): who gets which message,
 * what it says (Chinese subject and body, counts and agency names, never an applicant's or a
 * complainant's data), the claim of the day's run (a second run, a concurrent run and a second
 * process skip), the record of every message, SMTP failures recorded without a throw, and the
 * server's scheduler.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { loadConfig, type MailConfig } from '../config.js';
import type { Db } from '../db/database.js';
import { smtpMailer } from '../mail/mailer.js';
import { calendar } from '../../test/support/application-fixtures.js';
import { openTestDb, testDialect } from '../../test/support/db.js';
import { planReminders, runReminders } from './reminders.js';
import { ReminderScheduler } from './scheduler.js';
import { at, buildWorld, PERSONAL, startSmtp, TODAY, type TestSmtp, type World } from './test-helpers.js';

const mailConfig = (port: number, extra = ''): MailConfig =>
  loadConfig({ GONGKAI_SMTP_URL: `smtp://127.0.0.1:${port}${extra}`, GONGKAI_MAIL_FROM: '政府信息公开平台 <xxgk@example.gov.cn>' }).mail!;

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe(`e-mail reminders (${testDialect})`, () => {
  let db: Db;
  let w: World;
  let smtp: TestSmtp;
  const opts = { staleDays: 30, publicUrl: 'https://xxgk.example.gov.cn' };
  const deps = (day = TODAY) => ({ calendar, now: at(day) });
  const setEmail = (actorId: number, email: string | null) => db.kysely.updateTable('users').set({ email }).where('id', '=', actorId).execute();
  const runsOf = (key: string) => db.kysely.selectFrom('reminder_runs').selectAll().where('run_key', '=', key).execute();

  before(async () => {
    db = await openTestDb();
    w = await buildWorld(db);
    smtp = await startSmtp();
    await setEmail(w.clerkA.userId, 'clerk-a@example.gov.cn');
    await setEmail(w.reviewerA.userId, 'reviewer-a@example.gov.cn');
    await setEmail(w.townClerk.userId, 'town@example.gov.cn');
    await setEmail(w.villageClerk.userId, 'village@example.gov.cn');
    await setEmail(w.deptBClerk.userId, 'dept-b@example.gov.cn');
    await setEmail(w.supervisor.userId, 'supervisor@example.gov.cn');
    await setEmail(w.townSupervisor.userId, 'town-supervisor@example.gov.cn');
    // A disabled account gets nothing, whatever its address.
    await setEmail(w.town2Clerk.userId, 'disabled@example.gov.cn');
    await db.kysely.updateTable('users').set({ disabled: 1 }).where('id', '=', w.town2Clerk.userId).execute();
  });
  after(async () => {
    await smtp?.close();
    await db?.close();
  });

  test('the plan: staff of agencies with problems, a digest per supervisor; nobody without an address, disabled or without problems', async () => {
    const plan = await planReminders(db, deps(), opts);
    const who = plan.messages.map((m) => `${m.kind}:${m.address}`).sort();
    assert.deepEqual(who, [
      'digest:supervisor@example.gov.cn',
      'digest:town-supervisor@example.gov.cn',
      'staff:clerk-a@example.gov.cn',
      'staff:dept-b@example.gov.cn',
      'staff:reviewer-a@example.gov.cn',
      'staff:town@example.gov.cn',
    ]);
    const digest = plan.messages.find((m) => m.address === 'supervisor@example.gov.cn')!;
    assert.deepEqual([...digest.agencyIds].sort((a, b) => a - b), [w.gov, w.deptA, w.deptB, w.town, w.town2].sort((a, b) => a - b));
    const townDigest = plan.messages.find((m) => m.address === 'town-supervisor@example.gov.cn')!;
    assert.deepEqual(townDigest.agencyIds, [w.town], 'a town supervisor hears of its own subtree only');
  });

  test('a run: every message through SMTP, in Chinese, to the right address, with counts and links and nothing personal; recorded', async () => {
    const r = await runReminders(db, { ...deps(), mailer: smtpMailer(mailConfig(smtp.port)), node: 'node-a' }, { ...opts, trigger: 'cli' });
    assert.equal(r.status, 'done');
    if (r.status !== 'done') return;
    assert.deepEqual([r.recipients, r.sent, r.failed], [6, 6, 0]);
    assert.equal(smtp.received.length, 6);
    const to = (address: string) => {
      const m = smtp.received.filter((x) => x.to.includes(address));
      assert.equal(m.length, 1, address);
      return m[0]!;
    };
    for (const m of smtp.received) {
      assert.equal(m.to.length, 1, 'one recipient per message');
      assert.equal(m.from, 'xxgk@example.gov.cn');
      assert.match(m.headers.from ?? '', /政府信息公开平台/);
      assert.equal(m.headers['auto-submitted'], 'auto-generated');
      for (const p of PERSONAL) assert.ok(!m.text.includes(p) && !m.subject.includes(p), `no personal data (${p}) in the message to ${m.to[0]}`);
    }
    const a = to('clerk-a@example.gov.cn');
    assert.equal(a.subject, '【政府信息公开】工作提醒（2026年11月16日）');
    assert.match(a.text, /^甲局信息员，您好：/);
    assert.ok(a.text.includes(w.names.deptA));
    assert.match(a.text, /逾期未答复的政府信息公开申请 1 件：https:\/\/xxgk\.example\.gov\.cn\/admin\/applications\?agency=\d+&overdue=1/);
    assert.match(a.text, /5个工作日内到期的申请 1 件/);
    assert.match(a.text, /超过20个工作日仍未发布的主动公开信息 1 条/);
    assert.match(a.text, /2025年度政府信息公开工作年度报告：逾期未公布（公布期限 2026-01-31）/);
    assert.ok(!a.text.includes(w.names.town), "only the recipient's own agency");
    const t = to('town@example.gov.cn');
    assert.match(t.text, /政府信息公开专栏已 46 天未更新（最近一次发布于 2026-10-01，要求不超过 30 天）/);
    assert.match(t.text, /未答复的投诉 1 件/);
    const b = to('dept-b@example.gov.cn');
    assert.match(b.text, /政府信息公开专栏尚未发布任何信息/);
    const d = to('supervisor@example.gov.cn');
    assert.equal(d.subject, '【政府信息公开】督查提醒（2026年11月16日）：5个机关有待办事项');
    assert.match(d.text, /您督查的 6 个机关中有 5 个存在需要处理的事项/);
    assert.match(d.text, /逾期未答复的申请 1 件，5个工作日内到期 1 件/);
    assert.match(d.text, /督查看板：https:\/\/xxgk\.example\.gov\.cn\/admin\/supervision/);
    for (const n of [w.names.gov, w.names.deptA, w.names.deptB, w.names.town, w.names.town2]) assert.ok(d.text.includes(n), n);
    assert.ok(!d.text.includes(w.names.village), 'an agency without problems is not listed');

    // Recorded: the run and each message (who, which agencies, sent).
    const [run] = await runsOf(`daily:${TODAY}`);
    assert.ok(run);
    assert.deepEqual([run.status, run.trigger, run.node, run.recipients, run.sent, run.failed, run.error], ['done', 'cli', 'node-a', 6, 6, 0, null]);
    assert.ok(run.finished_at);
    const messages = await db.kysely.selectFrom('reminder_messages').selectAll().where('run_id', '=', run.id).execute();
    assert.equal(messages.length, 6);
    assert.ok(messages.every((m) => m.status === 'sent' && m.error === null));
    const digestRow = messages.find((m) => m.user_id === w.supervisor.userId)!;
    assert.equal(digestRow.kind, 'digest');
    assert.equal((JSON.parse(digestRow.agency_ids) as number[]).length, 5);
    // The messages' record is append-only.
    await assert.rejects(db.kysely.updateTable('reminder_messages').set({ status: 'failed' }).where('run_id', '=', run.id).execute());
    const audited = await db.kysely.selectFrom('audit_log').select('details').where('action', '=', 'reminders.run').where('subject_id', '=', String(run.id)).execute();
    assert.equal(audited.length, 1);

    // The same day again: claimed already, nothing sent.
    const again = await runReminders(db, { ...deps(), mailer: smtpMailer(mailConfig(smtp.port)), node: 'node-b' }, { ...opts, trigger: 'schedule' });
    assert.equal(again.status, 'skipped');
    if (again.status === 'skipped') assert.equal(again.claimedBy?.node, 'node-a');
    assert.equal(smtp.received.length, 6);
  });

  test('two processes at once: one claims the day and sends, the other skips', async () => {
    const day = '2026-11-17';
    const before = smtp.received.length;
    const outcomes = await Promise.all(
      ['p1', 'p2', 'p3'].map((node) => runReminders(db, { ...deps(day), mailer: smtpMailer(mailConfig(smtp.port)), node }, { ...opts, trigger: 'schedule' })),
    );
    assert.deepEqual(outcomes.map((o) => o.status).sort(), ['done', 'skipped', 'skipped']);
    assert.equal((await runsOf(`daily:${day}`)).length, 1);
    assert.equal(smtp.received.length - before, 6, 'each message once');
  });

  test('SMTP unreachable: every message recorded as failed with the reason, the run failed, nothing thrown', async () => {
    const day = '2026-11-18';
    const port = await closedPort();
    const r = await runReminders(db, { ...deps(day), mailer: smtpMailer(mailConfig(port)), node: 'n' }, { ...opts, trigger: 'schedule' });
    assert.equal(r.status, 'failed');
    if (r.status !== 'failed') return;
    assert.deepEqual([r.sent, r.failed], [0, 6]);
    const [run] = await runsOf(`daily:${day}`);
    assert.equal(run?.status, 'failed');
    const failed = await db.kysely.selectFrom('reminder_messages').select(['status', 'error']).where('run_id', '=', run!.id).execute();
    assert.equal(failed.length, 6);
    for (const f of failed) {
      assert.equal(f.status, 'failed');
      assert.match(f.error ?? '', new RegExp(`无法连接邮件服务器 127\\.0\\.0\\.1:${port}`));
    }
  });

  test('SMTP authentication: the right password is used; a wrong one is recorded without the password', async () => {
    const secure = await startSmtp({ auth: { user: 'gongkai', pass: 'Pa55:w/rd@1' } });
    try {
      const cfg = (pass: string) =>
        loadConfig({ GONGKAI_SMTP_URL: `smtp://gongkai:${encodeURIComponent(pass)}@127.0.0.1:${secure.port}`, GONGKAI_MAIL_FROM: 'xxgk@example.gov.cn' }).mail!;
      const ok = await runReminders(db, { ...deps('2026-11-19'), mailer: smtpMailer(cfg('Pa55:w/rd@1')) }, { ...opts, trigger: 'cli' });
      assert.equal(ok.status, 'done');
      assert.equal(secure.received.length, 6);
      assert.ok(secure.received.every((m) => m.user === 'gongkai'));
      const bad = await runReminders(db, { ...deps('2026-11-20'), mailer: smtpMailer(cfg('wrong-secret-123')) }, { ...opts, trigger: 'cli' });
      assert.equal(bad.status, 'failed');
      const [run] = await runsOf('daily:2026-11-20');
      const errors = await db.kysely.selectFrom('reminder_messages').select('error').where('run_id', '=', run!.id).execute();
      assert.ok(errors.length > 0);
      for (const e of errors) {
        assert.match(e.error ?? '', /拒绝了用户名或密码/);
        assert.ok(!(e.error ?? '').includes('wrong-secret-123'));
      }
      // STARTTLS required, but the server offers none: refused, recorded.
      const tls = await runReminders(db, { ...deps('2026-11-23'), mailer: smtpMailer(mailConfig(smtp.port, '?starttls=required')) }, { ...opts, trigger: 'cli' });
      assert.equal(tls.status, 'failed');
    } finally {
      await secure.close();
    }
  });

  test('the scheduler: on a working day from the configured time on, once per process; two processes send once', async () => {
    const clock = { now: new Date('2026-11-24T08:29:00+08:00') };
    // Two app processes on one database.
    const make = () =>
      new ReminderScheduler(db, { calendar, now: () => clock.now }, { time: '08:30', mail: mailConfig(smtp.port), staleDays: 30, log: () => {}, mailer: () => smtpMailer(mailConfig(smtp.port)) });
    const s1 = make();
    const s2 = make();
    assert.equal(await s1.tick(), null, 'before 08:30');
    clock.now = new Date('2026-11-24T08:30:00+08:00');
    const before = smtp.received.length;
    const [r1, r2] = [await s1.tick(), await s2.tick()];
    assert.deepEqual([r1?.status, r2?.status], ['done', 'skipped']);
    assert.equal(smtp.received.length - before, 6);
    assert.equal(await s1.tick(), null, 'tried today already');
    // A Saturday: no run.
    clock.now = new Date('2026-11-28T09:00:00+08:00');
    assert.equal(s1.due(clock.now), false);
    assert.equal(await s1.tick(), null);
    assert.equal((await runsOf('daily:2026-11-28')).length, 0);
    // 1 October 2026 (a Thursday, National Day): no run.
    assert.equal(s1.due(new Date('2026-10-01T09:00:00+08:00')), false);
    // Started late in the day: still sends that day's (if nobody has).
    assert.equal(s1.due(new Date('2026-11-25T23:59:00+08:00')), true);
    // 00:10 in China is still the previous day in UTC: the day is China's.
    assert.equal(s1.due(new Date('2026-11-25T00:10:00+08:00')), false);
  });
});
