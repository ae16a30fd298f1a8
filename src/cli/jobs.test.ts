/**
 * `gongkai jobs` on a data folder (SQLite) or a database of its own (PostgreSQL, TEST_DATABASE_URL):
 * the runs two nodes recorded, newest first, with the node, the China time, the state, the result
 * or the error and the takeover; filters; bad arguments are usage errors (exit 2).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { migrateToLatest } from '../db/migrate.js';
import { JobRunner, type JobDefinition } from '../jobs/runner.js';
import { every } from '../jobs/schedule.js';
import { cli } from '../../test/support/cli.js';
import { installation, type Installation } from '../../test/support/installation.js';

describe('gongkai jobs (CLI)', () => {
  let env: NodeJS.ProcessEnv;
  let inst: Installation;

  before(async () => {
    inst = await installation({ prefix: 'gongkai-cli-jobs-' });
    env = { ...inst.env, GONGKAI_DEMO: '0' };
    const db = await inst.open();
    try {
      await migrateToLatest(db);
      const ok: JobDefinition<string> = { name: 'demo.ok', description: '', schedule: every(60), run: async () => '删除 3 条记录' };
      const bad: JobDefinition = {
        name: 'demo.bad',
        description: '',
        schedule: every(60),
        run: async () => {
          throw new Error('磁盘已满');
        },
      };
      const t0 = Date.parse('2026-11-24T00:00:00.000Z');
      await new JobRunner(db, [ok, bad], { node: 'node-a', now: () => new Date(t0) }).tick();
      await new JobRunner(db, [ok], { node: 'node-b', now: () => new Date(t0 + 3_600_000) }).tick();
    } finally {
      await db.close();
    }
  });
  after(async () => {
    await inst?.close();
  });

  test('lists the runs of every node, newest first, in China time, with results and errors', async () => {
    const r = await cli(['jobs'], env);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trimEnd().split('\n');
    assert.match(lines[0]!, /^任务\s+时段\s+次\s+节点\s+开始（北京时间）\s+结束\s+状态\s+结果$/);
    assert.equal(lines.length, 4);
    assert.match(lines[1]!, /^demo\.ok\s+2026-11-24T01:00Z\s+1\s+node-b\s+2026-11-24 09:00:00\s+2026-11-24 09:00:00\s+完成\s+删除 3 条记录$/);
    assert.ok(lines.slice(2).some((l) => /^demo\.bad\s+2026-11-24T00:00Z\s+1\s+node-a\s+.*失败\s+磁盘已满$/.test(l)));
  });

  test('filters: one job, failed runs only', async () => {
    const one = await cli(['jobs', '--job', 'demo.ok'], env);
    assert.equal(one.out.trimEnd().split('\n').length, 3);
    const failed = await cli(['jobs', '--failed'], env);
    assert.deepEqual(failed.out.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0]), ['demo.bad']);
    const none = await cli(['jobs', '--job', 'sessions.purge'], env);
    assert.equal(none.out, '没有运行记录（任务 sessions.purge）\n');
  });

  test('bad arguments: exit 2 with a Chinese reason', async () => {
    assert.equal((await cli(['jobs', '--limit', '0'], env)).code, 2);
    const r = await cli(['jobs', '--job', 'DROP TABLE'], env);
    assert.equal(r.code, 2);
    assert.match(r.err, /--job 不是任务名称/);
  });
});
