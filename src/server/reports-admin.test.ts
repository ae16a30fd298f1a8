/**
 * The back office of the annual reports over HTTP (app.inject), on SQLite or PostgreSQL
 * (TEST_DATABASE_URL), with the demo agencies and users: the year's list, starting a report, the
 * report page and every form on it (prose, entered figures, regeneration, submission with and
 * without errors, review through the town's two levels, revision with its change note), the staff
 * downloads (audited), who may see and do what, bad input, stale versions, and the whole workflow
 * out to the public page. The clock is fixed (app.deps.now): 2026-01-10, before the 2025 reports'
 * deadline of 31 January.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, findUserByUsername, grantRole } from '../accounts/user.repository.js';
import { Client, openTestApp, type Res, type TestApp } from '../../test/support/app.js';
import { testDialect } from '../../test/support/db.js';
import { MAX_SECTION_CHARS } from '../reports/store/annual-report.schema.js';

const TODAY = '2026-01-10';
const XSS = '<script>alert("x")</script>';

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

const versionOf = (html: string): string => {
  const m = /name="version" value="(\d+)"/.exec(html);
  assert.ok(m, 'a form with the report version');
  return m[1]!;
};

/** The findings list of a report page (text). */
const findingsOf = (html: string) => text(/<ul class="findings"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '');

/** The 2021-format cells of section 二 an office enters (2025). */
const ENTRY_CELLS = ['licensing.decisions', 'penalty.decisions', 'enforcement.decisions', 'fees.amount_wan_yuan'];

function entries(values: Record<string, string> = {}, notes: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of ENTRY_CELLS) {
    out[`value.${c}`] = values[c] ?? '0';
    out[`note.${c}`] = notes[c] ?? '据镇党政办2025年度工作台账统计';
  }
  return out;
}

const PROSE = {
  section1: '2025年，永安镇人民政府认真贯彻《中华人民共和国政府信息公开条例》，本年度未收到政府信息公开申请。',
  section5: '存在的主要问题：一是公开内容的全面性有待提高；二是工作人员业务水平有待加强。改进措施：定期开展业务培训，规范公开流程。',
  section6: '无。本年度未收取信息处理费。',
};

describe(`back office of the annual reports (${testDialect})`, () => {
  let t: TestApp;
  const ids = new Map<string, number>();
  let ip = 0;
  const client = async (user?: string) => {
    const c = new Client(t.app, `10.88.${Math.floor(ip / 200)}.${(ip++ % 200) + 1}`);
    if (user) assert.equal((await c.login(user)).status, 303, `login ${user}`);
    return c;
  };
  const town = () => ids.get('永安镇人民政府')!;
  const reportRow = async (id: number) => t.db.kysely.selectFrom('annual_reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const openContent = async (id: number) =>
    JSON.parse(
      (await t.db.kysely.selectFrom('annual_report_versions').select('content').where('report_id', '=', id).where('state', 'in', ['draft', 'returned', 'in_review']).executeTakeFirstOrThrow()).content,
    ) as { sections: Record<string, string>; proactive: Record<string, Record<string, unknown>> };
  /** Posts a report form with the version shown on the report page now. */
  async function act(c: Client, id: number, action: string, form: Record<string, string> = {}): Promise<Res> {
    const page = await c.get(`/admin/reports/${id}`);
    assert.equal(page.status, 200, `page before ${action}`);
    return c.post(`/admin/reports/${id}/${action}`, { version: versionOf(page.body), ...form });
  }
  /** Posts a report form with the report's current version (for users whose page has no form). */
  const postNow = async (c: Client, id: number, action: string, form: Record<string, string> = {}) => c.post(`/admin/reports/${id}/${action}`, { version: String((await reportRow(id)).version), ...form });
  async function create(c: Client, agencyId: number, year: number): Promise<number> {
    const r = await c.post('/admin/reports', { agencyId: String(agencyId), year: String(year) });
    assert.equal(r.status, 303, text(r.body).slice(0, 1000));
    const m = /^\/admin\/reports\/(\d+)\?done=created$/.exec(String(r.headers.location));
    assert.ok(m, String(r.headers.location));
    return Number(m[1]);
  }
  const auditCount = async (action: string) =>
    Number((await t.db.kysely.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', action).executeTakeFirstOrThrow()).n);

  before(async () => {
    t = await openTestApp();
    t.app.deps.now = () => new Date(`${TODAY}T10:00:00+08:00`);
    t.app.deps.reportPdfWarm = false;
    for (const a of await t.db.kysely.selectFrom('agencies').select(['id', 'name']).execute()) ids.set(a.name, a.id);
    const hash = (await findUserByUsername(t.db.kysely, 'clerk'))!.password_hash;
    for (const [username, name, agency, role] of [
      ['edu', '教育局 信息员', '市中区教育局', 'clerk'],
      ['townrev2', '永安镇 审核人二', '永安镇人民政府', 'reviewer'],
    ] as const) {
      const id = await createUser(t.db.kysely, { username, displayName: name, passwordHash: hash });
      await grantRole(t.db.kysely, id, ids.get(agency)!, role);
    }
  });
  after(async () => {
    await t?.close();
  });

  test('the list: last year by default, the agencies the user reads (no villages), status, deadline, a button to start', async () => {
    const clerk = await client('clerk');
    const r = await clerk.get('/admin/reports');
    assert.equal(r.status, 200);
    assert.match(r.body, /<option value="2025" selected>2025年度<\/option>/);
    assert.match(r.body, /<a href="\/admin\/reports">年度报告<\/a>/, 'the admin navigation links here');
    const body = text(r.body);
    assert.match(body, /永安镇人民政府 未开始 2026-01-31 —/);
    assert.doesNotMatch(body, /永安村|新华村|东关社区/, 'villages and communities do not report');
    assert.match(r.body, new RegExp(`name="agencyId" value="${town()}"`));
    assert.match(r.body, /<button type="submit" aria-label="编制永安镇人民政府2025年度报告">开始编制<\/button>/);

    // A supervisor reads every agency of the government's tree but starts nothing.
    const sup = await client('supervisor');
    const s = await sup.get('/admin/reports?year=2025');
    for (const n of ['市中区人民政府', '市中区发展和改革局', '市中区教育局', '永安镇人民政府']) assert.ok(text(s.body).includes(n), n);
    assert.match(text(s.body), /市中区人民政府 未开始 2026-03-31/, "a government's own report is due on 31 March");
    assert.doesNotMatch(s.body, /开始编制/);

    // After the deadline, a report not published is late.
    t.app.deps.now = () => new Date('2026-02-02T10:00:00+08:00');
    try {
      assert.match(text((await clerk.get('/admin/reports?year=2025')).body), /永安镇人民政府 逾期未公布 2026-01-31/);
    } finally {
      t.app.deps.now = () => new Date(`${TODAY}T10:00:00+08:00`);
    }

    for (const bad of ['abc', '2018', '2027', '20255', '2025&year=2024']) {
      const b = await clerk.get(`/admin/reports?year=${bad}`);
      assert.equal(b.status, 422, bad);
      assert.match(text(b.body), /年度应为2019年至2026年之间的四位数字/);
    }
    const anon = await client();
    const a = await anon.get('/admin/reports');
    assert.equal(a.status, 303);
    assert.match(String(a.headers.location), /^\/login\?next=/);
  });

  test('starting a report: CSRF, who may, bad input, once per agency and year', async () => {
    const clerk = await client('clerk');
    let r = await clerk.post('/admin/reports', { agencyId: String(town()), year: '2024' }, { csrf: false });
    assert.equal(r.status, 403, 'no CSRF token');
    assert.match(text(r.body), /CSRF/);
    const edu = await client('edu');
    r = await edu.post('/admin/reports', { agencyId: String(town()), year: '2024' });
    assert.equal(r.status, 403, 'a clerk of another agency');
    assert.match(text(r.body), /您不能编制该机关的年度报告/);
    const village = await client('village');
    r = await village.post('/admin/reports', { agencyId: String(ids.get('永安村民委员会')), year: '2024' });
    assert.equal(r.status, 422, 'a village does not report');
    assert.match(text(r.body), /不是行政机关，不单独编制政府信息公开工作年度报告/);
    for (const [year, message] of [
      ['2018', /年度不能小于2019/],
      ['2027', /不能编制尚未开始的年度的报告/],
      ['二〇二四', /年度应为整数/],
    ] as const) {
      r = await clerk.post('/admin/reports', { agencyId: String(town()), year });
      assert.equal(r.status, 422, year);
      assert.match(text(r.body), message, year);
    }
    r = await clerk.post('/admin/reports', { agencyId: 'abc', year: '2024' });
    assert.equal(r.status, 422);
    assert.equal(Number((await t.db.kysely.selectFrom('annual_reports').select((eb) => eb.fn.countAll<number>().as('n')).where('year', '=', 2024).executeTakeFirstOrThrow()).n), 0, 'nothing created');

    const id = await create(clerk, town(), 2024);
    r = await clerk.post('/admin/reports', { agencyId: String(town()), year: '2024' });
    assert.equal(r.status, 409);
    assert.match(text(r.body), /该机关2024年度的报告已经创建/);
    const list = await clerk.get('/admin/reports?year=2024');
    assert.match(list.body, new RegExp(`<a href="/admin/reports/${id}">永安镇人民政府</a>`));
    assert.match(text(list.body), /永安镇人民政府 逾期未公布/, 'its deadline (2025-01-31) has passed');
  });

  test('the report page: status, deadline, checks, the tables with their sources, last year, the forms; 404 for whoever may not see it', async () => {
    const clerk = await client('clerk');
    const id = await create(clerk, town(), 2023);
    const r = await clerk.get(`/admin/reports/${id}?done=created`);
    assert.equal(r.status, 200);
    const body = text(r.body);
    assert.match(r.body, /<h1>永安镇人民政府2023年度政府信息公开工作年度报告<span class="muted small"> · 逾期未公布<\/span><\/h1>/);
    assert.match(r.body, /<p class="flash" role="status">已创建报告/);
    assert.match(body, /公布期限 2024-01-31/);
    assert.match(r.body, /<link rel="stylesheet" href="\/static\/reports.css"\/>/);
    // Checks on the fresh report: blank entered cells (C1, errors), empty prose (P3, warnings).
    assert.match(findingsOf(r.body), /C1 错误 ：第二部分「第二十条第（五）项 行政许可」/);
    assert.match(findingsOf(r.body), /P3 警告/);
    // A 2023 report after its deadline (2024-01-31): D1.
    assert.match(findingsOf(r.body), /D1 错误 ：已过法定公布期限2024-01-31，尚未公布/);
    // The tables rendered by the export's article, and the sources per section.
    assert.match(r.body, /<table class="gk-t3"/);
    assert.match(r.body, /<summary>三、收到和处理政府信息公开申请情况<\/summary>/);
    assert.match(body, /收到申请之日（条例第31条）在2023年1月1日至12月31日之间的申请/);
    assert.match(body, /尚未录入：系统中没有相应记录，须由本机关录入并注明来源/);
    // The forms of an editor; no review form.
    for (const f of ['prose', 'entries', 'regenerate', 'submit']) assert.match(r.body, new RegExp(`action="/admin/reports/${id}/${f}"`), f);
    assert.doesNotMatch(r.body, /id="act-review"/);
    assert.match(r.body, /系统中没有本机关上一年度已公布的报告。/);
    assert.match(body, /系统记录：本年度收取信息处理费 0 笔，合计 0 元/);
    assert.match(r.body, /<label for="act-submit-overrideReason">带错误提交的理由<\/label>/, 'the override field when there are errors');
    assert.doesNotMatch(r.body, /name="changeNote"/, 'no change note on the first version');
    for (const f of ['docx', 'pdf', 'html', 'xlsx', 'json']) assert.match(r.body, new RegExp(`href="/admin/reports/${id}/export/${f}"`), f);

    // Who may see it: the town's staff and the government's supervisor; nobody else.
    const sup = await client('supervisor');
    const s = await sup.get(`/admin/reports/${id}`);
    assert.equal(s.status, 200);
    assert.doesNotMatch(s.body, /action="\/admin\/reports\/\d+\/(prose|entries|submit|regenerate)"/, 'a supervisor only reads');
    assert.match(text(s.body), /您对该报告没有可以办理的事项/);
    for (const u of ['edu', 'village']) {
      const c = await client(u);
      const x = await c.get(`/admin/reports/${id}`);
      assert.equal(x.status, 404, u);
      assert.match(text(x.body), /未找到该年度报告/);
      assert.equal((await c.get(`/admin/reports/${id}/export/json`)).status, 404, `${u} export`);
      assert.equal((await c.post(`/admin/reports/${id}/prose`, { version: '1', ...PROSE })).status, 404, `${u} prose`);
    }
    for (const bad of ['abc', '0', '-1', '1e3', '99999999999', '2147483648', '999999']) assert.equal((await clerk.get(`/admin/reports/${bad}`)).status, 404, bad);
    assert.equal((await clerk.post(`/admin/reports/abc/prose`, { version: '1' })).status, 404);
    assert.equal((await clerk.post(`/admin/reports/${id}/publish`, { version: '1' })).status, 404, 'no such action');
    // The supervisor may not edit: 403 with the page.
    const v = versionOf((await clerk.get(`/admin/reports/${id}`)).body);
    const f = await sup.post(`/admin/reports/${id}/prose`, { version: v, ...PROSE });
    assert.equal(f.status, 403);
    assert.match(text(f.body), /没有权限执行此操作/);
  });

  test('prose: saved and checked on save; too long → 422 with the text kept; stale version → 409 with the text kept and nothing changed; missing CSRF → 403', async () => {
    const clerk = await client('clerk');
    const id = await create(clerk, town(), 2022);
    let r = await act(clerk, id, 'prose', { ...PROSE, section1: `${PROSE.section1}本年度共收到政府信息公开申请9件。${XSS}` });
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, `/admin/reports/${id}?done=prose#h-findings`);
    const page = await clerk.get(`/admin/reports/${id}`);
    assert.ok(page.body.includes('&lt;script'), 'escaped');
    assert.ok(!page.body.includes('<script>alert'));
    // P1: the prose says 9 applications; the table (2022: one carried over, none received) disagrees.
    assert.match(findingsOf(page.body), /P1 警告 ：第一部分「一、总体情况」写「本年度共收到政府信息公开申请9件」/);
    assert.equal((await openContent(id)).sections['6'], PROSE.section6);

    const before = await reportRow(id);
    const long = `${'长'.repeat(MAX_SECTION_CHARS)}尾`;
    r = await act(clerk, id, 'prose', { ...PROSE, section5: long });
    assert.equal(r.status, 422);
    assert.match(text(r.body), /五、存在的主要问题及改进情况不能超过50000个字/);
    assert.ok(r.body.includes(`${'长'.repeat(100)}`) && r.body.includes('长尾</textarea>'), 'what was typed is kept');
    assert.equal(versionOf(r.body.slice(r.body.indexOf(`action="/admin/reports/${id}/prose"`))), String(before.version), 'the typed version goes back');
    assert.deepEqual(await reportRow(id), before, 'nothing changed');

    // Stale: someone saved in between.
    const stale = versionOf((await clerk.get(`/admin/reports/${id}`)).body);
    const other = await client('reviewer');
    assert.equal((await act(other, id, 'prose', { ...PROSE, section6: '无。（审核人修改）' })).status, 303);
    const saved = await reportRow(id);
    r = await clerk.post(`/admin/reports/${id}/prose`, { version: stale, ...PROSE, section6: '我的新文字' });
    assert.equal(r.status, 409);
    assert.match(text(r.body), /该年度报告已被他人修改，请刷新后重试（您的修改未保存）/);
    assert.ok(r.body.includes('我的新文字</textarea>'), 'the typed text is kept');
    assert.match(text(r.body), /当前已保存的内容（他人刚刚保存的版本） .*无。（审核人修改）/);
    assert.deepEqual(await reportRow(id), saved, 'nothing changed');
    assert.equal((await openContent(id)).sections['6'], '无。（审核人修改）');
    // Saving again from the conflict page (its version is the current one) keeps the user's text.
    assert.equal(versionOf(r.body.slice(r.body.indexOf(`action="/admin/reports/${id}/prose"`))), String(saved.version));

    r = await clerk.post(`/admin/reports/${id}/prose`, { version: String(saved.version), ...PROSE }, { csrf: false });
    assert.equal(r.status, 403, 'no CSRF token');
    r = await clerk.post(`/admin/reports/${id}/prose`, { version: 'x', ...PROSE });
    assert.equal(r.status, 422);
    assert.match(text(r.body), /版本号应为整数/);
    assert.deepEqual(await reportRow(id), saved, 'nothing changed');
  });

  test('entered figures: a source note per figure, bad values refused (422, nothing saved), saved figures flow into the tables; cleared again', async () => {
    const clerk = await client('clerk');
    const id = await create(clerk, town(), 2021);
    let r = await act(clerk, id, 'entries', { ...entries({ 'licensing.decisions': '-3', 'fees.amount_wan_yuan': 'abc' }), 'note.penalty.decisions': '' });
    assert.equal(r.status, 422);
    const body = text(r.body);
    assert.match(body, /应为非负整数/);
    assert.match(body, /不是数字/);
    assert.match(body, /请注明该数字的来源/);
    assert.ok(r.body.includes('value="abc"'), 'what was typed is kept');
    assert.equal(Number((await t.db.kysely.selectFrom('report_entries').select((eb) => eb.fn.countAll<number>().as('n')).where('year', '=', 2021).executeTakeFirstOrThrow()).n), 0, 'nothing saved');

    const v0 = (await reportRow(id)).version;
    r = await act(clerk, id, 'entries', entries({ 'licensing.decisions': '12', 'fees.amount_wan_yuan': '1.5' }, { 'licensing.decisions': '据镇便民服务中心审批台账' }));
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, `/admin/reports/${id}?done=entries#h-entries`);
    assert.ok((await reportRow(id)).version > v0, 'regenerated');
    const content = await openContent(id);
    assert.equal(content.proactive.licensing!.decisions, 12);
    assert.equal(content.proactive.fees!.amount_wan_yuan, 1.5);
    const page = await clerk.get(`/admin/reports/${id}?done=entries`);
    assert.doesNotMatch(findingsOf(page.body), /C1/, 'no blank cells any more');
    assert.match(text(page.body), /永安镇人民政府录入 12，来源：据镇便民服务中心审批台账（永安镇 信息员/);
    assert.ok(page.body.includes('value="据镇便民服务中心审批台账"'));
    // Unchanged → nothing saved.
    r = await act(clerk, id, 'entries', entries({ 'licensing.decisions': '12', 'fees.amount_wan_yuan': '1.5' }, { 'licensing.decisions': '据镇便民服务中心审批台账' }));
    assert.equal(r.headers.location, `/admin/reports/${id}?done=entries_none#h-entries`);
    // Cleared: the cell is blank again.
    r = await act(clerk, id, 'entries', { ...entries({ 'fees.amount_wan_yuan': '1.5' }), 'value.licensing.decisions': '' });
    assert.equal(r.status, 303);
    assert.equal((await openContent(id)).proactive.licensing!.decisions, null);
    assert.ok((await auditCount('report.entry.cleared')) >= 1);
    // A stale version: nothing saved.
    const stale = String((await reportRow(id)).version - 1);
    r = await clerk.post(`/admin/reports/${id}/entries`, { version: stale, ...entries({ 'licensing.decisions': '99' }) });
    assert.equal(r.status, 409);
    assert.ok(r.body.includes('value="99"'));
    assert.equal((await openContent(id)).proactive.licensing!.decisions, null);
    assert.equal(await t.db.kysely.selectFrom('report_entries').select('value').where('cell', '=', 'licensing.decisions').where('year', '=', 2021).executeTakeFirst(), undefined);
    // The regenerate button; stale → 409.
    assert.equal((await act(clerk, id, 'regenerate')).status, 303);
    assert.equal((await clerk.post(`/admin/reports/${id}/regenerate`, { version: stale })).status, 409);
  });

  test('the workflow: prose → submit with errors (422) → fixed → review by others (not the author, not twice) → published → public → revised with a change note → new version public with its history', async () => {
    const clerk = await client('clerk');
    const reviewer = await client('reviewer');
    const head = await client('head');
    const anon = await client();
    const id = await create(clerk, town(), 2025);
    const pub = `/xxgk/reports/${town()}/2025`;
    assert.equal((await anon.get(pub)).status, 404, 'a draft is not public');
    assert.equal((await anon.get(`${pub}/download/json`)).status, 404);
    assert.equal((await anon.get(`/api/v1/reports/${town()}/2025`)).status, 404);

    assert.equal((await act(clerk, id, 'prose', PROSE)).status, 303);
    // Errors (blank entered cells) block submission without a reason.
    let r = await act(clerk, id, 'submit');
    assert.equal(r.status, 422);
    assert.match(text(r.body), /报告有错误，不能提交：C1/);
    assert.match(r.body, /id="act-submit-overrideReason"/);
    assert.equal((await t.db.kysely.selectFrom('annual_report_versions').select('state').where('report_id', '=', id).executeTakeFirstOrThrow()).state, 'draft');
    // Fixed: the figures entered.
    assert.equal((await act(clerk, id, 'entries', entries())).status, 303);
    let page = await clerk.get(`/admin/reports/${id}`);
    assert.doesNotMatch(findingsOf(page.body), /错误/);
    assert.doesNotMatch(page.body, /name="overrideReason"/, 'no override field without errors');
    r = await act(clerk, id, 'submit');
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, `/admin/reports/${id}?done=submit`);
    page = await clerk.get(`/admin/reports/${id}`);
    assert.match(text(page.body), /审核中；第1版审核中：等待第1级「部门负责人审核」审核/);
    assert.doesNotMatch(page.body, /action="\/admin\/reports\/\d+\/prose"/, 'no editing in review');
    r = await postNow(clerk, id, 'review', { conclusion: 'approved', basis: '符合规定' });
    assert.equal(r.status, 403, 'the clerk (the author) does not review');
    assert.equal((await anon.get(pub)).status, 404, 'in review: not public');

    // The list marks it for the reviewer.
    const list = await reviewer.get('/admin/reports?year=2025');
    assert.match(text(list.body), /永安镇人民政府 审核中 待我审核/);
    // … and so does the back-office home, for the reviewer and (as its status) for the clerk.
    assert.match(text((await reviewer.get('/admin')).body), /年度报告 待我审核的2025年度报告 1 份/);
    assert.match(text((await clerk.get('/admin')).body), /永安镇人民政府 ?2025年度报告 审核中，公布期限 2026-01-31/);
    r = await act(reviewer, id, 'review', { conclusion: 'returned', basis: '条例第五十条' });
    assert.equal(r.status, 422);
    assert.match(text(r.body), /退回修改须写明需要修改的内容/);
    assert.ok(r.body.includes('value="条例第五十条"'), 'typed basis kept');
    r = await act(reviewer, id, 'review', { conclusion: 'returned', basis: '条例第五十条', comment: '第五部分请写明具体改进措施的时间安排。' });
    assert.equal(r.headers.location, `/admin/reports/${id}?done=returned`);
    page = await clerk.get(`/admin/reports/${id}`);
    assert.match(text(page.body), /退回修改：永安镇 审核人（第1级「部门负责人审核」/);
    assert.match(text(page.body), /第五部分请写明具体改进措施的时间安排。/);
    assert.equal((await act(clerk, id, 'prose', { ...PROSE, section5: `${PROSE.section5}2026年6月底前完成全员培训。` })).status, 303);
    assert.equal((await act(clerk, id, 'submit')).status, 303);
    r = await act(reviewer, id, 'review', { conclusion: 'approved', basis: '经审查，报告内容与统计数据一致' });
    assert.equal(r.headers.location, `/admin/reports/${id}?done=approved`);
    // Level 2 is the head's: the reviewer has no form and is refused.
    page = await reviewer.get(`/admin/reports/${id}`);
    assert.doesNotMatch(page.body, /id="act-review"/);
    r = await postNow(reviewer, id, 'review', { conclusion: 'approved', basis: '同意' });
    assert.equal(r.status, 403);
    assert.match(text(r.body), /“分管领导审批”环节须由本机关的负责人审核/);
    assert.equal((await postNow(await client('townrev2'), id, 'review', { conclusion: 'approved', basis: '同意' })).status, 403, 'a reviewer is not the head');
    r = await act(head, id, 'review', { conclusion: 'approved', basis: '同意公布' });
    assert.equal(r.headers.location, `/admin/reports/${id}?done=published`);
    page = await clerk.get(`/admin/reports/${id}?done=published`);
    assert.match(text(page.body), /审核同意，报告已在公开平台公布。/);
    assert.match(text(page.body), /公布日期 2026-01-10（第1版）/);
    assert.match(page.body, new RegExp(`<a href="${pub}">`), 'the public link');
    assert.match(page.body, new RegExp(`action="/admin/reports/${id}/revise"`));
    assert.match(text(page.body), /第1轮 第1级 部门负责人审核 永安镇 审核人 .* 退回修改/);
    assert.match(text((await clerk.get('/admin/reports?year=2025')).body), /永安镇人民政府 已公布 2026-01-31 2026-01-10/);
    assert.match(text((await clerk.get('/admin')).body), /永安镇人民政府 ?2025年度报告 已公布（2026-01-10）/);
    assert.doesNotMatch(text((await reviewer.get('/admin')).body), /待我审核的2025年度报告/);

    // Public.
    let p = await anon.get(pub);
    assert.equal(p.status, 200);
    assert.match(p.body, /<h1 class="gk-title" id="nb-title">永安镇人民政府(?:<br\/>)?2025年度政府信息公开工作年度报告<\/h1>/);
    assert.ok(text(p.body).includes('2026年6月底前完成全员培训。'));
    assert.match(text(p.body), /于 2026-01-10 公布，此后未修订。/);
    const api = await anon.get(`/api/v1/reports/${town()}/2025`);
    assert.equal(api.status, 200);
    const json = JSON.parse(api.body) as { version: number; published_on: string; report: { sections: Record<string, string>; proactive: Record<string, Record<string, unknown>> }; downloads: Record<string, string> };
    assert.equal(json.version, 1);
    assert.equal(json.published_on, TODAY);
    assert.equal(json.report.sections['6'], PROSE.section6);
    assert.equal(json.report.proactive.licensing!.decisions, 0);
    assert.equal(json.downloads.pdf, `${pub}/download/pdf`);

    // Revised: a new draft; the public page still shows version 1.
    assert.equal((await act(clerk, id, 'revise')).headers.location, `/admin/reports/${id}?done=revise`);
    assert.equal((await act(clerk, id, 'revise')).status, 409, 'one open version at a time');
    assert.equal((await act(clerk, id, 'prose', { ...PROSE, section6: '无。本年度未收取信息处理费。（修订：补充说明）' })).status, 303);
    page = await clerk.get(`/admin/reports/${id}`);
    assert.match(page.body, /<label for="act-submit-changeNote">修改说明<span class="req"> （必填）<\/span><\/label>/);
    assert.match(text(page.body), /公开平台在新版本经审核公布前，仍显示已公布的版本。/);
    assert.ok(!text((await anon.get(pub)).body).includes('修订：补充说明'), 'the draft revision is not public');
    r = await act(clerk, id, 'submit');
    assert.equal(r.status, 422, 'a later version needs its change note');
    assert.match(text(r.body), /已公布的报告再次公布须写明修改说明/);
    assert.equal((await act(clerk, id, 'submit', { changeNote: '补充第六部分的说明。' })).status, 303);
    assert.equal((await act(reviewer, id, 'review', { conclusion: 'approved', basis: '同意' })).status, 303);
    assert.equal((await act(head, id, 'review', { conclusion: 'approved', basis: '同意' })).headers.location, `/admin/reports/${id}?done=published`);
    p = await anon.get(pub);
    assert.ok(text(p.body).includes('修订：补充说明'));
    assert.match(text(p.body), /第 2 版（现行） 2026-01-10 补充第六部分的说明。 第 1 版 2026-01-10 首次公布/);
    const api2 = JSON.parse((await anon.get(`/api/v1/reports/${town()}/2025`)).body) as { version: number; history: { version: number; change_note: string | null }[] };
    assert.equal(api2.version, 2);
    assert.deepEqual(
      api2.history.map((h) => [h.version, h.change_note]),
      [
        [2, '补充第六部分的说明。'],
        [1, null],
      ],
    );
    assert.ok((await auditCount('report.published')) >= 2);
  });

  test('staff downloads: every format of the version shown (drafts too), audited; unknown format → 404', async () => {
    const clerk = await client('clerk');
    const id = await create(clerk, town(), 2019);
    const before = await auditCount('report.exported');
    for (const [format, type, magic] of [
      ['json', 'application/json', '{'],
      ['html', 'text/html', '<!DOCTYPE html>'],
      ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'PK'],
      ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'PK'],
    ] as const) {
      const r = await t.app.inject({ method: 'GET', url: `/admin/reports/${id}/export/${format}`, headers: { cookie: [...clerk.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      assert.equal(r.statusCode, 200, format);
      assert.ok(String(r.headers['content-type']).startsWith(type), format);
      assert.ok(r.rawPayload.subarray(0, magic.length).toString('latin1') === magic, format);
      assert.match(String(r.headers['content-disposition']), /^attachment; filename="[^"]+"; filename\*=UTF-8''/);
      assert.ok(decodeURIComponent(String(r.headers['content-disposition'])).includes(`永安镇人民政府2019年度政府信息公开工作年度报告.${format}`));
      assert.match(String(r.headers['cache-control']), /no-store/);
    }
    const json = JSON.parse((await clerk.get(`/admin/reports/${id}/export/json`)).body) as { format: string; year: number };
    assert.equal(json.format, '2019', 'the 2019 format for 2019');
    assert.equal(json.year, 2019);
    assert.equal(await auditCount('report.exported'), before + 5);
    const row = await t.db.kysely.selectFrom('audit_log').select(['details', 'ip']).where('action', '=', 'report.exported').orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.match(String(row.details), /"format":"json"/);
    assert.equal(row.ip, clerk.ip);
    for (const bad of ['doc', 'PDF', 'exe', '..%2Fetc']) assert.equal((await clerk.get(`/admin/reports/${id}/export/${bad}`)).status, 404, bad);
    assert.equal(await auditCount('report.exported'), before + 5, 'refused downloads are not audited');
  });
});
