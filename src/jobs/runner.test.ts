/**
 * The scheduled-job runner on SQLite or PostgreSQL (TEST_DATABASE_URL), with two database handles
 * on one database as two app nodes have them (a SQLite file opened twice; a PostgreSQL schema
 * reached through two pools): two runners racing for a slot run it once; a lease that runs out is
 * taken over (and the node that lost it is told and records nothing); a slot whose time has passed
 * is marked expired; a job that throws is recorded as failed and the runner goes on; the
 * housekeeping jobs remove what is past its retention and nothing else.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDatabase, type Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { openTestDb, TEST_DATABASE_URL, testDialect } from '../../test/support/db.js';
import { housekeepingJobs, RETENTION } from './housekeeping.js';
import { JobRunner, type AbandonedRun, type JobDefinition, type JobLogLevel } from './runner.js';
import { every } from './schedule.js';
import { submitOnlineForm } from '../applications/application.service.js';
import { newFormToken } from '../applications/online-submissions.js';
import { agency, calendar, personInput } from '../../test/support/application-fixtures.js';

/** Two handles on one database, as two nodes would have. */
async function twoNodes(): Promise<{ a: Db; b: Db; close(): Promise<void> }> {
  if (TEST_DATABASE_URL) {
    const a = await openTestDb();
    const b = await openDatabase({ databaseUrl: TEST_DATABASE_URL, pgSchema: a.pgSchema!, poolSize: 2 });
    return {
      a,
      b,
      close: async () => {
        await b.close();
        await a.close();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'gongkai-jobs-'));
  const path = join(dir, 'nodes.sqlite');
  const a = await openDatabase({ sqlitePath: path });
  await migrateToLatest(a);
  const b = await openDatabase({ sqlitePath: path });
  return {
    a,
    b,
    close: async () => {
      await b.close();
      await a.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A promise resolved from outside. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const T0 = Date.parse('2026-11-24T08:00:00.000Z');
const clockAt = (ms: number) => () => new Date(ms);

describe(`the scheduled-job runner (${testDialect})`, () => {
  let nodes: Awaited<ReturnType<typeof twoNodes>>;
  const runsOf = (job: string) => nodes.a.kysely.selectFrom('job_runs').selectAll().where('job', '=', job).orderBy('slot').orderBy('attempt').execute();

  before(async () => {
    nodes = await twoNodes();
  });
  after(async () => {
    await nodes?.close();
  });

  test('two nodes racing for the same slots: each slot runs exactly once, on one node', async () => {
    let calls = 0;
    const ran: string[] = [];
    const job: JobDefinition<string> = {
      name: 'race.count',
      description: '计数',
      schedule: every(15),
      run: async ({ slot, node }) => {
        calls++;
        ran.push(`${slot}@${node}`);
        // Hold the slot a moment, so that the other node's claim comes while this one runs.
        await new Promise((r) => setTimeout(r, 10));
        return `ran on ${node}`;
      },
    };
    for (let i = 0; i < 6; i++) {
      const now = T0 + i * 15 * 60_000;
      const a = new JobRunner(nodes.a, [job], { node: 'node-a', now: clockAt(now) });
      const b = new JobRunner(nodes.b, [job], { node: 'node-b', now: clockAt(now) });
      const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
      const outcomes = [ra.get('race.count')!.outcome, rb.get('race.count')!.outcome].sort();
      assert.deepEqual(outcomes, ['done', 'taken'], `slot ${i}`);
    }
    assert.equal(calls, 6);
    const rows = await runsOf('race.count');
    assert.equal(rows.length, 6, 'one record per slot');
    assert.equal(new Set(rows.map((r) => r.slot)).size, 6);
    assert.ok(rows.every((r) => r.status === 'done' && r.attempt === 1 && r.finished_at !== null && r.result === `ran on ${r.node}`));
    assert.deepEqual(rows.map((r) => `${r.slot}@${r.node}`).sort(), [...ran].sort());
    assert.equal(rows[0]!.slot, '2026-11-24T08:00Z');
  });

  test('a node that stops renewing its lease: after the lease another node takes the slot over; the first is told and records nothing', async () => {
    const leaseMs = 4_000;
    const release = deferred();
    let aborted: unknown = null;
    const calls: string[] = [];
    const abandoned: AbandonedRun[] = [];
    const job = (hold: boolean): JobDefinition<string> => ({
      name: 'lease.take-over',
      description: '接管',
      schedule: every(60),
      run: async ({ node, signal, retakes }) => {
        calls.push(`${node}${retakes ? ` retakes ${retakes.node}` : ''}`);
        if (hold) {
          // The stuck node: works until released, or until it learns it lost the lease.
          await Promise.race([release.promise, new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }))]);
          aborted = signal.aborted ? signal.reason : null;
        }
        return node;
      },
      abandoned: async (_db, run) => void abandoned.push(run),
    });
    const stuck = new JobRunner(nodes.a, [job(true)], { node: 'node-a', now: clockAt(T0), leaseMs });
    const pending = stuck.runDue('lease.take-over');
    while ((await runsOf('lease.take-over')).length === 0) await new Promise((r) => setTimeout(r, 5));

    // Within the lease: the slot is taken.
    const early = new JobRunner(nodes.b, [job(false)], { node: 'node-b', now: clockAt(T0 + leaseMs - 1_000), leaseMs });
    const r1 = await early.runDue('lease.take-over');
    assert.equal(r1.outcome, 'taken');
    assert.equal(r1.outcome === 'taken' && r1.holder.node, 'node-a');

    // After the lease: taken over, and the takeover is on record.
    const late = new JobRunner(nodes.b, [job(false)], { node: 'node-c', now: clockAt(T0 + leaseMs + 1_000), leaseMs });
    const r2 = await late.runDue('lease.take-over');
    assert.equal(r2.outcome, 'done');
    assert.equal(r2.outcome === 'done' && r2.retaken, true);
    assert.deepEqual(
      abandoned.map((x) => x.node),
      ['node-a'],
    );

    // The stuck node's next heartbeat finds a later attempt: its signal fires; its result is not recorded.
    const r3 = await pending;
    assert.equal(r3.outcome, 'lost');
    assert.ok(aborted instanceof Error);
    release.resolve();

    const rows = await runsOf('lease.take-over');
    assert.deepEqual(
      rows.map((r) => [r.attempt, r.node, r.status, r.retakes]),
      [
        [1, 'node-a', 'expired', null],
        [2, 'node-c', 'done', rows[0]!.id],
      ],
    );
    assert.match(rows[0]!.error ?? '', /租约已过期.*node-c 接管/);
    assert.deepEqual(calls, ['node-a', 'node-c retakes node-a']);
  });

  test('a slot whose time has passed is not run again: its abandoned attempt is marked expired at the next check', async () => {
    const release = deferred();
    const abandoned: AbandonedRun[] = [];
    const job: JobDefinition = {
      name: 'lease.past-slot',
      description: '过期',
      schedule: every(60),
      run: async ({ slot }) => {
        if (slot === '2026-11-24T08:00Z') await release.promise;
      },
      abandoned: async (_db, run) => void abandoned.push(run),
    };
    const stuck = new JobRunner(nodes.a, [job], { node: 'node-a', now: clockAt(T0), leaseMs: 60_000 });
    const pending = stuck.runDue('lease.past-slot');
    while ((await runsOf('lease.past-slot')).length === 0) await new Promise((r) => setTimeout(r, 5));
    const next = new JobRunner(nodes.b, [job], { node: 'node-b', now: clockAt(T0 + 61 * 60_000) });
    const r = await next.tick();
    assert.equal(r.get('lease.past-slot')!.outcome, 'done');
    const rows = await runsOf('lease.past-slot');
    assert.deepEqual(
      rows.map((x) => [x.slot, x.attempt, x.node, x.status]),
      [
        ['2026-11-24T08:00Z', 1, 'node-a', 'expired'],
        ['2026-11-24T09:00Z', 1, 'node-b', 'done'],
      ],
    );
    assert.deepEqual(
      abandoned.map((x) => [x.slot, x.node]),
      [['2026-11-24T08:00Z', 'node-a']],
    );
    release.resolve();
    assert.equal((await pending).outcome, 'lost');
  });

  test('a job that throws is recorded as failed, logged, and the runner goes on (other jobs, later slots); retried only when the job allows', async () => {
    const lines: { level: JobLogLevel; fields: Record<string, unknown>; message: string }[] = [];
    let now = T0;
    let attempts = 0;
    const failing: JobDefinition = {
      name: 'fail.always',
      description: '总是失败',
      schedule: every(60),
      run: async () => {
        attempts++;
        throw new Error('磁盘已满');
      },
    };
    const fine: JobDefinition<string> = { name: 'fail.neighbour', description: '正常', schedule: every(60), run: async () => 'ok' };
    let flaky = 0;
    const retrying: JobDefinition<string> = {
      name: 'fail.retry',
      description: '重试',
      schedule: every(60),
      retryFailed: true,
      run: async () => {
        if (++flaky === 1) throw new Error('暂时不可用');
        return 'second time';
      },
    };
    const runner = new JobRunner(nodes.a, [failing, fine, retrying], { node: 'node-a', now: () => new Date(now), log: (level, fields, message) => lines.push({ level, fields, message }) });
    const first = await runner.tick();
    assert.deepEqual([...first.values()].map((r) => r.outcome), ['failed', 'done', 'failed']);
    const again = await runner.tick();
    assert.equal(again.get('fail.always')!.outcome, 'not-due', 'a failed slot is not run again');
    assert.equal(again.get('fail.retry')!.outcome, 'done', 'unless the job allows it');
    now += 60 * 60_000;
    const later = await runner.tick();
    assert.equal(later.get('fail.always')!.outcome, 'failed', 'the next slot is attempted');
    assert.equal(attempts, 2);

    const rows = await runsOf('fail.always');
    assert.deepEqual(
      rows.map((r) => [r.status, r.error]),
      [
        ['failed', '磁盘已满'],
        ['failed', '磁盘已满'],
      ],
    );
    assert.deepEqual(
      (await runsOf('fail.retry')).map((r) => [r.slot, r.attempt, r.status, r.result]),
      [
        ['2026-11-24T08:00Z', 1, 'failed', null],
        ['2026-11-24T08:00Z', 2, 'done', 'second time'],
        ['2026-11-24T09:00Z', 1, 'done', 'second time'],
      ],
    );
    const errors = lines.filter((l) => l.level === 'error');
    assert.equal(errors.length, 3);
    assert.deepEqual(
      { job: errors[0]!.fields.job, error: errors[0]!.fields.error, node: errors[0]!.fields.node },
      { job: 'fail.always', error: '磁盘已满', node: 'node-a' },
    );
    assert.equal(typeof errors[0]!.fields.durationMs, 'number');
    assert.ok(lines.some((l) => l.level === 'info' && l.fields.job === 'fail.neighbour' && l.fields.result === 'ok'));
  });

  test('a database that cannot be reached: the claim fails, is logged, and the slot stays open for the next check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gongkai-jobs-closed-'));
    const closed = TEST_DATABASE_URL ? await openTestDb() : await openDatabase({ sqlitePath: join(dir, 'x.sqlite') });
    if (!TEST_DATABASE_URL) await migrateToLatest(closed);
    await closed.close();
    const lines: string[] = [];
    let calls = 0;
    const job: JobDefinition = { name: 'db.down', description: '数据库不可用', schedule: every(60), run: async () => void calls++ };
    const runner = new JobRunner(closed, [job], { node: 'node-a', now: clockAt(T0), log: (level, _f, m) => lines.push(`${level} ${m}`) });
    const r = await runner.runDue('db.down');
    assert.equal(r.outcome, 'error');
    assert.equal(calls, 0);
    assert.equal(runner.due('db.down'), true, 'tried again at the next check');
    assert.match(lines.join('\n'), /^error 定时任务 db\.down：无法登记本次运行/m);
    rmSync(dir, { recursive: true, force: true });
  });

  test('start and stop: the first check runs at once; stop waits for the run in progress', async () => {
    const release = deferred();
    let finished = false;
    const job: JobDefinition = {
      name: 'start.stop',
      description: '启停',
      schedule: every(60),
      run: async () => {
        await release.promise;
        finished = true;
      },
    };
    const runner = new JobRunner(nodes.a, [job], { node: 'node-a', now: clockAt(T0) });
    runner.start();
    while ((await runsOf('start.stop')).length === 0) await new Promise((r) => setTimeout(r, 5));
    const stopping = runner.stop();
    release.resolve();
    await stopping;
    assert.equal(finished, true);
    assert.deepEqual((await runsOf('start.stop')).map((r) => r.status), ['done']);
  });

  test('job definitions are checked: names, duplicates', () => {
    const j = (name: string): JobDefinition => ({ name, description: '', schedule: every(5), run: async () => undefined });
    assert.throws(() => new JobRunner(nodes.a, [j('Bad Name')]), /invalid job name/);
    assert.throws(() => new JobRunner(nodes.a, [j('a.b'), j('a.b')]), /defined twice/);
  });

  test('housekeeping: expired sessions, old login attempts, rate-limit hits and job records go; recent ones stay', async () => {
    const db = nodes.a;
    const now = Date.parse('2026-11-24T10:00:00.000Z');
    const iso = (ms: number) => new Date(ms).toISOString();
    const day = 86_400_000;
    const user = await db.kysely
      .insertInto('users')
      .values({ username: 'housekeeping', display_name: '清理', password_hash: 'x', password_changed_at: iso(now), created_at: iso(now) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const session = (id: string, lastSeen: number, expires: number) => ({ id, user_id: user.id, csrf_token: 'c', created_at: iso(lastSeen), last_seen_at: iso(lastSeen), expires_at: iso(expires), ip: null });
    await db.kysely
      .insertInto('sessions')
      .values([session('live', now - 60_000, now + 3_600_000), session('idle', now - 2 * 3_600_000, now + 3_600_000), session('over', now - 60_000, now - 1_000)])
      .execute();
    await db.kysely
      .insertInto('login_attempts')
      .values([
        { username: 'u', ip: '10.0.0.1', at: iso(now - (RETENTION.loginAttemptsDays + 1) * day), success: 0 },
        { username: 'u', ip: '10.0.0.1', at: iso(now - (RETENTION.loginAttemptsDays - 1) * day), success: 0 },
      ])
      .execute();
    await db.kysely
      .insertInto('rate_limit_hits')
      .values([
        { bucket: 'apply', key: 'k', at: iso(now - 2 * day) },
        { bucket: 'apply', key: 'k', at: iso(now - 3_600_000) },
      ])
      .execute();
    const oldRun = { job: 'old.job', attempt: 1, node: 'n', heartbeat_at: iso(now), lease_until: iso(now), finished_at: iso(now), result: null, error: null, retakes: null };
    await db.kysely
      .insertInto('job_runs')
      .values([
        { ...oldRun, slot: 'old', started_at: iso(now - (RETENTION.jobRunsDays + 1) * day), status: 'done' },
        { ...oldRun, slot: 'recent', started_at: iso(now - day), status: 'done' },
      ])
      .execute();

    // Online submissions (the form's tokens): one older than the retention, one recent whose
    // receipt is past its time, one recent and live (three applications through the service).
    const town = await agency(db, '清理测试镇人民政府', 'town', null);
    const submissionIds: number[] = [];
    for (let i = 0; i < 3; i++) submissionIds.push((await submitOnlineForm(db, { calendar }, personInput(town), newFormToken())).applicationId);
    const when: Array<[created: number, expires: number | null]> = [
      [now - (RETENTION.onlineSubmissionsDays + 1) * day, null],
      [now - day, now - day + 600_000],
      [now - 60_000, now + 540_000],
    ];
    for (const [i, [created, expires]] of when.entries()) {
      await db.kysely
        .updateTable('online_submissions')
        .set({ created_at: iso(created), ...(expires === null ? { receipt_id: null, receipt_box: null, receipt_expires_at: null } : { receipt_expires_at: iso(expires) }) })
        .where('application_id', '=', submissionIds[i]!)
        .execute();
    }

    const runner = new JobRunner(db, housekeepingJobs(), { node: 'node-a', now: clockAt(now) });
    const r = await runner.tick();
    assert.deepEqual(
      [...r].map(([name, x]) => [name, x.outcome, x.outcome === 'done' ? x.result : null]),
      [
        ['sessions.purge', 'done', undefined],
        ['login-attempts.purge', 'done', '删除 1 条登录尝试记录'],
        ['rate-limits.purge', 'done', '删除 1 条访问频率计数'],
        ['job-runs.purge', 'done', '删除 1 条运行记录'],
        ['online-submissions.purge', 'done', '删除 1 条表单标识，清除 1 份过期回执'],
      ],
    );
    const left = await db.kysely.selectFrom('online_submissions').select(['application_id', 'receipt_box']).where('application_id', 'in', submissionIds).orderBy('application_id').execute();
    assert.deepEqual(
      left.map((s) => [s.application_id, s.receipt_box === null]),
      [
        [submissionIds[1], true],
        [submissionIds[2], false],
      ],
      'the old one gone, the stale receipt cleared, the live receipt kept',
    );
    assert.deepEqual((await db.kysely.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute()).map((s) => s.id), ['live']);
    assert.equal((await db.kysely.selectFrom('login_attempts').select('id').where('username', '=', 'u').execute()).length, 1);
    assert.equal((await db.kysely.selectFrom('rate_limit_hits').select('id').where('key', '=', 'k').execute()).length, 1);
    assert.deepEqual((await db.kysely.selectFrom('job_runs').select('slot').where('job', '=', 'old.job').execute()).map((x) => x.slot), ['recent']);
  });

  test('housekeeping: the daily audit-log purge archives rows past the retention, then removes them; younger rows stay', async () => {
    const db = nodes.a;
    const now = Date.parse('2026-11-25T10:00:00.000Z'); // 18:00 China time: the 03:00 slot is due
    const iso = (ms: number) => new Date(ms).toISOString();
    const day = 86_400_000;
    await db.kysely
      .insertInto('audit_log')
      .values([
        { at: iso(now - 400 * day), user_id: null, agency_id: null, action: 'test.old', subject_type: null, subject_id: null, details: null, ip: null },
        { at: iso(now - 10 * day), user_id: null, agency_id: null, action: 'test.young', subject_type: null, subject_id: null, details: null, ip: null },
      ])
      .execute();
    const archiveDir = mkdtempSync(join(tmpdir(), 'gongkai-audit-archive-'));
    try {
      const runner = new JobRunner(db, housekeepingJobs({ audit: { retentionDays: 365, archiveDir } }), { node: 'node-a', now: clockAt(now) });
      const r = (await runner.tick()).get('audit-log.purge');
      assert.equal(r?.outcome, 'done');
      assert.match(String(r?.outcome === 'done' ? r.result : ''), /^已归档并删除 \d+ 条审计记录：/);
      const actions = (await db.kysely.selectFrom('audit_log').select('action').where('action', 'like', 'test.%').execute()).map((x) => x.action);
      assert.deepEqual(actions, ['test.young']);
      const archived = readdirSync(archiveDir).filter((f) => f.endsWith('.jsonl'));
      assert.equal(archived.length, 1);
      assert.match(readFileSync(join(archiveDir, archived[0]!), 'utf8'), /"test\.old"/);
      // The same slot again (another node): nothing more to do, nothing run twice.
      const again = await new JobRunner(nodes.b, housekeepingJobs({ audit: { retentionDays: 365, archiveDir } }), { node: 'node-b', now: clockAt(now) }).tick();
      assert.notEqual(again.get('audit-log.purge')?.outcome, 'done');
    } finally {
      rmSync(archiveDir, { recursive: true, force: true });
    }
  });
});
