/**
 * The supervision dashboard and the reminder address over HTTP (app.inject), on SQLite or
 * PostgreSQL (TEST_DATABASE_URL): the demo agencies and users plus the supervision world
 * (src/supervision/test-helpers.ts) in a tree of its own. Who may see it (login, 403, 404 outside
 * the scope), every figure and its link, filters and sorting, bad queries (422 in Chinese, never
 * 500), the charts' accessibility, the CSV and .xlsx exports, the admin home's card and the
 * navigation, the e-mail form (CSRF, validation, audit), and the daily run started by the app
 * itself against a local SMTP server, shown on the dashboard. The clock is fixed (app.deps.now).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { findUserByUsername } from '../accounts/user.repository.js';
import { createFileStore } from '../attachments/store.js';
import { loadConfig } from '../config.js';
import { seedDemo } from '../demo/seed.js';
import { at, buildWorld, PERSONAL, startSmtp, TODAY, type World } from '../supervision/test-helpers.js';
import { calendar } from '../../test/support/application-fixtures.js';
import { Client, openTestApp, type TestApp } from '../../test/support/app.js';
import { openTestDb, testDialect } from '../../test/support/db.js';
import { buildApp } from './app.js';

/** The page's text without tags. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/** The rows of the agencies' table. */
const tableRows = (html: string) => (/<table class="supervision">[\s\S]*?<\/table>/.exec(html)?.[0].match(/<th scope="row"/g) ?? []).length;

/** The table row of an agency (its <tr>…</tr>). */
const rowOf = (html: string, name: string) => {
  const m = new RegExp(`<tr[^>]*><th scope="row"[^>]*>${name}<[\\s\\S]*?</tr>`).exec(html);
  assert.ok(m, `a row for ${name}`);
  return m[0];
};

describe(`the supervision dashboard over HTTP (${testDialect})`, () => {
  let t: TestApp;
  let w: World;
  let ip = 0;
  const client = async (username?: string) => {
    const c = new Client(t.app, `10.77.${Math.floor(ip / 200)}.${(ip++ % 200) + 1}`);
    if (username) assert.equal((await c.login(username)).status, 303, `login ${username}`);
    return c;
  };
  const usernameOf = async (userId: number) => (await t.db.kysely.selectFrom('users').select('username').where('id', '=', userId).executeTakeFirstOrThrow()).username;
  const raw = (c: Client, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }, remoteAddress: c.ip });

  before(async () => {
    t = await openTestApp();
    t.app.deps.now = at(TODAY);
    w = await buildWorld(t.db);
    // The world's users log in with the demo password.
    const hash = (await findUserByUsername(t.db.kysely, 'clerk'))!.password_hash;
    await t.db.kysely.updateTable('users').set({ password_hash: hash }).where('password_hash', '=', 'x').execute();
  });
  after(async () => {
    await t?.close();
  });

  test('only supervisors: anonymous → login; staff who supervise nothing → 403 on the page and the exports', async () => {
    const anon = await client();
    for (const url of ['/admin/supervision', '/admin/supervision/export.csv', '/admin/supervision/export.xlsx', '/admin/reminders/email']) {
      const r = await anon.get(url);
      assert.equal(r.status, 303, url);
      assert.match(String(r.headers.location), /^\/login\?next=/);
    }
    for (const username of ['clerk', 'reviewer', 'head', 'village']) {
      const c = await client(username);
      for (const url of ['/admin/supervision', '/admin/supervision/export.csv', '/admin/supervision/export.xlsx?problem=any']) {
        const r = await c.get(url);
        assert.equal(r.status, 403, `${username} ${url}`);
        assert.match(text(r.body), /督查看板只对督查和管理员开放/);
      }
      const home = await c.get('/admin');
      assert.doesNotMatch(home.body, /督查看板/, `${username}: no link, no card`);
    }
  });

  test("a supervisor sees the subtree of the grant only; another tree's agency is not found", async () => {
    const sup = await client('supervisor');
    const r = await sup.get('/admin/supervision');
    assert.equal(r.status, 200);
    assert.match(r.body, /<a href="\/admin\/supervision">督查看板<\/a>/, 'the navigation links here');
    for (const n of ['市中区人民政府', '市中区教育局', '永安镇人民政府', '永安村民委员会']) assert.ok(rowOf(r.body, n));
    for (const n of Object.values(w.names)) assert.ok(!r.body.includes(n), `not ${n}`);
    const other = await sup.get(`/admin/supervision?agency=${w.town}`);
    assert.equal(other.status, 404);
    assert.match(text(other.body), /未找到该机关，或不在您督查的范围内/);
    assert.equal((await sup.get(`/admin/supervision/export.csv?agency=${w.town}`)).status, 404);
    // An administrator supervises the subtree of the grant too.
    assert.equal((await (await client('admin')).get('/admin/supervision')).status, 200);
  });

  test('every figure, with its link; nothing personal', async () => {
    const c = await client(await usernameOf(w.supervisor.userId));
    const r = await c.get('/admin/supervision');
    assert.equal(r.status, 200);
    const a = rowOf(r.body, w.names.deptA);
    assert.match(a, new RegExp(`<a href="/admin/applications\\?agency=${w.deptA}&amp;overdue=1" aria-label="${w.names.deptA}逾期未答复申请 1 件"><strong class="overdue">1</strong></a>`));
    assert.match(a, new RegExp(`<a href="/admin/applications\\?agency=${w.deptA}" aria-label="${w.names.deptA}即将到期申请 1 件">1</a>`));
    assert.match(a, /<a href="\/admin\/catalogue\?filter=overdue"[^>]*><strong class="overdue">1<\/strong><\/a>/);
    assert.match(a, new RegExp(`<a href="/xxgk/${w.deptA}">${TODAY}</a>（今天）`));
    assert.match(text(a), /逾期未公布 （期限 2026-01-31）/);
    const town = rowOf(r.body, w.names.town);
    assert.match(text(town), /2026-10-01 （46天前） 超过30天未更新/);
    assert.match(town, /<a href="\/admin\/feedback\?kind=complaint&amp;state=new"[^>]*><strong class="overdue">1<\/strong><\/a>/);
    assert.match(text(rowOf(r.body, w.names.deptB)), /从未发布 超过30天未更新/);
    const village = rowOf(r.body, w.names.village);
    assert.match(village, /<span class="na">—<span class="visually-hidden">（村居不适用）<\/span><\/span>/);
    assert.match(text(r.body), /共 6 个机关，\s*其中 5 个存在问题/);
    for (const p of PERSONAL) assert.ok(!r.body.includes(p), `no ${p}`);
    assert.match(text(r.body), /未启用：没有配置邮件服务器/);
  });

  test('charts: inline SVG with title and description, a legend in text, and the figures as a table', async () => {
    const c = await client(await usernameOf(w.supervisor.userId));
    const r = await c.get('/admin/supervision');
    assert.doesNotMatch(r.body, /<script/);
    for (const id of ['chart-applications', 'chart-catalogue']) {
      assert.match(r.body, new RegExp(`<svg [^>]*role="img" aria-labelledby="${id}-title ${id}-desc"`));
      assert.match(r.body, new RegExp(`<title id="${id}-title">`));
      assert.match(r.body, new RegExp(`<desc id="${id}-desc">[^<]*近12个月`));
      assert.match(r.body, new RegExp(`<table id="${id}-table">`));
    }
    const table = /<table id="chart-catalogue-table">[\s\S]*?<\/table>/.exec(r.body)![0];
    assert.match(text(table), /2026年8月 1 1/);
    assert.match(text(table), /2026年10月 1 0/);
    assert.match(text(table), /2025年12月 0 0/);
    assert.match(r.body, /<desc id="chart-applications-desc">[^<]*收到申请合计4件，逾期答复合计1件/);
    assert.match(r.body, /<rect [^>]*><title>2026年9月 逾期答复：1件<\/title><\/rect>/);
  });

  test('filters, sorting, scope and threshold from the query; bad queries are 422 in Chinese', async () => {
    const c = await client(await usernameOf(w.supervisor.userId));
    const only = await c.get('/admin/supervision?problem=complaints');
    assert.equal(only.status, 200);
    assert.equal(tableRows(only.body), 1);
    assert.ok(rowOf(only.body, w.names.town));
    const sorted = await c.get('/admin/supervision?sort=overdue');
    assert.match(sorted.body, new RegExp(`<tbody><tr class="problem"><th scope="row"[^>]*>${w.names.deptA}<`));
    assert.match(sorted.body, /<th scope="col" aria-sort="descending"><a href="\/admin\/supervision\?sort=overdue">逾期未答复申请<\/a><\/th>/);
    const scoped = await c.get(`/admin/supervision?agency=${w.town}`);
    assert.equal(tableRows(scoped.body), 2);
    assert.match(scoped.body, new RegExp(`<a href="/admin/supervision/export.xlsx\\?agency=${w.town}">`), 'the export keeps the query');
    const lenient = await c.get('/admin/supervision?stale=60');
    assert.doesNotMatch(text(rowOf(lenient.body, w.names.town)), /未更新/);
    const none = await c.get('/admin/supervision?problem=overdue&agency=' + w.town);
    assert.match(text(none.body), /没有符合条件的机关/);

    for (const [q, message] of [
      ['problem=all-of-them', /问题「all-of-them」无效/],
      ['sort=%27%3B--', /排序「';--」无效/],
      ['stale=0', /不能小于1/],
      ['stale=9999', /不能大于365/],
      ['stale=%E4%B8%89', /应为整数/],
      ['agency=abc', /机关/],
      ['agency=1&agency=2', /参数重复/],
    ] as const) {
      const r = await c.get(`/admin/supervision?${q}`);
      assert.equal(r.status, 422, q);
      assert.match(text(r.body), message, q);
      assert.match(r.body, /查询条件有误/);
      const x = await c.get(`/admin/supervision/export.csv?${q}`);
      assert.equal(x.status, 422, `export ${q}`);
      assert.match(text(x.body), message);
    }
  });

  test('exports: CSV with a BOM and the same rows as the .xlsx (typed cells, no formulas)', async () => {
    const c = await client(await usernameOf(w.supervisor.userId));
    const r = await raw(c, '/admin/supervision/export.csv');
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /^text\/csv; charset=utf-8/);
    assert.match(String(r.headers['content-disposition']), /^attachment; filename="supervision-2026-11-16\.csv"; filename\*=UTF-8''%E7%9D%A3%E6%9F%A5%E7%9C%8B%E6%9D%BF-2026-11-16\.csv$/);
    assert.deepEqual([...r.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const lines = r.rawPayload.subarray(3).toString('utf8').split('\r\n');
    assert.match(lines[0]!, /^机关,类型,层级,上级机关,逾期未答复申请（件）,5个工作日内到期申请（件）,超期未发布信息（条）,专栏最近更新/);
    assert.equal(lines.filter((l) => l).length, 7, 'header + six agencies');
    const deptA = lines.find((l) => l.startsWith(`${w.names.deptA},`))!;
    assert.equal(deptA, `${w.names.deptA},政府部门,1,${w.names.gov},1,1,1,${TODAY},0,否,2025,逾期未公布,2026-01-31,,0,有逾期申请、有即将到期申请、有超期未发布信息、年度报告逾期或被退回`);
    const village = lines.find((l) => l.startsWith(`${w.names.village},`))!;
    assert.equal(village, `${w.names.village},村,2,${w.names.town},,,0,2026-10-01,46,,,,,,0,`);

    const x = await raw(c, '/admin/supervision/export.xlsx?sort=complaints');
    assert.equal(x.statusCode, 200);
    assert.equal(String(x.headers['content-type']), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('督查看板')!;
    const rows: ExcelJS.CellValue[][] = [];
    ws.eachRow((row) => {
      const cells: ExcelJS.CellValue[] = [];
      for (let i = 1; i <= ws.columnCount; i++) cells.push(row.getCell(i).value);
      rows.push(cells);
      row.eachCell((cell) => assert.notEqual(cell.type, ExcelJS.ValueType.Formula));
    });
    assert.equal(rows.length, 7);
    assert.equal(rows[1]![0], w.names.town, 'sorted by complaints as asked');
    assert.equal(rows[1]![14], 1);
    const xa = rows.find((r) => r[0] === w.names.deptA)!;
    const asCsv = (cells: ExcelJS.CellValue[]) => cells.map((v) => (v === null || v === undefined ? '' : String(v))).join(',');
    assert.equal(asCsv(xa), deptA);
    assert.equal(typeof xa[4], 'number');
  });

  test("the admin home: a supervisor's card with the totals", async () => {
    const c = await client(await usernameOf(w.supervisor.userId));
    const home = await c.get('/admin');
    assert.match(home.body, /<h2>督查<\/h2>/);
    assert.match(text(home.body), /督查看板 6 个机关，\s*其中 5 个存在问题\s*（逾期申请 1 件，超期未发布信息 1 条，专栏超过 30 天未更新 4 个，2025年度报告逾期或被退回 5 个，未答复投诉 1 件）/);
  });

  test('the reminder address: any staff member sets and clears their own; CSRF, validation and audit', async () => {
    const c = await client('clerk');
    const page = await c.get('/admin/reminders/email');
    assert.equal(page.status, 200);
    assert.match(page.body, /<input id="r-email" name="email" type="email" value(="")? maxlength="254"/);
    const id = (await findUserByUsername(t.db.kysely, 'clerk'))!.id;
    const email = async () => (await t.db.kysely.selectFrom('users').select('email').where('id', '=', id).executeTakeFirstOrThrow()).email;

    const noCsrf = await c.post('/admin/reminders/email', { email: 'clerk@example.gov.cn' }, { csrf: false });
    assert.equal(noCsrf.status, 403);
    assert.match(text(noCsrf.body), /CSRF 校验失败/);
    const wrongCsrf = await c.post('/admin/reminders/email', { email: 'clerk@example.gov.cn', _csrf: 'forged-token-forged-token' });
    assert.equal(wrongCsrf.status, 403);
    assert.equal(await email(), null);

    for (const bad of ['not-an-address', 'a@b', 'x@y.cn, z@w.cn', 'x@y.cn\r\nBcc: z@w.cn', `${'a'.repeat(250)}@b.cn`]) {
      const r = await c.post('/admin/reminders/email', { email: bad });
      assert.equal(r.status, 422, JSON.stringify(bad));
      assert.match(text(r.body), /电子邮箱格式不对|电子邮箱不能超过254个字符/);
      assert.match(r.body, /aria-invalid="true"/);
    }
    assert.equal(await email(), null);

    const ok = await c.post('/admin/reminders/email', { email: ' ｃｌｅｒｋ@example.gov.cn ' });
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.location, '/admin/reminders/email?done=saved');
    assert.equal(await email(), 'clerk@example.gov.cn', 'full-width letters normalised, spaces trimmed');
    assert.match(text((await c.get('/admin/reminders/email?done=saved')).body), /已保存/);
    const cleared = await c.post('/admin/reminders/email', { email: '' });
    assert.equal(cleared.headers.location, '/admin/reminders/email?done=cleared');
    assert.equal(await email(), null);
    const audit = await t.db.kysely.selectFrom('audit_log').select(['action', 'details']).where('user_id', '=', id).where('action', 'like', 'user.email.%').orderBy('id').execute();
    assert.deepEqual(
      audit.map((a) => a.action),
      ['user.email.set', 'user.email.clear'],
    );
    assert.deepEqual(JSON.parse(audit[0]!.details!), { email: 'clerk@example.gov.cn' });
  });
});

describe(`the app's own daily reminder run (${testDialect})`, () => {
  test('started with the app when e-mail is configured: sends once, recorded, shown on the dashboard; stopped with the app', async () => {
    const smtp = await startSmtp();
    const db = await openTestDb();
    const filesDir = mkdtempSync(join(tmpdir(), 'gongkai-files-'));
    try {
      await seedDemo(db.kysely);
      const w = await buildWorld(db);
      await db.kysely.updateTable('users').set({ email: 'sup@example.gov.cn' }).where('id', '=', w.supervisor.userId).execute();
      await db.kysely.updateTable('users').set({ email: 'clerk-a@example.gov.cn' }).where('id', '=', w.clerkA.userId).execute();
      const cfg = loadConfig({ GONGKAI_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, GONGKAI_MAIL_FROM: 'xxgk@example.gov.cn', GONGKAI_REMINDER_TIME: '08:30' });
      const app = await buildApp({
        db,
        calendar,
        files: createFileStore(filesDir),
        maxUploadBytes: 1024 * 1024,
        mail: cfg.mail!,
        reminderTime: cfg.reminderTime,
        columnStaleDays: cfg.columnStaleDays,
        now: () => new Date(`${TODAY}T09:00:00+08:00`),
      });
      await app.ready();
      // The first check runs as the app starts (after 08:30 on a working day).
      for (let i = 0; i < 200 && !(await db.kysely.selectFrom('reminder_runs').select('status').where('status', '!=', 'running').executeTakeFirst()); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const hash = (await findUserByUsername(db.kysely, 'clerk'))!.password_hash;
      await db.kysely.updateTable('users').set({ password_hash: hash }).where('id', '=', w.supervisor.userId).execute();
      const c = new Client(app, '10.78.0.1');
      const username = (await db.kysely.selectFrom('users').select('username').where('id', '=', w.supervisor.userId).executeTakeFirstOrThrow()).username;
      assert.equal((await c.login(username)).status, 303);
      const page = await c.get('/admin/supervision');
      await app.close();

      const runs = await db.kysely.selectFrom('reminder_runs').selectAll().execute();
      assert.equal(runs.length, 1);
      assert.deepEqual([runs[0]!.run_key, runs[0]!.trigger, runs[0]!.status, runs[0]!.sent], [`daily:${TODAY}`, 'schedule', 'done', 2]);
      assert.deepEqual(smtp.received.map((m) => m.to[0]).sort(), ['clerk-a@example.gov.cn', 'sup@example.gov.cn']);
      assert.match(text(page.body), /已启用：每个工作日北京时间 08:30/);
      assert.match(text(page.body), new RegExp(`${TODAY} 定时 已完成 2 2 0`));
      assert.match(text(page.body), new RegExp(`区督查 督查汇总 ${w.names.gov}`));
      assert.match(text(page.body), /甲局信息员 工作提醒/);
    } finally {
      await db.close();
      await smtp.close();
      rmSync(filesDir, { recursive: true, force: true });
    }
  });
});
