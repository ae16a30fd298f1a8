/**
 * `gongkai reminders send [--dry-run]` on a data folder (SQLite) or a database of its own on the
 * PostgreSQL test server (TEST_DATABASE_URL), against a real SMTP server on 127.0.0.1: a dry run
 * lists and records nothing; a run sends and records; the day's run goes out once; an unreachable
 * server is exit 1 with the reasons; bad configuration is exit 2 with a Chinese line.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { SQLITE_FILE } from '../server/main.js';
import { buildWorld, PERSONAL, startSmtp, type TestSmtp } from '../supervision/test-helpers.js';
import { cli } from '../../test/support/cli.js';
import { TEST_DATABASE_URL } from '../../test/support/db.js';

interface Place {
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

/** A data folder, and on PostgreSQL a database of its own, holding the supervision world with addresses. */
async function place(): Promise<Place> {
  const dir = mkdtempSync(join(tmpdir(), 'gongkai-reminders-'));
  let env: NodeJS.ProcessEnv = { GONGKAI_DATA: dir, GONGKAI_DEMO: '0' };
  let database: string | null = null;
  if (TEST_DATABASE_URL) {
    database = `gongkai_rem_${Math.random().toString(36).slice(2, 10)}`;
    const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await c.connect();
    await c.query(`CREATE DATABASE ${database}`);
    await c.end();
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${database}`;
    env = { ...env, DATABASE_URL: url.toString() };
  }
  const db = await openDatabase(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { sqlitePath: join(dir, SQLITE_FILE) });
  try {
    await migrateToLatest(db);
    const w = await buildWorld(db);
    for (const [actor, email] of [
      [w.clerkA, 'clerk-a@example.gov.cn'],
      [w.townClerk, 'town@example.gov.cn'],
      [w.supervisor, 'supervisor@example.gov.cn'],
    ] as const) {
      await db.kysely.updateTable('users').set({ email }).where('id', '=', actor.userId).execute();
    }
  } finally {
    await db.close();
  }
  return {
    env,
    cleanup: async () => {
      rmSync(dir, { recursive: true, force: true });
      if (database) {
        const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await c.end();
      }
    },
  };
}

const mailEnv = (port: number) => ({ GONGKAI_SMTP_URL: `smtp://127.0.0.1:${port}`, GONGKAI_MAIL_FROM: '政府信息公开平台 <xxgk@example.gov.cn>', GONGKAI_PUBLIC_URL: 'https://xxgk.example.gov.cn' });

async function runsIn(env: NodeJS.ProcessEnv): Promise<{ status: string; sent: number; failed: number; trigger: string }[]> {
  const db = await openDatabase(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { sqlitePath: join(env.GONGKAI_DATA!, SQLITE_FILE) });
  try {
    return await db.kysely.selectFrom('reminder_runs').select(['status', 'sent', 'failed', 'trigger']).execute();
  } finally {
    await db.close();
  }
}

describe('gongkai reminders send (CLI)', () => {
  let smtp: TestSmtp;
  let main: Place;
  before(async () => {
    smtp = await startSmtp();
    main = await place();
  });
  after(async () => {
    await main?.cleanup();
    await smtp?.close();
  });

  test('bad configuration: exit 2 with one Chinese line', async () => {
    const none = await cli(['reminders', 'send'], main.env);
    assert.equal(none.code, 2);
    assert.match(none.err, /没有配置邮件服务器：请设置 GONGKAI_SMTP_URL 和 GONGKAI_MAIL_FROM/);
    const badUrl = await cli(['reminders', 'send'], { ...main.env, GONGKAI_SMTP_URL: 'mail.example.gov.cn', GONGKAI_MAIL_FROM: 'a@b.cn' });
    assert.equal(badUrl.code, 2);
    assert.match(badUrl.err, /GONGKAI_SMTP_URL 不是有效的地址/);
    const noFrom = await cli(['reminders', 'send', '--dry-run'], { ...main.env, GONGKAI_SMTP_URL: 'smtp://127.0.0.1:25' });
    assert.equal(noFrom.code, 2, 'even a dry run refuses a half-set configuration');
    assert.match(noFrom.err, /GONGKAI_MAIL_FROM/);
    const showText = await cli(['reminders', 'send', '--show-text'], { ...main.env, ...mailEnv(smtp.port) });
    assert.equal(showText.code, 2);
    assert.match(showText.err, /--show-text 只能与 --dry-run 一起使用/);
    const unknown = await cli(['reminders', 'send', '--now'], main.env);
    assert.equal(unknown.code, 2);
    assert.deepEqual(await runsIn(main.env), []);
  });

  test('--dry-run lists who would get what (no SMTP needed), sends and records nothing', async () => {
    const r = await cli(['reminders', 'send', '--dry-run', '--show-text'], main.env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /的提醒（试运行，未发送）：共 3 封/);
    assert.match(r.out, /工作提醒 {2}甲局信息员 <clerk-a@example\.gov\.cn> {2}【政府信息公开】工作提醒（\d{4}年\d{1,2}月\d{1,2}日）/);
    assert.match(r.out, /督查汇总 {2}区督查 <supervisor@example\.gov\.cn> {2}【政府信息公开】督查提醒/);
    assert.match(r.out, /逾期未答复的政府信息公开申请 \d+ 件/);
    for (const p of PERSONAL) assert.ok(!r.out.includes(p), p);
    assert.equal(smtp.received.length, 0);
    assert.deepEqual(await runsIn(main.env), []);
  });

  test("a run sends and records; the day's run is not sent twice", async () => {
    const env = { ...main.env, ...mailEnv(smtp.port) };
    const r = await cli(['reminders', 'send'], env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /的提醒：收件人 3 位，已发送 3 封，失败 0 封/);
    assert.deepEqual(smtp.received.map((m) => m.to[0]).sort(), ['clerk-a@example.gov.cn', 'supervisor@example.gov.cn', 'town@example.gov.cn']);
    assert.ok(smtp.received.every((m) => m.subject.startsWith('【政府信息公开】')));
    assert.ok(smtp.received.some((m) => m.text.includes('https://xxgk.example.gov.cn/admin/applications?agency=')));
    const again = await cli(['reminders', 'send'], env);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /的提醒已经发送过（.*命令行.*），不再重复发送/);
    assert.equal(smtp.received.length, 3);
    assert.deepEqual(await runsIn(env), [{ status: 'done', sent: 3, failed: 0, trigger: 'cli' }]);
  });

  test('user add --email: the address reminders go to, checked', async () => {
    const bad = await cli(['user', 'add', '--username', 'mail-user', '--name', '某人', '--agency', '某区甲局', '--role', 'clerk', '--email', 'not an address'], main.env);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--email 不是有效的电子邮箱/);
    const ok = await cli(['user', 'add', '--username', 'mail-user', '--name', '某人', '--agency', '某区甲局', '--role', 'clerk', '--email', 'mail-user@example.gov.cn'], main.env);
    assert.equal(ok.code, 0, ok.err);
    const db = await openDatabase(main.env.DATABASE_URL ? { databaseUrl: main.env.DATABASE_URL } : { sqlitePath: join(main.env.GONGKAI_DATA!, SQLITE_FILE) });
    try {
      const u = await db.kysely.selectFrom('users').select('email').where('username', '=', 'mail-user').executeTakeFirstOrThrow();
      assert.equal(u.email, 'mail-user@example.gov.cn');
    } finally {
      await db.close();
    }
  });

  test('an unreachable SMTP server: exit 1, each failure on stderr, recorded', async () => {
    const other = await place();
    try {
      const s = createServer();
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
      const port = (s.address() as { port: number }).port;
      await new Promise<void>((r) => s.close(() => r()));
      const r = await cli(['reminders', 'send'], { ...other.env, ...mailEnv(port) });
      assert.equal(r.code, 1);
      assert.match(r.out, /已发送 0 封，失败 3 封/);
      assert.match(r.err, new RegExp(`失败：clerk-a@example\\.gov\\.cn：无法连接邮件服务器 127\\.0\\.0\\.1:${port}`));
      assert.deepEqual(await runsIn(other.env), [{ status: 'failed', sent: 0, failed: 3, trigger: 'cli' }]);
    } finally {
      await other.cleanup();
    }
  });
});
