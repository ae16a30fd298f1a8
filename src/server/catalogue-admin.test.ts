/**
 * The back office of the catalogue over HTTP (app.inject), on SQLite or PostgreSQL
 * (TEST_DATABASE_URL), with the demo agencies and users: the draft form, the item page and its
 * actions with CSRF and versions, review through the town's two levels to publication, who may
 * see and do what, escaping, bad input, the conflict message, the word check, uploads, the list.
 * The clock is fixed (app.deps.now): 2026-11-16, a Monday.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Document, Packer, Paragraph } from 'docx';
import type { Actor } from '../accounts/policy.js';
import { createUser, findUserByUsername, grantRole, loadActor } from '../accounts/user.repository.js';
import { createDraft, review, submit, type CatalogueDeps } from '../catalogue/catalogue.service.js';
import { findPublicItem } from '../catalogue/visibility.js';
import { Client, openTestApp, type Res, type TestApp } from '../../test/support/app.js';
import { testDialect } from '../../test/support/db.js';
import { multipart } from '../../test/support/multipart.js';
import { cjkPdf } from '../../test/support/pdf.js';
import { fakeDocx } from '../../test/support/zip.js';

const TODAY = '2026-11-16';
const XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

/** The page's text without tags (for messages that contain quotes or markup around them). */
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/\s+/g, ' ');

describe(`back office of the catalogue (${testDialect})`, () => {
  let t: TestApp;
  const ids = new Map<string, number>();
  let ip = 0;
  const deps = (): CatalogueDeps => ({ calendar: t.app.deps.calendar, now: () => new Date(`${TODAY}T10:00:00+08:00`) });
  const client = async (user?: string) => {
    const c = new Client(t.app, `10.77.${Math.floor(ip / 200)}.${(ip++ % 200) + 1}`);
    if (user) assert.equal((await c.login(user)).status, 303, `login ${user}`);
    return c;
  };
  const actor = async (username: string): Promise<Actor> => (await loadActor(t.db.kysely, (await findUserByUsername(t.db.kysely, username))!.id))!;
  const versionOf = (html: string): string => {
    const m = /name="version" value="(\d+)"/.exec(html);
    assert.ok(m, 'a form with the item version');
    return m[1]!;
  };
  const fields = (over: Record<string, string> = {}) => ({
    agencyId: String(ids.get('永安村民委员会')),
    title: '永安村2026年第四季度财务公开',
    summary: '公开本村第四季度财务收支。',
    category: 'art20.7',
    subject: '财政、金融、审计',
    disclosure: 'active',
    validity: 'valid',
    formedOn: TODAY,
    body: '一、收入……二、支出……',
    ...over,
  });
  /** A draft through the form; returns its id. */
  async function draftForm(c: Client, over: Record<string, string> = {}): Promise<number> {
    const r = await c.post('/admin/catalogue/new', fields(over));
    assert.equal(r.status, 303, text(r.body).slice(0, 2000));
    const m = /^\/admin\/catalogue\/(\d+)\?done=created$/.exec(String(r.headers.location));
    assert.ok(m, String(r.headers.location));
    return Number(m[1]);
  }
  /** Posts an item action with the version shown on the item page now. */
  async function act(c: Client, id: number, action: string, form: Record<string, string> = {}) {
    const page = await c.get(`/admin/catalogue/${id}`);
    assert.equal(page.status, 200);
    return c.post(`/admin/catalogue/${id}/${action}`, { version: versionOf(page.body), ...form });
  }
  async function upload(c: Client, id: number, file: { name: string; data: Buffer }, opts: { csrf?: boolean; version?: string; json?: boolean } = {}) {
    const version = opts.version ?? versionOf((await c.get(`/admin/catalogue/${id}`)).body);
    const token = await c.csrf();
    const { payload, contentType } = multipart({ version }, file);
    const r = await t.app.inject({
      method: 'POST',
      url: `/admin/catalogue/${id}/files${opts.csrf === false ? '' : `?_csrf=${encodeURIComponent(token)}`}`,
      headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': contentType, ...(opts.json ? { accept: 'application/json' } : {}) },
      payload,
      remoteAddress: c.ip,
    });
    return { status: r.statusCode, body: r.body, headers: r.headers, raw: r };
  }
  const itemVersion = async (id: number) => (await t.db.kysely.selectFrom('catalogue_items').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version;
  const fileCount = async () => Number((await t.db.kysely.selectFrom('catalogue_files').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const storedBlobs = () => readdirSync(t.app.deps.files.dir, { recursive: true }).filter((f) => /[0-9a-f]{64}$/.test(String(f))).length;
  /** A village item submitted for review through the service (for tests that start there). */
  async function inReview(title: string, author = 'village', agency = '永安村民委员会') {
    const d = await createDraft(t.db, deps(), await actor(author), { ...fields({ title }), agencyId: ids.get(agency) });
    return submit(t.db, deps(), await actor(author), d.itemId, { version: d.version });
  }

  before(async () => {
    t = await openTestApp();
    t.app.deps.now = () => new Date(`${TODAY}T10:00:00+08:00`);
    for (const a of await t.db.kysely.selectFrom('agencies').select(['id', 'name']).execute()) ids.set(a.name, a.id);
    for (const [username, name, agency] of [
      ['xinhua', '新华村 信息员', '新华村民委员会'],
      ['edu', '教育局 信息员', '市中区教育局'],
    ] as const) {
      const id = await createUser(t.db.kysely, { username, displayName: name, passwordHash: (await findUserByUsername(t.db.kysely, 'clerk'))!.password_hash });
      await grantRole(t.db.kysely, id, ids.get(agency)!, 'clerk');
    }
  });
  after(async () => {
    await t?.close();
  });

  test('a village clerk drafts; the town reviewer returns it; fixed and resubmitted; two levels approve; published with its 索引号', async () => {
    const village = await client('village');
    const form = await village.get('/admin/catalogue/new');
    assert.equal(form.status, 200);
    assert.match(form.body, /<label for="d-title">名称<span class="req"> （必填）<\/span><\/label>/);
    assert.match(form.body, new RegExp(`<option value="${ids.get('永安村民委员会')}" selected>永安村民委员会</option>`), 'the only agency, chosen');
    assert.doesNotMatch(form.body, /新华村民委员会|永安镇人民政府/, 'only agencies the clerk may draft for');
    assert.match(form.body, /<optgroup label="条例第二十一条（乡镇人民政府）">/);
    assert.doesNotMatch(form.body, /县级以上人民政府及其部门/, "a village's categories only");
    assert.match(form.body, new RegExp(`name="formedOn" type="date" value="${TODAY}"`));

    const id = await draftForm(village);
    let page = await village.get(`/admin/catalogue/${id}?done=created`);
    assert.match(page.body, /<p class="flash" role="status">已保存草稿。/);
    assert.match(text(page.body), /剩余 20 个工作日/);
    assert.match(text(page.body), /应于 2026-12-14 前公开/);
    assert.match(text(page.body), /1\. 乡镇（街道）审核（上级机关的审核人）；2\. 乡镇（街道）负责人审批（上级机关的负责人）/);
    let r = await act(village, id, 'submit');
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, `/admin/catalogue/${id}?done=submit`);
    page = await village.get(`/admin/catalogue/${id}`);
    assert.match(text(page.body), /审核中：第1级 乡镇（街道）审核/);
    assert.doesNotMatch(page.body, /id="act-review"/, 'the clerk has no review form');
    assert.doesNotMatch(page.body, /action="\/admin\/catalogue\/\d+\/files\?/, 'no uploads while in review');

    const reviewer = await client('reviewer');
    const queue = await reviewer.get('/admin/catalogue?filter=to_review');
    assert.match(queue.body, new RegExp(`<a href="/admin/catalogue/${id}">永安村2026年第四季度财务公开</a>`));
    assert.match(queue.body, /<td data-label="机关">永安村民委员会<\/td>/);
    r = await act(reviewer, id, 'review', { conclusion: 'returned', basis: '条例第二十条' });
    assert.equal(r.status, 422, 'returning needs a comment');
    assert.match(r.body, /退回修改须写明需要修改的内容/);
    assert.match(r.body, /id="act-review-basis"[^>]*value="条例第二十条"|value="条例第二十条"/, 'what was typed stays');
    assert.match(r.body, /id="act-review-conclusion-returned" name="conclusion" value="returned" checked/);
    r = await act(reviewer, id, 'review', { conclusion: 'returned', basis: '条例第二十条', comment: '请补充支出明细' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, `/admin/catalogue/${id}?done=returned`);

    page = await village.get(`/admin/catalogue/${id}`);
    assert.match(text(page.body), /已退回修改/);
    assert.match(text(page.body), /第1轮 第1级 乡镇（街道）审核 永安镇 审核人 2026-11-16 10:00 退回修改 条例第二十条 请补充支出明细/);
    const edit = await village.get(`/admin/catalogue/${id}/edit`);
    assert.equal(edit.status, 200);
    assert.match(edit.body, /<textarea id="d-body" name="body"[^>]*>一、收入……二、支出……<\/textarea>/);
    r = await village.post(`/admin/catalogue/${id}/edit`, { ...fields({ body: '一、收入……二、支出明细……' }), version: versionOf(edit.body) });
    assert.equal(r.status, 303);
    assert.equal((await act(village, id, 'submit')).status, 303);

    r = await act(reviewer, id, 'review', { conclusion: 'approved', basis: '符合条例第二十条，可以公开' });
    assert.equal(r.headers.location, `/admin/catalogue/${id}?done=approved`);
    const head = await client('head');
    assert.match((await head.get('/admin/catalogue?filter=to_review')).body, new RegExp(`/admin/catalogue/${id}"`));
    r = await act(head, id, 'review', { conclusion: 'approved', basis: '同意公开' });
    assert.equal(r.headers.location, `/admin/catalogue/${id}?done=published`);
    page = await head.get(`/admin/catalogue/${id}?done=published`);
    assert.match(page.body, /信息已在公开平台发布/);
    assert.match(text(page.body), /索引号 543704020040000301-07-2026-0001/);
    assert.match(text(page.body), /第2轮 第1级 乡镇（街道）审核 永安镇 审核人 .* 同意 符合条例第二十条，可以公开/);
    assert.match(text(page.body), /第2轮 第2级 乡镇（街道）负责人审批 永安镇党政办 负责人 .* 同意 同意公开/);
    const published = await village.get('/admin/catalogue?filter=published');
    assert.match(published.body, /<td data-label="索引号">543704020040000301-07-2026-0001<\/td>/);
    assert.equal((await findPublicItem(t.db.kysely, id))?.body, '一、收入……二、支出明细……');
  });

  test("who sees what: other agencies' staff get 404; a clerk cannot review; nobody reviews their own draft; the supervisor only reads", async () => {
    const s = await inReview('仅本村和镇可见');
    const id = s.itemId;
    for (const user of ['edu', 'xinhua', 'clerk']) {
      const c = await client(user);
      const page = await c.get(`/admin/catalogue/${id}`);
      assert.equal(page.status, 404, user);
      assert.doesNotMatch(page.body, /仅本村和镇可见/);
      assert.equal((await c.get(`/admin/catalogue/${id}/edit`)).status, 404);
      assert.equal((await c.post(`/admin/catalogue/${id}/review`, { version: String(s.version), conclusion: 'approved', basis: '同意' })).status, 404);
      assert.equal((await c.post(`/admin/catalogue/${id}/discard`, { version: String(s.version) })).status, 404);
      assert.doesNotMatch((await c.get('/admin/catalogue?filter=all')).body, /仅本村和镇可见/, `${user}'s list`);
    }
    const village = await client('village');
    let r = await village.post(`/admin/catalogue/${id}/review`, { version: String(s.version), conclusion: 'approved', basis: '同意' });
    assert.equal(r.status, 403);
    assert.match(text(r.body), /“乡镇（街道）审核”环节须由上级机关的审核人审核/);
    const sup = await client('supervisor');
    const seen = await sup.get(`/admin/catalogue/${id}`);
    assert.equal(seen.status, 200, 'the supervisor reads the district');
    assert.match(seen.body, /您对该信息没有可以办理的事项|正在等待/);
    assert.doesNotMatch(seen.body, /<form method="post" action="\/admin\/catalogue\/\d+\//);
    r = await sup.post(`/admin/catalogue/${id}/review`, { version: String(s.version), conclusion: 'approved', basis: '同意' });
    assert.equal(r.status, 403);
    assert.equal(await itemVersion(id), s.version, 'nothing changed');

    // The town's reviewer drafts for the town: no review form for them, and no review by them.
    const own = await inReview('审核人自己起草', 'reviewer', '永安镇人民政府');
    const reviewer = await client('reviewer');
    const page = await reviewer.get(`/admin/catalogue/${own.itemId}`);
    assert.doesNotMatch(page.body, /id="act-review"/);
    r = await reviewer.post(`/admin/catalogue/${own.itemId}/review`, { version: String(own.version), conclusion: 'approved', basis: '同意' });
    assert.equal(r.status, 403);
    assert.match(r.body, /不能审核自己起草的信息/);
    r = await (await client('clerk')).post(`/admin/catalogue/${own.itemId}/review`, { version: String(own.version), conclusion: 'approved', basis: '同意' });
    assert.equal(r.status, 403, 'a clerk cannot review');
    assert.match(text(r.body), /“部门负责人审核”环节须由本机关的审核人审核/);
    assert.equal(await itemVersion(own.itemId), own.version);

    // Drafting for an agency one may not handle.
    r = await village.post('/admin/catalogue/new', fields({ agencyId: String(ids.get('新华村民委员会')), title: '冒名起草' }));
    assert.equal(r.status, 403);
    assert.match(r.body, /您不能以该机关的名义起草信息/);
    assert.equal((await sup.get('/admin/catalogue/new')).body.includes('您没有在任何机关起草公开信息的权限'), true);
    // Anonymous visitors go to the login page.
    const anon = await client();
    for (const url of ['/admin/catalogue', '/admin/catalogue/new', `/admin/catalogue/${id}`, `/admin/catalogue/${id}/edit`]) {
      const a = await anon.get(url);
      assert.equal(a.status, 303, url);
      assert.match(String(a.headers.location), /^\/login\?next=/);
    }
    assert.equal((await village.get('/admin/catalogue/99999999999')).status, 404);
    assert.equal((await village.get('/admin/catalogue/abc')).status, 404);
  });

  test('without the CSRF token every form is refused and nothing changes', async () => {
    const d = await createDraft(t.db, deps(), await actor('village'), fields({ title: 'CSRF 测试' }));
    const village = await client('village');
    const admin = await client('admin');
    const v = String(d.version);
    const before = await t.db.kysely.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const posts: Array<[string, Record<string, string>]> = [
      ['/admin/catalogue/new', fields({ title: 'CSRF 新建' })],
      [`/admin/catalogue/${d.itemId}/edit`, { ...fields(), version: v }],
      [`/admin/catalogue/${d.itemId}/submit`, { version: v }],
      [`/admin/catalogue/${d.itemId}/discard`, { version: v }],
      [`/admin/catalogue/${d.itemId}/files/1/remove`, { version: v }],
    ];
    for (const [url, form] of posts) {
      const r = await village.post(url, form, { csrf: false });
      assert.equal(r.status, 403, url);
      assert.match(r.body, /CSRF/);
    }
    assert.equal((await admin.post('/admin/catalogue/words', { word: '测试', kind: 'sensitive' }, { csrf: false })).status, 403);
    assert.equal((await admin.post(`/admin/agencies/${ids.get('永安镇人民政府')}/catalogue`, { indexPattern: 'X-{year}-{serial}' }, { csrf: false })).status, 403);
    const up = await upload(village, d.itemId, { name: 'a.pdf', data: cjkPdf(['x']) }, { csrf: false });
    assert.equal(up.status, 403);
    assert.equal(await itemVersion(d.itemId), d.version);
    const after = await t.db.kysely.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(after.n), Number(before.n));
  });

  test('HTML in every field is shown as text: form, item page, list, timeline', async () => {
    const village = await client('village');
    const id = await draftForm(village, {
      title: `XSS-标题 ${XSS}`,
      summary: XSS,
      body: XSS,
      docNumber: XSS.slice(0, 90),
      publisher: XSS.slice(0, 90),
      validity: 'repealed',
      validityOn: TODAY,
      repealedBy: XSS,
    });
    const up = await upload(village, id, { name: '<script>alert(1)</script>.pdf', data: cjkPdf(['x']) });
    assert.equal(up.status, 303);
    assert.equal((await act(village, id, 'submit')).status, 303);
    const reviewer = await client('reviewer');
    assert.equal((await act(reviewer, id, 'review', { conclusion: 'returned', basis: XSS, comment: XSS })).status, 303);
    const pages = [
      await village.get(`/admin/catalogue/${id}`),
      await village.get(`/admin/catalogue/${id}/edit`),
      await village.get('/admin/catalogue?q=XSS-'),
      await reviewer.get('/admin/catalogue?filter=all'),
    ];
    for (const p of pages) {
      assert.equal(p.status, 200);
      assert.doesNotMatch(p.body, /<script>alert|<img src=x/);
    }
    assert.match(pages[0]!.body, /&lt;script>alert\(&quot;x&quot;\)&lt;\/script>/);
    assert.match(pages[2]!.body, /XSS-标题 &lt;script>/);
    // A refused form shows the typed markup escaped too.
    const bad = await village.post('/admin/catalogue/new', fields({ title: '', summary: XSS }));
    assert.equal(bad.status, 422);
    assert.doesNotMatch(bad.body, /<script>alert|<img src=x/);
  });

  test('bad input: each field refused with its Chinese message next to it; what was typed stays', async () => {
    const village = await client('village');
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ title: '' }, 'title', /请填写名称/],
      [{ title: '长'.repeat(201) }, 'title', /名称不能超过200个字/],
      [{ summary: '' }, 'summary', /请填写内容概述/],
      [{ body: '文'.repeat(200_001) }, 'body', /正文不能超过200000个字/],
      [{ category: '' }, 'category', /请选择信息类别/],
      [{ category: 'art21.county.1' }, 'category', /不适用于本机关/],
      [{ category: 'art99' }, 'category', /信息类别「art99」无效/],
      [{ subject: '火星事务' }, 'subject', /主题分类「火星事务」无效/],
      [{ disclosure: 'secret' }, 'disclosure', /公开属性「secret」无效/],
      [{ validity: 'expired' }, 'validityOn', /失效或废止的信息须填写有效性变更日期/],
      [{ validity: 'repealed', validityOn: TODAY }, 'repealedBy', /废止的信息须填写废止它的文件/],
      [{ validityOn: '2026-02-30' }, 'validityOn', /有效性变更日期/],
      [{ writtenOn: '2026-11-17' }, 'writtenOn', /成文日期 2026-11-17 晚于今天（2026-11-16）/],
      [{ formedOn: '' }, 'formedOn', /请填写信息形成（变更）日期/],
      [{ formedOn: '明天' }, 'formedOn', /信息形成（变更）日期/],
      [{ formedOn: '2026-11-20' }, 'formedOn', /晚于今天/],
      [{ docNumber: '号'.repeat(101) }, 'docNumber', /文号不能超过100个字/],
      [{ publisher: '机'.repeat(101) }, 'publisher', /发布机构不能超过100个字/],
      [{ indexNumber: '索引 号' }, 'indexNumber', /索引号只能由字母、数字和/],
      [{ agencyId: '' }, 'agencyId', /机关/],
      [{ agencyId: '99999999999' }, 'agencyId', /所选机关不存在/],
    ];
    const before = await t.db.kysely.selectFrom('catalogue_items').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    for (const [over, field, message] of cases) {
      const r = await village.post('/admin/catalogue/new', fields({ title: '保留我填写的名称', ...over }));
      const what = JSON.stringify(over).slice(0, 80);
      assert.ok(r.status === 422 || r.status === 403, `${what}: ${r.status}`);
      if (r.status === 403) continue;
      assert.match(text(r.body), message, what);
      assert.match(r.body, new RegExp(`id="d-${field}"[^>]*aria-invalid="true"`), `${what}: ${field} marked`);
      assert.match(r.body, new RegExp(`<a href="#d-${field}">`), `${what}: linked from the summary`);
      if (!('title' in over)) assert.match(r.body, /value="保留我填写的名称"/, `${what}: values kept`);
    }
    const after = await t.db.kysely.selectFrom('catalogue_items').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(after.n), Number(before.n), 'nothing stored');
  });

  test('two people save the same draft: the second sees the conflict message, keeps what they typed, and sees what is saved', async () => {
    const village = await client('village');
    const id = await draftForm(village, { title: '并发修改' });
    const a = await village.get(`/admin/catalogue/${id}/edit`);
    const other = await client('village');
    const b = await other.get(`/admin/catalogue/${id}/edit`);
    assert.equal(versionOf(a.body), versionOf(b.body));
    let r = await village.post(`/admin/catalogue/${id}/edit`, { ...fields({ title: '甲改的名称' }), version: versionOf(a.body) });
    assert.equal(r.status, 303);
    r = await other.post(`/admin/catalogue/${id}/edit`, { ...fields({ title: '乙改的名称', summary: '乙写的概述' }), version: versionOf(b.body) });
    assert.equal(r.status, 409);
    assert.match(r.body, /该信息已被他人修改，请刷新后重试（您的修改未保存）/);
    assert.match(r.body, /id="d-title" name="title" type="text" value="乙改的名称"/, 'what the second one typed');
    assert.match(r.body, /当前已保存的内容[\s\S]*甲改的名称/, 'what is saved now');
    assert.equal(versionOf(r.body), String(await itemVersion(id)), 'the form now carries the current version');
    assert.equal((await t.db.kysely.selectFrom('catalogue_versions').select('title').where('item_id', '=', id).executeTakeFirstOrThrow()).title, '甲改的名称');
    // Saving again, knowingly, overwrites.
    r = await other.post(`/admin/catalogue/${id}/edit`, { ...fields({ title: '乙改的名称' }), version: versionOf(r.body) });
    assert.equal(r.status, 303);
    // An action form sent with a stale version is refused the same way.
    r = await village.post(`/admin/catalogue/${id}/submit`, { version: versionOf(a.body) });
    assert.equal(r.status, 409);
    assert.match(r.body, /该信息已被他人修改，请刷新后重试/);
    // Editing while in review is refused with the reason, and what was typed is still shown.
    assert.equal((await act(village, id, 'submit')).status, 303);
    r = await village.post(`/admin/catalogue/${id}/edit`, { ...fields({ title: '审核中改' }), version: String(await itemVersion(id)) });
    assert.equal(r.status, 409);
    assert.match(r.body, /正在审核中，不能修改/);
    assert.match(r.body, /value="审核中改"/);
    assert.equal((await village.get(`/admin/catalogue/${id}/edit`)).status, 409);
  });

  test('the word check: a suspected typo needs 已核对; a sensitive word blocks submission', async () => {
    const admin = await client('admin');
    assert.equal((await admin.post('/admin/catalogue/words', { word: '按排', kind: 'typo', suggestion: '安排' })).status, 303);
    assert.equal((await admin.post('/admin/catalogue/words', { word: '绝密', kind: 'sensitive' })).status, 303);
    try {
      const village = await client('village');
      const id = await draftForm(village, { title: '植树活动', body: '现将活动按排如下' });
      let page = await village.get(`/admin/catalogue/${id}`);
      assert.match(text(page.body), /发现疑似错别字，请逐一核对： 「按排」应为「安排」，在正文中出现1次/);
      assert.match(page.body, /<input id="act-submit-confirm" name="confirmWords" type="checkbox" value="1"/);
      let r = await act(village, id, 'submit');
      assert.equal(r.status, 422);
      assert.match(text(r.body), /发现疑似错别字：「按排」应为「安排」（正文）。请核对，确认无误后勾选“已核对”再提交。/);
      assert.match(r.body, /id="act-submit-confirm"[^>]*aria-invalid="true"/);
      r = await act(village, id, 'submit', { confirmWords: '1' });
      assert.equal(r.status, 303);

      const bad = await draftForm(village, { title: '含绝密字样', body: '正文' });
      page = await village.get(`/admin/catalogue/${bad}`);
      assert.match(text(page.body), /含有敏感词，不能提交，请修改后再提交： 「绝密」在名称中出现1次/);
      assert.doesNotMatch(page.body, new RegExp(`action="/admin/catalogue/${bad}/submit"`), 'no submit button');
      r = await act(village, bad, 'submit', { confirmWords: '1' });
      assert.equal(r.status, 422);
      assert.match(text(r.body), /含有敏感词，不能提交：「绝密」（名称）/);
    } finally {
      await t.db.kysely.deleteFrom('sensitive_words').execute();
    }
  });

  test('uploads: PDF and .docx with their text; a zip bomb, a lying extension and an oversize file refused, nothing stored', async () => {
    const village = await client('village');
    const id = await draftForm(village, { title: '附件上传' });
    const pdf = cjkPdf(['永安村第四季度财务收支明细']);
    let r: Res = await upload(village, id, { name: '财务明细.pdf', data: pdf });
    assert.equal(r.status, 303, r.body.slice(0, 500));
    assert.equal(r.headers.location, `/admin/catalogue/${id}?done=upload#files`);
    const docx = await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph('关于村级财务公开的说明')] }] }));
    r = await upload(village, id, { name: '说明.docx', data: docx });
    assert.equal(r.status, 303);
    const rows = await t.db.kysely.selectFrom('catalogue_files as f').innerJoin('catalogue_versions as v', 'v.id', 'f.version_id').select(['f.id', 'f.filename', 'f.text']).where('v.item_id', '=', id).orderBy('f.id').execute();
    assert.deepEqual(
      rows.map((x) => [x.filename, x.text]),
      [
        ['财务明细.pdf', '永安村第四季度财务收支明细'],
        ['说明.docx', '关于村级财务公开的说明'],
      ],
    );
    let page = await village.get(`/admin/catalogue/${id}`);
    assert.match(page.body, new RegExp(`<a href="/admin/catalogue/${id}/files/${rows[0]!.id}" download>财务明细.pdf</a>`));
    assert.match(text(page.body), /已提取文字供检索/);
    const dl = await t.app.inject({ method: 'GET', url: `/admin/catalogue/${id}/files/${rows[0]!.id}`, headers: { cookie: [...village.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    assert.equal(dl.statusCode, 200);
    assert.deepEqual(dl.rawPayload, pdf);
    assert.equal(dl.headers['content-type'], 'application/pdf');
    assert.match(String(dl.headers['content-disposition']), /^attachment; filename="[^"]*\.pdf"; filename\*=UTF-8''%E8%B4%A2/);

    const files = await fileCount();
    const blobs = storedBlobs();
    const version = await itemVersion(id);
    const bomb = fakeDocx([{ name: 'word/media/image1.xml', data: Buffer.alloc(20 * 1024 * 1024), deflate: true }]);
    const refused: Array<[string, Buffer, number, RegExp]> = [
      ['炸弹.docx', bomb, 422, /文件压缩比异常，疑似压缩炸弹/],
      ['照片.pdf', PNG, 422, /文件扩展名 \.pdf 与文件内容（PNG 图片）不符/],
      ['批复.pdf', Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), 422, /可执行程序不能作为附件/],
      ['大文件.pdf', Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(6 * 1024 * 1024, 0x20)]), 413, /文件过大（超过 5 MB），请压缩或拆分后再上传/],
    ];
    for (const [name, data, status, message] of refused) {
      r = await upload(village, id, { name, data });
      assert.equal(r.status, status, name);
      assert.match(text(r.body), message, name);
      assert.match(r.body, /id="upload-file"[^>]*aria-invalid="true"/, `${name}: the file field is marked`);
      const j = await upload(village, id, { name, data }, { json: true });
      assert.equal(j.status, status);
      assert.match(JSON.stringify(j.raw.json()), message);
    }
    assert.equal(await fileCount(), files, 'no row');
    assert.equal(storedBlobs(), blobs, 'no bytes');
    assert.equal(await itemVersion(id), version);

    // Removing: the version moves; a stale form is refused.
    r = await village.post(`/admin/catalogue/${id}/files/${rows[1]!.id}/remove`, { version: String(version) });
    assert.equal(r.status, 303);
    r = await village.post(`/admin/catalogue/${id}/files/${rows[0]!.id}/remove`, { version: String(version) });
    assert.equal(r.status, 409);
    assert.match(r.body, /该信息已被他人修改/);
    page = await village.get(`/admin/catalogue/${id}?done=remove_file`);
    assert.match(page.body, /已删除附件。/);
    assert.doesNotMatch(page.body, /说明\.docx/);
    // Another agency's clerk: no upload, no download.
    const edu = await client('edu');
    assert.equal((await upload(edu, id, { name: 'a.pdf', data: pdf }, { version: String(version + 1) })).status, 404);
    assert.equal((await edu.get(`/admin/catalogue/${id}/files/${rows[0]!.id}`)).status, 404);
    // Nothing to upload.
    r = await upload(village, id, { name: '', data: Buffer.alloc(0) });
    assert.equal(r.status, 400);
    assert.match(text(r.body), /请选择要上传的文件/);
  });

  test('revise, discard and withdraw through the forms', async () => {
    const s = await inReview('修订和撤回');
    const [reviewer, head] = [await actor('reviewer'), await actor('head')];
    const l1 = await review(t.db, deps(), reviewer, s.itemId, { version: s.version, conclusion: 'approved', basis: '同意' });
    await review(t.db, deps(), head, s.itemId, { version: l1.version, conclusion: 'approved', basis: '同意' });
    const village = await client('village');
    let page = await village.get(`/admin/catalogue/${s.itemId}`);
    assert.match(page.body, /id="act-revise"/);
    assert.doesNotMatch(page.body, /id="act-withdraw"/, 'the clerk may not withdraw');
    let r = await village.post(`/admin/catalogue/${s.itemId}/withdraw`, { version: versionOf(page.body), reason: '想撤回' });
    assert.equal(r.status, 403);
    r = await act(village, s.itemId, 'revise');
    assert.equal(r.status, 303);
    page = await village.get(`/admin/catalogue/${s.itemId}?done=revise`);
    assert.match(text(page.body), /目录信息（第2版）/);
    assert.match(text(page.body), /公开平台现为第1版/);
    assert.match(page.body, /id="d-changeNote"|修改草稿/);
    assert.match((await village.get(`/admin/catalogue/${s.itemId}/edit`)).body, /<label for="d-changeNote">修改说明/, 'a later version asks what changed');
    r = await act(village, s.itemId, 'discard');
    assert.equal(r.status, 303);
    page = await village.get(`/admin/catalogue/${s.itemId}`);
    assert.match(text(page.body), /第2版 · 已放弃/);

    const town = await client('head');
    r = await act(town, s.itemId, 'withdraw', { reason: '' });
    assert.equal(r.status, 422);
    assert.match(r.body, /请填写撤回理由/);
    r = await act(town, s.itemId, 'withdraw', { reason: '发现含有个人信息' });
    assert.equal(r.status, 303);
    page = await town.get(`/admin/catalogue/${s.itemId}`);
    assert.match(text(page.body), /从公开平台撤回，理由：发现含有个人信息/);
    assert.equal(await findPublicItem(t.db.kysely, s.itemId), undefined);
    assert.equal((await village.post(`/admin/catalogue/${s.itemId}/nonsense`, { version: '1' })).status, 404);
  });

  test('the list: filters, search, pages, and the clock in red past 20 working days', async () => {
    const village = await actor('village');
    await createDraft(t.db, deps(), village, fields({ title: 'LIST-超期未发布', formedOn: '2026-09-01' }));
    for (let i = 0; i < 51; i++) await createDraft(t.db, deps(), village, fields({ title: `LIST-批量${String(i).padStart(2, '0')}` }));
    const c = await client('village');
    let r = await c.get('/admin/catalogue?q=LIST-');
    assert.equal(r.status, 200);
    assert.match(text(r.body), /共 52 条，第 1 页/);
    // Most urgent first: the late one heads the list, in red.
    assert.match(r.body, /<tr class="overdue"><th scope="row"><a href="\/admin\/catalogue\/\d+">LIST-超期未发布<\/a>/);
    assert.match(text(r.body), /已超期\d+个工作日/);
    assert.match(r.body, /<a href="\/admin\/catalogue\?q=LIST-&amp;page=2" rel="next">下一页<\/a>/);
    r = await c.get('/admin/catalogue?q=LIST-&page=2');
    assert.equal((r.body.match(/<tr( class="overdue")?><th scope="row">/g) ?? []).length, 2);
    r = await c.get('/admin/catalogue?filter=late&q=LIST-');
    assert.match(text(r.body), /共 1 条/);
    r = await c.get('/admin/catalogue?filter=published&q=LIST-');
    assert.match(r.body, /没有符合条件的信息/);
    r = await c.get('/admin/catalogue?filter=everything');
    assert.equal(r.status, 422);
    assert.match(r.body, /范围「everything」无效/);
    r = await c.get(`/admin/catalogue?q=${'长'.repeat(101)}`);
    assert.equal(r.status, 422);
    assert.match(r.body, /搜索不能超过100个字/);
    // The back-office home counts them.
    const home = await c.get('/admin');
    assert.match(text(home.body), /未发布的信息 \d+ 条，\s?超过公开时限仍未发布 1 条/);
    assert.match(home.body, /<a href="\/admin\/catalogue\?filter=overdue">/);
    r = await c.get('/admin/catalogue?filter=overdue&q=LIST-');
    assert.match(text(r.body), /共 1 条/);
  });
});
