/**
 * The back office of the application desk over HTTP (app.inject), on SQLite or PostgreSQL
 * (TEST_DATABASE_URL): the work queue, staff intake, the case page and its action forms with
 * CSRF and versions, letters (.docx read back with mammoth), the CSV and .xlsx exports (the .xlsx read back with
 * exceljs — our own output only) and the staff JSON
 * API. The desk's clock is fixed (app.deps.now) so that every date is known.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import mammoth from 'mammoth';
import { Client, openTestApp, type TestApp } from '../../test/support/app.js';
import { testDialect } from '../../test/support/db.js';
import type { Actor } from '../accounts/policy.js';
import { createUser, findUserByUsername, grantRole, loadActor } from '../accounts/user.repository.js';
import { findByTracking, registerByStaff, type ServiceDeps } from '../applications/application.service.js';

const PERSON = {
  applicantType: 'natural_person',
  applicantName: '王小明',
  idType: 'resident_id',
  idNumber: '11010519491231002X',
  contactPhone: '13800001234',
  contactAddress: '市中区幸福路88号',
  postcode: '277100',
  description: '请公开2026年永安镇农村道路建设项目的招标文件',
  provisionForm: 'paper',
  delivery: 'post',
};

const XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>';

describe(`back office of the application desk (${testDialect})`, () => {
  let t: TestApp;
  const clock = { today: '2026-12-01' };
  let yongan: number;
  let education: number;
  let clerkActor: Actor;
  let eduClerk: Actor;
  let ip = 0;
  const client = async (user?: string) => {
    const c = new Client(t.app, `10.55.${Math.floor(ip / 200)}.${(ip++ % 200) + 1}`);
    if (user) assert.equal((await c.login(user)).status, 303);
    return c;
  };
  const deps = (): ServiceDeps => ({ calendar: t.app.deps.calendar, now: () => new Date(`${clock.today}T10:00:00+08:00`) });

  /**
   * Registers through the staff form; returns the case id and the case page, which the POST
   * answers directly (it shows the 查询码, which exists only in that response).
   */
  async function registerForm(c: Client, fields: Record<string, string> = {}): Promise<{ id: number; page: string }> {
    const r = await c.post('/admin/applications/new', { agencyId: String(yongan), channel: 'post_signed', submittedOn: '2026-11-02', ...PERSON, ...fields });
    assert.equal(r.status, 200, r.body.slice(0, 2000));
    assert.equal(r.headers['cache-control'], 'no-store');
    const m = /action="\/admin\/applications\/(\d+)\/actions\//.exec(r.body);
    assert.ok(m, 'the case page with its action forms');
    return { id: Number(m[1]), page: r.body };
  }

  /** Registers directly through the service (for setting up cases quickly). */
  async function registerService(fields: Record<string, unknown> = {}, actor = clerkActor, agencyId = yongan) {
    return registerByStaff(t.db, deps(), actor, { agencyId, channel: 'in_person', submittedOn: '2026-11-30', ...PERSON, ...fields });
  }

  const versionOf = (html: string): string => {
    const m = /name="version" value="(\d+)"/.exec(html);
    assert.ok(m, 'the page has an action form with the version');
    return m[1]!;
  };

  /** Posts an action form with the version shown on the case page now. */
  async function act(c: Client, id: number, event: string, fields: Record<string, string>) {
    const page = await c.get(`/admin/applications/${id}`);
    return c.post(`/admin/applications/${id}/actions/${event}`, { version: versionOf(page.body), ...fields });
  }

  async function version(id: number): Promise<number> {
    const r = await t.db.kysely.selectFrom('applications').select('version').where('id', '=', id).executeTakeFirstOrThrow();
    return r.version;
  }

  async function raw(c: Client, url: string) {
    const r = await t.app.inject({ method: 'GET', url, headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }, remoteAddress: c.ip });
    return r;
  }

  async function api(c: Client, method: 'GET' | 'POST', url: string, body?: unknown) {
    const r = await t.app.inject({
      method,
      url,
      headers: {
        cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(method === 'POST' ? { 'content-type': 'application/json', 'x-csrf-token': await c.csrf() } : {}),
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      remoteAddress: c.ip,
    });
    return { status: r.statusCode, json: r.json() as Record<string, unknown> & { fields?: Record<string, string>; error?: string } };
  }

  before(async () => {
    t = await openTestApp();
    t.app.deps.now = () => new Date(`${clock.today}T10:00:00+08:00`);
    const ids = new Map((await t.db.kysely.selectFrom('agencies').select(['id', 'name']).execute()).map((a) => [a.name, a.id]));
    yongan = ids.get('永安镇人民政府')!;
    education = ids.get('市中区教育局')!;
    clerkActor = (await loadActor(t.db.kysely, (await findUserByUsername(t.db.kysely, 'clerk'))!.id))!;
    const eduId = await createUser(t.db.kysely, { username: 'edu-clerk', displayName: '教育局 信息员', passwordHash: 'x' });
    await grantRole(t.db.kysely, eduId, education, 'clerk');
    eduClerk = (await loadActor(t.db.kysely, eduId))!;
  });
  after(async () => {
    await t?.close();
  });

  test('register → correction → corrected → extension (head only) → reply, through the HTML forms; the letters open', async () => {
    clock.today = '2026-12-01';
    const clerk = await client('clerk');
    const form = await clerk.get('/admin/applications/new');
    assert.equal(form.status, 200);
    assert.match(form.body, /<label for="in-applicantName">申请人姓名或名称/);
    assert.match(form.body, /邮寄（签收）/);

    const { id, page } = await registerForm(clerk);
    const tn = /受理编号：<strong class="code">([\d-]+)<\/strong>/.exec(page)?.[1];
    const secret = /查询码：<strong class="code">([A-Z0-9-]+)<\/strong>/.exec(page)?.[1];
    assert.ok(tn && secret, 'the tracking number and the 查询码 are shown after intake');
    assert.ok(await findByTracking(t.db, deps(), tn, secret), 'the 查询码 shown opens the public tracking');
    const again = await clerk.get(`/admin/applications/${id}`);
    assert.doesNotMatch(again.body, /查询码：/, 'the 查询码 is shown only once');
    assert.match(again.body, /收到申请之日/);
    assert.match(again.body, /以签收之日为收到申请之日/, 'the receipt clock explains itself');
    assert.match(again.body, /王小明/);

    let r = await act(clerk, id, 'correction_requested', { date: '2026-11-04', deadline: '2026-11-18', items: '请写明项目名称\n请提供身份证明' });
    assert.equal(r.status, 303, r.body.slice(0, 3000));
    assert.equal(r.headers.location, `/admin/applications/${id}?done=correction_requested#h-timeline`);
    let p = await clerk.get(`/admin/applications/${id}?done=correction_requested`);
    assert.match(p.body, /<p class="flash" role="status">已登记“告知补正”。<\/p>/);
    assert.match(p.body, /待补正/);
    assert.match(p.body, /补正期限至2026-11-18/);
    assert.match(p.body, /视为放弃申请（条例第30条），可记录“逾期未补正”/, 'warnings name events in Chinese');

    r = await act(clerk, id, 'correction_received', { date: '2026-11-10' });
    assert.equal(r.status, 303, r.body.slice(0, 3000));

    // The clerk may not extend: 403, greyed with the reason, nothing written, nothing lost.
    p = await clerk.get(`/admin/applications/${id}`);
    assert.match(p.body, /只有负责人可以批准延期/);
    assert.doesNotMatch(p.body, /actions\/extended"/, 'no extension form for the clerk');
    const before = await version(id);
    r = await clerk.post(`/admin/applications/${id}/actions/extended`, { version: String(before), date: '2026-11-20', days: '15', reason: '需要调取档案核实' });
    assert.equal(r.status, 403);
    assert.match(r.body, /只有负责人可以批准延期/);
    assert.match(r.body, /需要调取档案核实/, 'the typed reason is shown back');
    assert.equal(await version(id), before);

    const head = await client('head');
    r = await act(head, id, 'extended', { date: '2026-11-20', days: '15', reason: '需要调取档案核实' });
    assert.equal(r.status, 303, r.body.slice(0, 3000));
    p = await head.get(`/admin/applications/${id}`);
    assert.match(p.body, /经永安镇党政办 负责人批准延长答复期限15个工作日/);

    // 3.1 has two reply grounds: the form says which is missing, keeps what was typed, writes nothing.
    p = await clerk.get(`/admin/applications/${id}`);
    assert.match(p.body, /<select[^>]*name="ground"/, 'the reply form asks for the reply ground');
    assert.match(p.body, /<option value="already_public">3\.1 予以公开（已主动公开）（条例第三十六条第（一）项）<\/option>/);
    const beforeReply = await version(id);
    r = await act(clerk, id, 'replied', { date: '2026-12-01', outcomeRow: '3.1', ground: '', basis: '', summary: '随本答复书附送招标文件复印件' });
    assert.equal(r.status, 422, r.body.slice(0, 3000));
    assert.match(r.body, /办理结果「3\.1 （一）予以公开」有2种答复依据，请选择/);
    assert.match(r.body, /随本答复书附送招标文件复印件/, 'what was typed is kept');
    assert.equal(await version(id), beforeReply);
    r = await act(clerk, id, 'replied', { date: '2026-12-01', outcomeRow: '3.1', ground: 'not_held', basis: '', summary: '随本答复书附送招标文件复印件' });
    assert.equal(r.status, 422);
    assert.match(r.body, /答复依据「无法提供：本机关不掌握相关政府信息（条例第三十六条第（四）项）」不属于办理结果「3\.1 （一）予以公开」/);
    assert.equal(await version(id), beforeReply);

    r = await act(clerk, id, 'replied', { date: '2026-12-01', outcomeRow: '3.1', ground: 'provided', basis: '', summary: '随本答复书附送招标文件复印件' });
    assert.equal(r.status, 303, r.body.slice(0, 3000));
    p = await clerk.get(`/admin/applications/${id}`);
    assert.match(p.body, /已答复/);
    assert.match(p.body, /（一）予以公开（3\.1）；依据：条例第三十六条第（二）项/, 'an empty basis takes the chosen ground’s article');
    assert.match(p.body, /<dt>答复依据<\/dt>\s*<dd id="case-reply-ground">予以公开（条例第三十六条第（二）项）<\/dd>/, 'the case page shows the recorded ground');
    assert.match(p.body, /已按期答复/);
    for (const kind of ['acceptance', 'correction', 'extension']) assert.match(p.body, new RegExp(`letters/${kind}\\.docx`));
    // One reply letter, with the recorded ground (no choice between the row's two grounds any more).
    assert.match(p.body, /letters\/reply\.docx"/);
    assert.doesNotMatch(p.body, /letters\/reply\.docx\?ground=/);

    // The reply letter: Word, a UTF-8 file name, the agency, the case and its document number.
    // The first letter this agency issues in 2026: serial 1 of its own letter numbers (not the case's).
    const serial = 1;
    const letter = await raw(clerk, `/admin/applications/${id}/letters/reply.docx`);
    assert.equal(letter.statusCode, 200, letter.body);
    assert.match(String(letter.headers['content-type']), /wordprocessingml/);
    assert.match(String(letter.headers['content-disposition']), /^attachment; filename="[^"]+\.docx"; filename\*=UTF-8''[^\s]+%E7%AD%94%E5%A4%8D%E4%B9%A6/);
    const text = (await mammoth.extractRawText({ buffer: letter.rawPayload })).value;
    assert.match(text, /政府信息公开申请答复书/);
    assert.match(text, /永安镇人民政府/);
    assert.ok(text.includes(tn), 'the tracking number is in the letter');
    assert.ok(text.includes(`永安镇人民政府公开〔2026〕第${serial}号`), text);
    assert.match(text, /王小明：/);
    assert.match(text, /市中区人民政府申请行政复议/);
    assert.match(text, /随本答复书附送招标文件复印件/);
    assert.match(text, /属于可以公开的政府信息。根据《中华人民共和国政府信息公开条例》第三十六条第（二）项的规定，本机关予以公开/, 'the recorded ground, not the row’s first');
    assert.doesNotMatch(text, /已经主动公开/);
    // Asking for the recorded ground gives the same letter; the row's other ground is refused.
    assert.equal((await raw(clerk, `/admin/applications/${id}/letters/reply.docx?ground=provided`)).statusCode, 200);
    const other = await raw(clerk, `/admin/applications/${id}/letters/reply.docx?ground=already_public`);
    assert.equal(other.statusCode, 404);
    assert.match(other.body, /本次答复记录的答复依据为「予以公开」（provided），答复书只能按该依据出具/);

    const correction = await raw(clerk, `/admin/applications/${id}/letters/correction.docx`);
    assert.equal(correction.statusCode, 200);
    const ct = (await mammoth.extractRawText({ buffer: correction.rawPayload })).value;
    assert.match(ct, /补正告知书/);
    assert.match(ct, /请写明项目名称/);
    assert.match(ct, /2026年11月18日/);
    const ext = (await mammoth.extractRawText({ buffer: (await raw(clerk, `/admin/applications/${id}/letters/extension.docx`)).rawPayload })).value;
    assert.match(ext, /延长15个工作日/);
    assert.equal((await raw(clerk, `/admin/applications/${id}/letters/acceptance.docx`)).statusCode, 200);
    assert.equal((await raw(clerk, `/admin/applications/${id}/letters/fee.docx`)).statusCode, 404, 'no fee notice was sent');
    assert.equal((await raw(clerk, `/admin/applications/${id}/letters/reply.docx?ground=state_secret`)).statusCode, 404, 'a ground of another row');
    assert.equal((await raw(clerk, `/admin/applications/${id}/letters/nothing.docx`)).statusCode, 404);
  });

  test('an action without the CSRF token is refused; anonymous visitors are sent to the login page', async () => {
    const clerk = await client('clerk');
    const { applicationId } = await registerService();
    const r = await clerk.post(`/admin/applications/${applicationId}/actions/withdrawn`, { version: '1', date: '2026-12-01' }, { csrf: false });
    assert.equal(r.status, 403);
    assert.match(r.body, /CSRF/);
    assert.equal(await version(applicationId), 1);
    const anon = await client();
    const q = await anon.get('/admin/applications');
    assert.equal(q.status, 303);
    assert.match(String(q.headers.location), /^\/login\?next=/);
    assert.equal((await api(anon, 'GET', '/api/v1/applications')).status, 401);
  });

  test('a clerk of 永安镇 cannot see or act on a case of 市中区教育局 (404); the supervisor reads but every action is refused', async () => {
    const edu = await registerService({ description: '教育局的案件 EDU-ONLY' }, eduClerk, education);
    const clerk = await client('clerk');
    for (const url of [`/admin/applications/${edu.applicationId}`, `/admin/applications/${edu.applicationId}/letters/acceptance.docx`]) {
      const r = await clerk.get(url);
      assert.equal(r.status, 404, url);
      assert.doesNotMatch(r.body, /EDU-ONLY|教育局/);
    }
    const post = await clerk.post(`/admin/applications/${edu.applicationId}/actions/withdrawn`, { version: '1', date: '2026-12-01' });
    assert.equal(post.status, 404);
    assert.equal(await version(edu.applicationId), 1);
    const queue = await clerk.get('/admin/applications?state=all&q=EDU-ONLY');
    assert.equal(queue.status, 200);
    assert.match(queue.body, /共 0 件/);
    assert.doesNotMatch(queue.body, new RegExp(`/admin/applications/${edu.applicationId}"`));
    assert.equal((await clerk.get(`/admin/applications?agency=${education}`)).status, 403);
    assert.equal((await api(clerk, 'GET', `/api/v1/applications/${edu.applicationId}`)).status, 404);
    assert.equal((await api(clerk, 'POST', `/api/v1/applications/${edu.applicationId}/actions/withdrawn`, { version: 1, date: '2026-12-01' })).status, 404);
    assert.equal((await clerk.get('/admin/applications/999999999')).status, 404);
    assert.equal((await clerk.get('/admin/applications/99999999999999')).status, 404);
    assert.equal((await clerk.get('/admin/applications/abc')).status, 404);

    const own = await registerService();
    const sup = await client('supervisor');
    const page = await sup.get(`/admin/applications/${own.applicationId}`);
    assert.equal(page.status, 200);
    assert.match(page.body, /王小明/);
    assert.doesNotMatch(page.body, /\/actions\//, 'no action form for a read-only supervisor');
    assert.match(page.body, /您对该机关只有查看权限，不能办理/);
    for (const [event, fields] of [
      ['correction_requested', { date: '2026-12-01', deadline: '2026-12-15', items: '补正' }],
      ['withdrawn', { date: '2026-12-01' }],
      ['extended', { date: '2026-12-01', days: '5', reason: '理由' }],
    ] as const) {
      const r = await sup.post(`/admin/applications/${own.applicationId}/actions/${event}`, { version: '1', ...fields });
      assert.equal(r.status, 403, event);
    }
    assert.equal(await version(own.applicationId), 1);
    const supEdu = await sup.get(`/admin/applications/${edu.applicationId}`);
    assert.equal(supEdu.status, 200, 'the supervisor reads the whole district');
    assert.equal((await sup.get('/admin/applications/new')).body.includes('您没有在任何机关登记申请的权限'), true);
  });

  test('two staff save the same version: the second is told (409), keeps what was typed, the first change stands', async () => {
    const { applicationId: id } = await registerService();
    const clerk = await client('clerk');
    const reviewer = await client('reviewer');
    const seenByClerk = versionOf((await clerk.get(`/admin/applications/${id}`)).body);
    const seenByReviewer = versionOf((await reviewer.get(`/admin/applications/${id}`)).body);
    assert.equal(seenByClerk, seenByReviewer);

    let r = await clerk.post(`/admin/applications/${id}/actions/correction_requested`, { version: seenByClerk, date: '2026-12-01', deadline: '2026-12-15', items: '甲：请写明文件名称' });
    assert.equal(r.status, 303);
    r = await reviewer.post(`/admin/applications/${id}/actions/correction_requested`, { version: seenByReviewer, date: '2026-12-01', deadline: '2026-12-20', items: '乙：请提供身份证明' });
    assert.equal(r.status, 409);
    assert.match(r.body, /该申请已被他人修改，请刷新后重试/);
    assert.match(r.body, /乙：请提供身份证明/, 'what the second one typed is shown back');
    assert.match(r.body, /未保存的内容/);
    const events = await t.db.kysely.selectFrom('application_events').select(['type', 'data']).where('application_id', '=', id).orderBy('id').execute();
    assert.deepEqual(events.map((e) => e.type), ['registered', 'correction_requested']);
    assert.match(String(events[1]!.data), /甲：请写明文件名称/);

    // When the action is still possible the typed values stay in its form, now with the new version.
    const v = versionOf((await reviewer.get(`/admin/applications/${id}`)).body);
    r = await clerk.post(`/admin/applications/${id}/actions/review_filed`, { version: v, kind: 'reconsideration', filedOn: '2026-12-01', caseNumber: '复字甲1号' });
    assert.equal(r.status, 303);
    r = await reviewer.post(`/admin/applications/${id}/actions/review_filed`, { version: v, kind: 'litigation_direct', filedOn: '2026-12-01', caseNumber: '行初乙2号' });
    assert.equal(r.status, 409);
    const form = /<section class="card action active" id="act-review_filed"[\s\S]*?<\/section>/.exec(r.body)?.[0] ?? '';
    assert.match(form, /value="行初乙2号"/);
    assert.match(form, /<option value="litigation_direct" selected/);
    assert.match(form, new RegExp(`name="version" value="${Number(v) + 1}"`));
    assert.equal(await version(id), Number(v) + 1);
  });

  test('HTML in every text field is escaped on the case page and in the queue', async () => {
    const clerk = await client('clerk');
    const { id } = await registerForm(clerk, {
      applicantType: 'commercial',
      applicantName: `公司${XSS}`,
      idType: 'other',
      idNumber: '<B>X</B>',
      contactPerson: '<script>alert(1)</script>',
      contactAddress: XSS,
      description: `XSS-CASE ${XSS}`,
      purpose: XSS,
      note: XSS,
    });
    assert.equal((await act(clerk, id, 'consultation_started', { kind: 'third_party', date: '2026-11-03', party: XSS, note: XSS })).status, 303);
    assert.equal((await act(clerk, id, 'opinion_received', { kind: 'third_party', date: '2026-11-05', opinion: 'consent' })).status, 303);
    assert.equal((await act(clerk, id, 'review_filed', { kind: 'reconsideration', filedOn: '2026-11-06', body: XSS, caseNumber: XSS })).status, 303);
    assert.equal((await act(clerk, id, 'replied', { date: '2026-11-09', outcomeRow: '3.6.3', basis: XSS, summary: XSS, note: XSS })).status, 303);
    for (const url of [`/admin/applications/${id}`, '/admin/applications?state=all&q=XSS-CASE']) {
      const r = await clerk.get(url);
      assert.equal(r.status, 200);
      assert.doesNotMatch(r.body, /<script>alert|<img src=x|<B>X/, url);
      assert.match(r.body, /&lt;script>alert/, url);
    }
    // The letters take the text as text.
    const letter = await raw(clerk, `/admin/applications/${id}/letters/reply.docx`);
    assert.equal(letter.statusCode, 200, letter.body);
    assert.match((await mammoth.extractRawText({ buffer: letter.rawPayload })).value, /<script>alert/);
  });

  test('missing, too long and wrong fields: 422 with a Chinese message per field, values kept, aria-describedby', async () => {
    const clerk = await client('clerk');
    let r = await clerk.post('/admin/applications/new', {});
    assert.equal(r.status, 422);
    for (const msg of ['请选择受理机关', '请选择提交方式', '请填写提交、签收或收到日期', '请选择申请人类型', '请填写申请人姓名或名称', '请填写证件号码', '请填写所需政府信息的名称、文号或特征性描述', '请选择信息的提供形式', '请选择获取信息的方式', '请至少填写一种联系方式']) {
      assert.ok(r.body.includes(msg), msg);
    }
    assert.match(r.body, /<input id="in-applicantName" name="applicantName"[^>]* aria-invalid="true" aria-describedby="in-applicantName-error"\/>/);
    assert.match(r.body, /<p class="field-error" id="in-applicantName-error">请填写申请人姓名或名称<\/p>/);
    assert.match(r.body, /<a href="#in-applicantName">/);

    r = await clerk.post('/admin/applications/new', {
      agencyId: String(yongan),
      channel: 'fax',
      submittedOn: '2026-11-02',
      ...PERSON,
      applicantName: '名'.repeat(101),
      description: '述'.repeat(5001),
      contactPhone: 'call me',
      postcode: '12',
    });
    assert.equal(r.status, 422);
    assert.match(r.body, /申请人姓名或名称不能超过100个字/);
    assert.match(r.body, /所需政府信息的名称、文号或特征性描述不能超过5000个字/);
    assert.match(r.body, /联系电话格式不对/);
    assert.match(r.body, /邮政编码应为6位数字/);
    assert.match(r.body, /传真、电子邮件提交的须填写双方确认的日期/);
    assert.ok(r.body.includes(`value="${'名'.repeat(101)}"`), 'the typed value is kept');
    assert.ok(r.body.includes(`>${'述'.repeat(5001)}</textarea>`));

    r = await clerk.post('/admin/applications/new', { agencyId: String(yongan), channel: 'in_person', ...PERSON, submittedOn: '2026-12-31' });
    assert.equal(r.status, 422);
    assert.match(r.body, /晚于今天（2026-12-01）/);
    r = await clerk.post('/admin/applications/new', { agencyId: String(yongan), channel: 'in_person', ...PERSON, submittedOn: '2026-02-30' });
    assert.equal(r.status, 422);
    assert.match(r.body, /提交、签收或收到日期：/);

    const { applicationId: id } = await registerService();
    r = await act(clerk, id, 'correction_requested', { date: '', deadline: '', items: '' });
    assert.equal(r.status, 422);
    assert.match(r.body, /请填写告知补正日期/);
    assert.match(r.body, /请填写补正期限/);
    assert.match(r.body, /请填写需要补正的事项/);
    assert.match(r.body, /aria-describedby="act-correction_requested-items-hint act-correction_requested-items-error"/);
    r = await act(clerk, id, 'correction_requested', { date: '2026-12-01', deadline: '2026-11-01', items: '项'.repeat(2001) });
    assert.equal(r.status, 422);
    assert.match(r.body, /需要补正的事项不能超过2000个字/);
    assert.match(r.body, /补正期限不能早于告知补正日期/);
    const head = await client('head');
    r = await act(head, id, 'extended', { date: '2026-12-01', days: '二十', reason: '理由' });
    assert.equal(r.status, 422);
    assert.match(r.body, /延长工作日数应为整数/);
    assert.match(r.body, /value="二十"/);
    r = await act(head, id, 'extended', { date: '2026-12-01', days: '21', reason: '理由' });
    assert.equal(r.status, 422);
    assert.match(r.body, /延长工作日数不能大于20/);
    r = await act(clerk, id, 'replied', { date: '2026-12-01', outcomeRow: '3.6.3', basis: '' });
    assert.equal(r.status, 422);
    assert.match(r.body, /请填写法律依据/);
    r = await act(clerk, id, 'replied', { date: '2026-12-01', outcomeRow: '9.9', basis: '依据' });
    assert.equal(r.status, 422);
    assert.match(r.body, /办理结果「9\.9」不是2026年度报告格式/);
    r = await act(clerk, id, 'correction_received', { date: '2026-12-01' });
    assert.equal(r.status, 409, 'not in this state');
    assert.match(r.body, /该申请当前状态为「已登记」/);
    assert.equal(await version(id), 1);
  });

  test('a date in 2027 (a year without holiday data) is accepted and shown as provisional (推算)', async () => {
    clock.today = '2026-12-21';
    try {
      const clerk = await client('clerk');
      const { id, page } = await registerForm(clerk, { submittedOn: '2026-12-18', description: 'Y2027-CASE 跨年的申请' });
      assert.match(page, /（推算：2027年节假日安排尚未录入，按周一至周五计算）/);
      assert.match(page, /2027-01-\d\d<\/strong>（推算）/);
      const r = await act(clerk, id, 'correction_requested', { date: '2026-12-21', deadline: '2027-01-08', items: '请补充' });
      assert.equal(r.status, 303, r.body.slice(0, 2000));
      const p = await clerk.get(`/admin/applications/${id}`);
      assert.match(p.body, /补正期限至2027-01-08/);
      const q = await clerk.get('/admin/applications?state=all&q=Y2027-CASE');
      assert.match(q.body, /Y2027-CASE/);
      const { applicationId } = await registerService({ submittedOn: '2026-12-18', description: 'Y2027-OPEN' });
      const q2 = await clerk.get('/admin/applications?q=Y2027-OPEN');
      assert.match(q2.body, new RegExp(`2027-01-\\d\\d（推算）`));
      assert.match(q2.body, new RegExp(`/admin/applications/${applicationId}"`));
    } finally {
      clock.today = '2026-12-01';
    }
  });

  test('the queue: overdue first in red with the word 已逾期, due soon marked, filters, pagination', async () => {
    const late = await registerService({ submittedOn: '2026-10-09', description: 'ORDER-A 早已逾期' });
    const soon = await registerService({ submittedOn: '2026-11-05', description: 'ORDER-B 即将到期' });
    const fresh = await registerService({ submittedOn: '2026-11-30', description: 'ORDER-C 刚收到' });
    const clerk = await client('clerk');
    const r = await clerk.get('/admin/applications?q=ORDER-');
    assert.equal(r.status, 200);
    const rows = [...r.body.matchAll(/<tr( class="([^"]+)")?><th scope="row"><a href="\/admin\/applications\/(\d+)">/g)].map((m) => ({ cls: m[2] ?? '', id: Number(m[3]) }));
    assert.deepEqual(
      rows.map((x) => x.id),
      [late.applicationId, soon.applicationId, fresh.applicationId],
    );
    assert.deepEqual(
      rows.map((x) => x.cls),
      ['overdue', 'due-soon', ''],
    );
    const lateRow = /<tr class="overdue">[\s\S]*?<\/tr>/.exec(r.body)![0];
    assert.match(lateRow, /已逾期/, 'not colour alone');
    assert.match(lateRow, /ORDER-A/);
    assert.match(/<tr class="due-soon">[\s\S]*?<\/tr>/.exec(r.body)![0], /即将到期/);
    for (const col of ['编号', '收到日期', '申请人类型', '摘要', '状态', '答复期限', '剩余工作日']) assert.match(r.body, new RegExp(`<th scope="col">${col}</th>`));

    const overdue = await clerk.get('/admin/applications?q=ORDER-&overdue=1');
    assert.match(overdue.body, /ORDER-A/);
    assert.doesNotMatch(overdue.body, /ORDER-B|ORDER-C/);
    const closed = await clerk.get('/admin/applications?q=ORDER-&state=closed');
    assert.doesNotMatch(closed.body, /ORDER-A/);
    assert.match(closed.body, /没有符合条件的申请/);
    const bad = await clerk.get(`/admin/applications?state=nonsense&q=${'x'.repeat(101)}`);
    assert.equal(bad.status, 422);
    assert.match(bad.body, /状态「nonsense」无效/);
    assert.match(bad.body, /搜索词不能超过100个字/);

    for (let i = 0; i < 51; i++) await registerService({ description: `PAGE-TEST ${i}` });
    const p1 = await clerk.get('/admin/applications?q=PAGE-TEST');
    assert.match(p1.body, /共 51 件，第 1 \/ 2 页/);
    assert.equal([...p1.body.matchAll(/<th scope="row">/g)].length, 50);
    assert.match(p1.body, /<a href="\/admin\/applications\?q=PAGE-TEST&amp;page=2" rel="next">下一页<\/a>/);
    const p2 = await clerk.get('/admin/applications?q=PAGE-TEST&page=2');
    assert.equal([...p2.body.matchAll(/<th scope="row">/g)].length, 1);
    assert.match(p2.body, /第 2 \/ 2 页/);

    const home = await clerk.get('/admin');
    assert.match(home.body, /<a href="\/admin\/applications">申请工作队列<\/a>办理中 \d+ 件/);
    assert.match(home.body, /其中已逾期 \d+ 件/);
  });

  test('CSV export: BOM, Chinese headers, the filtered rows, formulas neutralised', async () => {
    const a = await registerService({ description: '=HYPERLINK("http://evil.example","点我") CSV-TEST', applicantName: '@SUM(1+1)' });
    const b = await registerService({ description: '-2+3 CSV-TEST, with "quotes"\nand a line break' });
    await registerService({ description: 'NOT-IN-EXPORT' });
    const clerk = await client('clerk');
    const r = await raw(clerk, '/admin/applications/export.csv?q=CSV-TEST');
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /^text\/csv; charset=utf-8/);
    assert.match(String(r.headers['content-disposition']), /filename\*=UTF-8''%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80-2026-12-01\.csv/);
    assert.deepEqual([...r.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const text = r.rawPayload.subarray(3).toString('utf8');
    const lines = text.split('\r\n');
    assert.match(lines[0]!, /^编号,受理机关,提交方式,提交或收到日期,收到申请之日,申请人类型,申请人,所需信息,状态/);
    const tnA = (await t.db.kysely.selectFrom('applications').select('tracking_number').where('id', '=', a.applicationId).executeTakeFirstOrThrow()).tracking_number;
    assert.ok(text.includes(tnA));
    assert.ok(text.includes(`"'=HYPERLINK(""http://evil.example"",""点我"") CSV-TEST"`), text);
    assert.ok(text.includes(",'@SUM(1+1),"));
    assert.ok(text.includes(`"'-2+3 CSV-TEST, with ""quotes""\nand a line break"`));
    assert.ok(!text.includes('NOT-IN-EXPORT'));
    assert.ok(!/(^|,)[=+@]/m.test(text), 'no cell starts with a formula character');
    void b;
    const supervisorCsv = await raw(await client('supervisor'), '/admin/applications/export.csv?q=CSV-TEST');
    assert.equal(supervisorCsv.statusCode, 200);
  });

  test('.xlsx export: the CSV\'s header and rows, typed cells, no formulas, only readable cases; anonymous → login', async () => {
    clock.today = '2026-12-01';
    const plain = await registerService({ description: 'XLSX-TEST plain case' });
    await registerService({ description: '=HYPERLINK("http://evil.example","点我") XLSX-TEST', applicantName: '@SUM(1+1)' });
    await registerService({ description: '+1-2 XLSX-TEST' });
    await registerService({ description: 'XLSX-TEST of education' }, eduClerk, education);
    await registerService({ description: 'NOT-IN-XLSX' });
    const clerk = await client('clerk');
    const r = await raw(clerk, '/admin/applications/export.xlsx?q=XLSX-TEST');
    assert.equal(r.statusCode, 200);
    assert.equal(String(r.headers['content-type']), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.match(String(r.headers['content-disposition']), /^attachment; filename="applications-2026-12-01\.xlsx"; filename\*=UTF-8''%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80-2026-12-01\.xlsx$/);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    assert.equal(ws.views[0]?.state, 'frozen');
    assert.equal((ws.views[0] as { ySplit?: number }).ySplit, 1);
    assert.equal(ws.getCell('A1').font?.bold, true);
    assert.ok((ws.getColumn(8).width ?? 0) >= 40, 'the description column is wide');
    const rows: ExcelJS.CellValue[][] = [];
    ws.eachRow((row) => {
      const cells: ExcelJS.CellValue[] = [];
      for (let i = 1; i <= ws.columnCount; i++) cells.push(row.getCell(i).value);
      rows.push(cells);
    });
    assert.equal(rows.length, 4, 'header + the three cases of 永安镇');
    ws.eachRow((row) => row.eachCell((cell) => {
      assert.notEqual(cell.type, ExcelJS.ValueType.Formula, `no formula in ${cell.address}`);
      assert.equal(cell.formula, undefined);
    }));

    // The same header and rows as the CSV export with the same filter.
    const csv = (await raw(clerk, '/admin/applications/export.csv?q=XLSX-TEST')).rawPayload.subarray(3).toString('utf8');
    const csvLines = csv.split('\r\n');
    const asCsv = (cells: ExcelJS.CellValue[]) => cells.map((v) => (v === null || v === undefined ? '' : String(v))).join(',');
    assert.equal(asCsv(rows[0]!), csvLines[0]);
    const tnPlain = (await t.db.kysely.selectFrom('applications').select('tracking_number').where('id', '=', plain.applicationId).executeTakeFirstOrThrow()).tracking_number;
    const plainRow = rows.find((c) => c[0] === tnPlain);
    assert.ok(plainRow, 'the plain case is exported');
    assert.equal(asCsv(plainRow), csvLines.find((l) => l.startsWith(`${tnPlain},`)));
    // Typed cells: dates as text, numbers as numbers, the overdue flag as 是/否.
    assert.equal(plainRow[3], '2026-11-30');
    assert.equal(ws.getRow(rows.indexOf(plainRow) + 1).getCell(4).type, ExcelJS.ValueType.String);
    assert.equal(plainRow[13], '否');
    for (const v of [plainRow[12], plainRow[14]]) assert.ok(v === null || typeof v === 'number', String(v));

    // Text starting with = + @ stays a plain string, unchanged (no apostrophe, no formula).
    const evil = rows.find((c) => String(c[7]).endsWith('XLSX-TEST') && String(c[7]).startsWith('='));
    assert.ok(evil);
    assert.equal(evil[7], '=HYPERLINK("http://evil.example","点我") XLSX-TEST');
    assert.equal(evil[6], '@SUM(1+1)');
    const evilRow = ws.getRow(rows.indexOf(evil) + 1);
    assert.equal(evilRow.getCell(8).type, ExcelJS.ValueType.String);
    assert.equal(evilRow.getCell(7).type, ExcelJS.ValueType.String);
    assert.ok(rows.some((c) => c[7] === '+1-2 XLSX-TEST'));

    // Only the cases the actor may read; the filter applies.
    const all = rows.map((c) => String(c[7]));
    assert.ok(!all.includes('XLSX-TEST of education'));
    assert.ok(!all.some((d) => d.includes('NOT-IN-XLSX')));

    // The link on the queue page keeps the filters.
    const queue = await clerk.get('/admin/applications?q=XLSX-TEST');
    assert.match(queue.body, /<a href="\/admin\/applications\/export\.xlsx\?q=XLSX-TEST">导出当前筛选结果（Excel）<\/a>/);

    const anon = await client();
    const a = await anon.get('/admin/applications/export.xlsx');
    assert.equal(a.status, 303);
    assert.match(String(a.headers.location), /^\/login\?next=/);
  });

  test('the staff JSON API: queue, case, intake, actions; 422 with fields, 409 on a stale version, 403, 404; in the OpenAPI document', async () => {
    const clerk = await client('clerk');
    let r = await api(clerk, 'POST', '/api/v1/applications/register', { agencyId: yongan, channel: 'email', submittedOn: '2026-11-30', confirmedOn: '2026-11-30', ...PERSON, description: 'API-CASE 接口登记', provisionForm: 'electronic', delivery: 'email', contactEmail: 'wang@example.com' });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const id = r.json.applicationId as number;
    assert.match(String(r.json.trackingNumber), /^\d+-2026-\d{6}$/);
    assert.match(String(r.json.secret), /^[A-Z2-9]{8}$/);

    r = await api(clerk, 'POST', '/api/v1/applications/register', { agencyId: yongan, applicantName: 'x'.repeat(101) });
    assert.equal(r.status, 422);
    assert.equal(r.json.fields?.applicantName, '申请人姓名或名称不能超过100个字');
    assert.equal(r.json.fields?.channel, '请选择提交方式');

    r = await api(clerk, 'GET', '/api/v1/applications?q=API-CASE');
    assert.equal(r.status, 200);
    assert.equal((r.json.items as Array<{ id: number }>)[0]!.id, id);
    r = await api(clerk, 'GET', `/api/v1/applications/${id}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.version, 1);
    assert.equal((r.json.applicant as { name: string }).name, '王小明');
    assert.ok((r.json.actions as Array<{ event: string; permitted: boolean }>).some((a) => a.event === 'extended' && !a.permitted));

    r = await api(clerk, 'POST', `/api/v1/applications/${id}/actions/correction_requested`, { version: 1, date: '2026-12-01', deadline: '2026-12-15', items: '请补充' });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.version, 2);
    assert.equal(r.json.state, 'correction_requested');
    r = await api(clerk, 'POST', `/api/v1/applications/${id}/actions/correction_requested`, { version: 1, date: '2026-12-01', deadline: '2026-12-15', items: '再次' });
    assert.equal(r.status, 409);
    assert.equal(r.json.error, '该申请已被他人修改，请刷新后重试');
    r = await api(clerk, 'POST', `/api/v1/applications/${id}/actions/correction_received`, { version: 2 });
    assert.equal(r.status, 422);
    assert.equal(r.json.fields?.date, '请填写收到补正日期');
    r = await api(clerk, 'POST', `/api/v1/applications/${id}/actions/correction_received`, { version: 2, date: '2026-12-01' });
    assert.equal(r.status, 200);
    r = await api(clerk, 'POST', `/api/v1/applications/${id}/actions/extended`, { version: 3, date: '2026-12-01', days: 10, reason: '理由' });
    assert.equal(r.status, 403);
    r = await api(clerk, 'POST', `/api/v1/applications/${id}/actions/nonsense`, { version: 3 });
    assert.equal(r.status, 404);
    r = await api(await client('supervisor'), 'POST', `/api/v1/applications/${id}/actions/withdrawn`, { version: 3, date: '2026-12-01' });
    assert.equal(r.status, 403);
    assert.equal(await version(id), 3);

    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    assert.ok(doc.paths['/api/v1/applications'].get.security);
    assert.ok(doc.paths['/api/v1/applications/{id}'].get);
    assert.ok(doc.paths['/api/v1/applications/register'].post.requestBody);
    const body = doc.paths['/api/v1/applications/{id}/actions/correction_requested'].post.requestBody.content['application/json'].schema;
    assert.ok(body.properties.version && body.properties.items && body.properties.deadline);
    assert.equal(body.properties.applicationId, undefined, 'the id is in the path');
    assert.ok(doc.paths['/api/v1/applications/{id}/actions/extended'].post);
  });

  test('the staff API records the reply ground (422 for a ground not of the row); staff downloads of letters and attachments are audited', async () => {
    const clerk = await client('clerk');
    const { applicationId: id } = await registerService({ description: '答复依据接口测试' });
    let r = await api(clerk, 'POST', `/api/v1/applications/${id}/actions/replied`, { version: 1, date: '2026-12-01', outcomeRow: '3.4.1', basis: '条例第三十六条' });
    assert.equal(r.status, 422);
    assert.match(r.json.fields?.ground ?? '', /^办理结果「3\.4\.1 （四）无法提供 1\.本机关不掌握相关政府信息」有2种答复依据，请选择：/);
    r = await api(clerk, 'POST', `/api/v1/applications/${id}/actions/replied`, { version: 1, date: '2026-12-01', outcomeRow: '3.4.1', ground: 'provided', basis: '条例第三十六条' });
    assert.equal(r.status, 422);
    assert.match(r.json.fields?.ground ?? '', /不属于办理结果「3\.4\.1/);
    assert.equal(await version(id), 1, 'nothing written');
    r = await api(clerk, 'POST', `/api/v1/applications/${id}/actions/replied`, { version: 1, date: '2026-12-01', outcomeRow: '3.4.1', ground: 'not_responsible', basis: '条例第三十六条第（五）项', summary: '该信息由市中区住房和城乡建设局负责公开。' });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    r = await api(clerk, 'GET', `/api/v1/applications/${id}`);
    assert.deepEqual((r.json.outcome as { ground: unknown }).ground, { id: 'not_responsible', label: '无法提供：不属于本机关负责公开（条例第三十六条第（五）项）' });
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    assert.ok(doc.paths['/api/v1/applications/{id}/actions/replied'].post.requestBody.content['application/json'].schema.properties.ground, 'the reply body documents the ground');

    // The staff letter uses the recorded ground (第（五）项, not the row's first ground 第（四）项).
    const audits = async (action: string) =>
      (await t.db.kysely.selectFrom('audit_log').select(['user_id', 'ip', 'details']).where('action', '=', action).where('subject_id', '=', String(id)).orderBy('id').execute()).map((a) => ({
        ...a,
        details: JSON.parse(a.details ?? '{}') as Record<string, unknown>,
      }));
    for (let i = 0; i < 2; i++) {
      const letter = await raw(clerk, `/admin/applications/${id}/letters/reply.docx`);
      assert.equal(letter.statusCode, 200);
      const text = (await mammoth.extractRawText({ buffer: letter.rawPayload })).value;
      assert.match(text, /不属于本机关负责公开的政府信息/);
      assert.match(text, /第三十六条第（五）项/);
    }
    const letters = await audits('letter.download');
    assert.equal(letters.length, 2, 'every download, not only the first');
    for (const a of letters) {
      assert.equal(a.user_id, clerkActor.userId);
      assert.equal(a.ip, clerk.ip);
      assert.equal(a.details.kind, 'reply');
      assert.equal(a.details.ground, 'not_responsible');
      assert.equal(a.details.by, 'staff');
      assert.match(String(a.details.docNumber), /〔2026〕第\d+号$/);
    }
    assert.equal((await audits('letter.number_issued')).length, 1, 'the number was allocated once');

    const upload = await t.app.inject({
      method: 'POST',
      url: `/admin/applications/${id}/attachments?_csrf=${await clerk.csrf()}`,
      headers: {
        cookie: [...clerk.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        accept: 'application/json',
        'content-type': 'multipart/form-data; boundary=XX',
      },
      payload: '--XX\r\nContent-Disposition: form-data; name="file"; filename="王小明的材料.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n\r\n--XX--\r\n',
      remoteAddress: clerk.ip,
    });
    assert.equal(upload.statusCode, 200, upload.body);
    const attachmentId = (upload.json() as { id: number }).id;
    assert.equal((await raw(clerk, `/admin/attachments/${attachmentId}`)).statusCode, 200);
    const files = await audits('attachment.download');
    assert.equal(files.length, 1);
    assert.equal(files[0]!.user_id, clerkActor.userId);
    assert.equal(files[0]!.ip, clerk.ip);
    assert.equal(files[0]!.details.attachmentId, attachmentId);
    assert.equal(files[0]!.details.by, 'staff');
    assert.doesNotMatch(JSON.stringify(files), /王小明/, 'no file name (it may name people) in the audit log');
    // A refused download is not a download.
    assert.equal((await raw(await client('supervisor'), `/admin/attachments/${attachmentId + 1000}`)).statusCode, 404);
    assert.equal((await audits('attachment.download')).length, 1);
  });
});
