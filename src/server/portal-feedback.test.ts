/**
 * 社会评议 and the column's back office over HTTP, on SQLite or PostgreSQL (TEST_DATABASE_URL):
 * ratings of items and complaints about a column (CSRF, bad input, length limits, escaping, rate
 * limits per address, nothing personal on any public page), the staff's list and reply (who sees,
 * who replies, audit, a stale reply refused), and the 制度 list kept by administrators.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { withdraw } from '../catalogue/catalogue.service.js';
import { findPublicItem } from '../catalogue/visibility.js';
import { FEEDBACK_LIMITS } from '../portal/feedback.js';
import { Client, openTestApp, type TestApp } from '../../test/support/app.js';
import { testDialect } from '../../test/support/db.js';
import { openColumns } from '../crypto/columns.js';
import { installedDataKeys } from '../crypto/keys.js';
import { buildPortalWorld, XSS, type PortalWorld } from '../../test/support/portal-fixtures.js';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
const NAME = '张投诉人';
const PHONE = '13912345678';

describe(`social feedback and the column's back office (${testDialect})`, () => {
  let t: TestApp;
  let w: PortalWorld;
  let ipSeq = 0;
  /** A fresh address per visitor: the limits count per address. */
  const visitor = () => new Client(t.app, `10.88.${Math.floor(ipSeq / 200)}.${(ipSeq++ % 200) + 1}`);
  const staff = async (username: string) => {
    const c = visitor();
    assert.equal((await c.login(username)).status, 303, username);
    return c;
  };
  const feedbackRows = () => t.db.kysely.selectFrom('feedback').selectAll().orderBy('id').execute();

  before(async () => {
    t = await openTestApp();
    w = await buildPortalWorld(t.db, t.app.deps.files, t.app.deps.calendar);
  });
  after(async () => {
    await t.close();
  });

  const rate = (c: Client, itemId: number, form: Record<string, string>, opts?: { csrf?: boolean }) => c.post(`/xxgk/items/${itemId}/feedback`, form, opts);
  const complain = (c: Client, agencyId: number, form: Record<string, string>) => c.post(`/xxgk/${agencyId}/complaint`, form);

  describe('ratings of items', () => {
    test('有用 with a comment: 303 back to the item, a thank-you, stored with the version seen and nothing about the visitor', async () => {
      const c = visitor();
      const r = await rate(c, w.shown.budget, { useful: 'yes', comment: '  信息很及时\r\n谢谢  ' });
      assert.equal(r.status, 303, text(r.body).slice(0, 500));
      assert.equal(r.headers.location, `/xxgk/items/${w.shown.budget}?feedback=thanks#feedback`);
      const page = await c.get(String(r.headers.location).split('#')[0]!);
      assert.match(text(page.body), /感谢您的评价/);
      const row = (await feedbackRows()).at(-1)!;
      assert.equal(row.kind, 'rating');
      assert.equal(row.item_id, w.shown.budget);
      assert.equal(row.agency_id, w.agencies.town);
      assert.equal(row.item_version, (await findPublicItem(t.db.kysely, w.shown.budget))!.versionNumber);
      assert.equal(row.useful, 1);
      assert.equal(row.body, '信息很及时\n谢谢');
      assert.equal(row.state, 'new');
      assert.deepEqual(Object.keys(row).sort(), ['agency_id', 'body', 'contact_name', 'contact_phone', 'created_at', 'id', 'item_id', 'item_version', 'kind', 'replied_at', 'replied_by', 'reply', 'state', 'useful'].sort());
      assert.equal((await rate(visitor(), w.shown.village, { useful: 'no' })).status, 303);
      const village = (await feedbackRows()).at(-1)!;
      assert.equal(village.agency_id, w.agencies.village);
      assert.equal(village.useful, 0);
      assert.equal(village.body, '');
    });

    test('bad input: 422 with the message on the item page, what was typed kept; nothing stored', async () => {
      const before = (await feedbackRows()).length;
      const c = visitor();
      const cases: Array<[Record<string, string>, RegExp]> = [
        [{ comment: '没选' }, /请选择评价/],
        [{ useful: 'maybe' }, /评价「maybe」无效/],
        [{ useful: 'yes', comment: '字'.repeat(501) }, /意见不能超过500个字/],
      ];
      for (const [form, message] of cases) {
        const r = await rate(c, w.shown.budget, form);
        assert.equal(r.status, 422, JSON.stringify(form));
        assert.match(text(r.body), message);
        assert.match(r.body, /<title>错误：/);
        if (form.comment) assert.ok(r.body.includes(form.comment.slice(0, 10)), 'the comment is kept');
      }
      assert.equal((await feedbackRows()).length, before);
    });

    test('only public items can be rated: every hidden item answers the item page’s 404', async () => {
      const before = (await feedbackRows()).length;
      const c = visitor();
      const unknown = await c.get('/xxgk/items/999999');
      for (const id of [...Object.values(w.hidden), 999999]) {
        const r = await rate(c, id, { useful: 'yes', comment: '测试' });
        assert.equal(r.status, 404, String(id));
        assert.equal(r.body, unknown.body);
      }
      assert.equal((await rate(c, w.hidden.draft, { useful: 'bad' })).body, unknown.body, 'an invalid form on a hidden item: the same 404');
      assert.equal((await feedbackRows()).length, before);
    });

    test('CSRF: no token or a wrong one is refused; multipart is refused unread', async () => {
      const c = visitor();
      await c.get(`/xxgk/items/${w.shown.budget}`);
      assert.equal((await rate(c, w.shown.budget, { useful: 'yes' }, { csrf: false })).status, 403);
      assert.equal((await rate(c, w.shown.budget, { useful: 'yes', _csrf: 'x'.repeat(32) })).status, 403);
      const token = await c.csrf();
      const r = await t.app.inject({
        method: 'POST',
        url: `/xxgk/items/${w.shown.budget}/feedback`,
        headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'multipart/form-data; boundary=x', 'x-csrf-token': token },
        payload: '--x\r\nContent-Disposition: form-data; name="useful"\r\n\r\nyes\r\n--x--\r\n',
        remoteAddress: c.ip,
      });
      assert.equal(r.statusCode, 415);
    });

    test('the item page is the same for every visitor: no token, no cookie, not private; the browser vouches for the form instead', async () => {
      const c = visitor();
      const page = await c.get(`/xxgk/items/${w.shown.budget}`);
      assert.equal(page.status, 200);
      assert.equal(page.headers['set-cookie'], undefined, 'no cookie: a shared cache may keep the page');
      assert.doesNotMatch(String(page.headers['cache-control'] ?? ''), /private|no-store/);
      assert.doesNotMatch(page.body, /name="_csrf"/);
      assert.match(page.body, new RegExp(`<form method="post" action="/xxgk/items/${w.shown.budget}/feedback"`));
      assert.equal((await visitor().get(`/xxgk/items/${w.shown.budget}`)).body, page.body, 'another visitor: the same bytes');

      const post = (headers: Record<string, string>, form: Record<string, string> = { useful: 'yes' }, who = visitor()) =>
        t.app.inject({
          method: 'POST',
          url: `/xxgk/items/${w.shown.budget}/feedback`,
          headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'xxgk.example.gov.cn', ...headers },
          payload: new URLSearchParams(form).toString(),
          remoteAddress: who.ip,
        });
      const count = async () => (await feedbackRows()).length;
      let n = await count();
      // Accepted: the browser says the form is this site's.
      const accepted: Array<Record<string, string>> = [{ 'sec-fetch-site': 'same-origin' }, { origin: 'https://xxgk.example.gov.cn' }, { origin: 'http://xxgk.example.gov.cn:8080', host: 'xxgk.example.gov.cn:8080' }, { origin: 'https://xxgk.example.gov.cn', host: 'xxgk.example.gov.cn:443' }];
      for (const headers of accepted) {
        const r = await post(headers);
        assert.equal(r.statusCode, 303, JSON.stringify(headers));
        assert.equal(await count(), ++n);
      }
      // Refused, nothing stored: another site, even with an Origin that would pass, or a token that is wrong.
      const refused: Array<Record<string, string>> = [
        { 'sec-fetch-site': 'cross-site' },
        { 'sec-fetch-site': 'same-site' },
        { 'sec-fetch-site': 'none' },
        { 'sec-fetch-site': 'cross-site', origin: 'https://xxgk.example.gov.cn' },
        { origin: 'https://evil.example.com' },
        { origin: 'https://xxgk.example.gov.cn.evil.example.com' },
        { origin: 'null' },
        { origin: 'http://xxgk.example.gov.cn:8080' },
      ];
      for (const headers of refused) {
        const r = await post(headers);
        assert.equal(r.statusCode, 403, JSON.stringify(headers));
        assert.match(text(r.body), /CSRF 校验失败/);
      }
      assert.equal((await post({ 'sec-fetch-site': 'same-origin' }, { useful: 'yes', _csrf: 'x'.repeat(32) })).statusCode, 403, 'a token sent must be right');
      assert.equal(await count(), n);

      // A browser that says nothing: the form again, what was typed kept, now with a token; sent once more, it is accepted.
      const quiet = visitor();
      const first = await post({}, { useful: 'no', comment: '旧浏览器的意见' }, quiet);
      assert.equal(first.statusCode, 403);
      assert.match(text(first.body), /请核对后再点一次“提交评价”/);
      assert.ok(first.body.includes('旧浏览器的意见'), 'the comment is kept');
      assert.match(String(first.headers['cache-control']), /private/);
      assert.equal(await count(), n, 'nothing stored yet');
      const token = /name="_csrf" value="([^"]+)"/.exec(first.body)?.[1];
      const cookie = String(first.headers['set-cookie']).split(';')[0]!;
      assert.ok(token && cookie.startsWith('gk_csrf='), 'a token and its cookie');
      assert.equal((await post({ cookie }, { useful: 'no', comment: '旧浏览器的意见', _csrf: token }, quiet)).statusCode, 303);
      assert.equal(await count(), n + 1);
      assert.equal((await feedbackRows()).at(-1)!.body, '旧浏览器的意见');
    });

    test('other public forms still need their token: a complaint vouched for by the browser alone is refused', async () => {
      const r = await t.app.inject({
        method: 'POST',
        url: `/xxgk/${w.agencies.town}/complaint`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
        payload: new URLSearchParams({ body: '内容' }).toString(),
        remoteAddress: visitor().ip,
      });
      assert.equal(r.statusCode, 403);
    });

    test(`rate limit: ${FEEDBACK_LIMITS.rating.max} ratings an hour per address; invalid forms do not count; other addresses unaffected`, async () => {
      const c = visitor();
      for (let i = 0; i < 3; i++) assert.equal((await rate(c, w.shown.budget, { useful: 'x' })).status, 422);
      for (let i = 0; i < FEEDBACK_LIMITS.rating.max; i++) assert.equal((await rate(c, w.shown.budget, { useful: 'yes' })).status, 303, `rating ${i + 1}`);
      const r = await rate(c, w.shown.budget, { useful: 'yes', comment: '再评一次' });
      assert.equal(r.status, 429);
      assert.ok(Number(r.headers['retry-after']) > 0);
      assert.match(text(r.body), /提交过于频繁，请\d+分钟后再试/);
      assert.ok(r.body.includes('再评一次'), 'what was typed is kept');
      assert.equal((await rate(visitor(), w.shown.budget, { useful: 'yes' })).status, 303);
    });
  });

  describe('complaints', () => {
    test('the form, then 303 to a confirmation; name and phone stored for staff and shown on no public page', async () => {
      const c = visitor();
      const form = await c.get(`/xxgk/${w.agencies.town}/complaint`);
      assert.equal(form.status, 200);
      for (const label of ['意见或投诉内容', '姓名', '联系电话']) assert.match(form.body, new RegExp(`<label for="f-\\w+">${label}`));
      const r = await complain(c, w.agencies.town, { body: `预算附件打不开${XSS}\u0007`, name: NAME, phone: ` ${PHONE} ` });
      assert.equal(r.status, 303, text(r.body).slice(0, 400));
      assert.equal(r.headers.location, `/xxgk/${w.agencies.town}/complaint?sent=1`);
      assert.match(text((await c.get(String(r.headers.location))).body), /已收到您的意见或投诉/);
      const stored = (await feedbackRows()).at(-1)!;
      assert.equal(stored.kind, 'complaint');
      assert.equal(stored.agency_id, w.agencies.town);
      assert.equal(stored.body, `预算附件打不开${XSS}`, 'control characters removed');
      // Stored encrypted (src/crypto/columns.ts); opened with the process's key they are as typed.
      assert.ok(!JSON.stringify(stored).includes(NAME) && !JSON.stringify(stored).includes(PHONE));
      const row = openColumns(installedDataKeys(), 'feedback', stored);
      assert.equal(row.contact_name, NAME);
      assert.equal(row.contact_phone, PHONE);
      for (const url of [
        `/xxgk/${w.agencies.town}`,
        `/xxgk/${w.agencies.town}/complaint`,
        `/xxgk/${w.agencies.town}/complaint?sent=1`,
        `/xxgk/${w.agencies.town}/guide`,
        `/xxgk/${w.agencies.town}/catalogue`,
        `/xxgk/items/${w.shown.budget}`,
        `/xxgk/${w.agencies.town}/feed.atom`,
        '/sitemap.xml',
        '/xxgk',
        '/',
        `/xxgk/search?q=${encodeURIComponent('预算')}`,
      ]) {
        const p = await visitor().get(url);
        assert.ok(!p.body.includes(NAME) && !p.body.includes(PHONE) && !p.body.includes('预算附件打不开'), url);
      }
    });

    test('bad input: 422 per field (required text, length limits, phone characters), nothing stored', async () => {
      const before = (await feedbackRows()).length;
      const c = visitor();
      const cases: Array<[Record<string, string>, string, RegExp]> = [
        [{ body: '   ' }, 'body', /请填写投诉内容/],
        [{ body: '\u0001\u0002' }, 'body', /请填写投诉内容/],
        [{ body: '字'.repeat(2001) }, 'body', /投诉内容不能超过2000个字/],
        [{ body: '内容', name: '名'.repeat(51) }, 'name', /姓名不能超过50个字/],
        [{ body: '内容', phone: 'abc<script>' }, 'phone', /联系电话只能包含数字/],
        [{ body: '内容', phone: '1'.repeat(31) }, 'phone', /联系电话不能超过30个字/],
      ];
      for (const [form, field, message] of cases) {
        const r = await complain(c, w.agencies.town, form);
        assert.equal(r.status, 422, JSON.stringify(form).slice(0, 80));
        assert.match(text(r.body), message);
        assert.match(r.body, new RegExp(`href="#f-${field}"`));
        assert.ok(!r.body.includes('<script>'));
      }
      // A phone typed in full-width digits is accepted as the same number.
      assert.equal((await complain(c, w.agencies.town, { body: '全角号码', phone: '１３９１２３４５６７８' })).status, 303);
      assert.equal(openColumns(installedDataKeys(), 'feedback', (await feedbackRows()).at(-1)!).contact_phone, PHONE);
      assert.equal((await feedbackRows()).length, before + 1);
      assert.equal((await complain(c, 999999, { body: '内容' })).status, 404);
      assert.equal((await complain(c, w.agencies.town, { body: '内容', _csrf: 'nope-nope-nope-nope-nope' })).status, 403);
    });

    test(`rate limit: ${FEEDBACK_LIMITS.complaint.max} complaints an hour per address`, async () => {
      const c = visitor();
      for (let i = 0; i < FEEDBACK_LIMITS.complaint.max; i++) assert.equal((await complain(c, w.agencies.dept, { body: `第${i + 1}条意见` })).status, 303);
      const r = await complain(c, w.agencies.dept, { body: '第六条意见', name: NAME });
      assert.equal(r.status, 429);
      assert.match(text(r.body), /提交过于频繁/);
      assert.ok(r.body.includes('第六条意见'));
      assert.equal((await complain(visitor(), w.agencies.dept, { body: '另一位公众' })).status, 303);
    });
  });

  describe('staff: list, read, reply', () => {
    let townRating: number;
    let villageRating: number;
    let complaint: number;
    let deptComplaint: number;

    before(async () => {
      assert.equal((await rate(visitor(), w.shown.budget, { useful: 'no', comment: `看不懂${XSS}` })).status, 303);
      townRating = (await feedbackRows()).at(-1)!.id;
      assert.equal((await rate(visitor(), w.shown.village, { useful: 'yes', comment: '村务清楚' })).status, 303);
      villageRating = (await feedbackRows()).at(-1)!.id;
      assert.equal((await complain(visitor(), w.agencies.town, { body: '指南缺少传真号码', name: NAME, phone: PHONE })).status, 303);
      complaint = (await feedbackRows()).at(-1)!.id;
      assert.equal((await complain(visitor(), w.agencies.dept, { body: '教育局的投诉' })).status, 303);
      deptComplaint = (await feedbackRows()).at(-1)!.id;
    });

    test('anonymous visitors are sent to the login page', async () => {
      const r = await visitor().get('/admin/feedback');
      assert.equal(r.status, 303);
      assert.match(String(r.headers.location), /^\/login\?next=/);
    });

    test("the town's clerk sees the town's feedback (escaped, with the complainant's contact), not the village's or the department's", async () => {
      const c = await staff('clerk');
      const list = await c.get('/admin/feedback');
      assert.equal(list.status, 200);
      assert.ok(list.body.includes(`/admin/feedback/${townRating}"`));
      assert.ok(list.body.includes(`/admin/feedback/${complaint}"`));
      assert.ok(!list.body.includes(`/admin/feedback/${villageRating}"`));
      assert.ok(!list.body.includes(`/admin/feedback/${deptComplaint}"`));
      assert.ok(!list.body.includes('<script>alert'));
      const detail = await c.get(`/admin/feedback/${complaint}`);
      assert.match(text(detail.body), new RegExp(`姓名 ${NAME} 联系电话 ${PHONE}`));
      assert.equal((await c.get(`/admin/feedback/${villageRating}`)).status, 404);
      assert.equal((await c.get(`/admin/feedback/${deptComplaint}`)).status, 404);
      assert.equal((await c.get('/admin/feedback/abc')).status, 404);
      assert.equal((await c.get('/admin/feedback/99999999999')).status, 404);
      // Filters.
      const complaints = await c.get('/admin/feedback?kind=complaint');
      assert.ok(!complaints.body.includes(`/admin/feedback/${townRating}"`));
      assert.equal((await c.get('/admin/feedback?kind=zzz')).status, 422);
    });

    test("the town's reviewer sees its villages' ratings too and may reply to them; the village clerk sees only the village's", async () => {
      const reviewer = await staff('reviewer');
      const page = await reviewer.get(`/admin/feedback/${villageRating}`);
      assert.equal(page.status, 200);
      assert.match(page.body, /<form method="post" action="\/admin\/feedback\/\d+\/reply"/);
      const village = await staff('village');
      const list = await village.get('/admin/feedback');
      assert.ok(list.body.includes(`/admin/feedback/${villageRating}"`));
      assert.ok(!list.body.includes(`/admin/feedback/${townRating}"`));
    });

    test('a reply: recorded with who and when, audited; a reply against a stale page is refused; bad input 422', async () => {
      const c = await staff('clerk');
      const empty = await c.post(`/admin/feedback/${complaint}/reply`, { reply: '  ', previous: '' });
      assert.equal(empty.status, 422);
      assert.match(text(empty.body), /请填写答复内容/);
      const long = await c.post(`/admin/feedback/${complaint}/reply`, { reply: '字'.repeat(2001), previous: '' });
      assert.equal(long.status, 422);
      const r = await c.post(`/admin/feedback/${complaint}/reply`, { reply: `已电话联系，传真号码已补登。${XSS}`, previous: '' });
      assert.equal(r.status, 303, text(r.body).slice(0, 400));
      const page = await c.get(String(r.headers.location));
      assert.match(text(page.body), /已保存答复/);
      assert.match(text(page.body), /已电话联系，传真号码已补登。/);
      assert.match(text(page.body), /永安镇 信息员 答复于/);
      assert.ok(!page.body.includes('<script>alert'));
      const row = await t.db.kysely.selectFrom('feedback').selectAll().where('id', '=', complaint).executeTakeFirstOrThrow();
      assert.equal(row.state, 'replied');
      assert.ok(row.replied_at);
      const audit = await t.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'feedback.replied').where('subject_id', '=', String(complaint)).execute();
      assert.equal(audit.length, 1);
      assert.ok(!audit[0]!.details!.includes(NAME) && !audit[0]!.details!.includes(PHONE) && !audit[0]!.details!.includes('传真号码已补登'), 'the audit holds no text, no personal data');
      // A colleague who opened the page before the reply sends theirs: refused, nothing overwritten.
      const stale = await c.post(`/admin/feedback/${complaint}/reply`, { reply: '另一份答复', previous: '' });
      assert.equal(stale.status, 409);
      assert.match(text(stale.body), /已被他人答复/);
      // With the current reply time, the reply can be changed (audited again).
      const again = await c.post(`/admin/feedback/${complaint}/reply`, { reply: '更正后的答复', previous: row.replied_at! });
      assert.equal(again.status, 303);
      assert.equal((await t.db.kysely.selectFrom('audit_log').select('id').where('action', '=', 'feedback.replied').where('subject_id', '=', String(complaint)).execute()).length, 2);
      // The replied one sorts after the unanswered ones and shows as such.
      const replied = await c.get('/admin/feedback?state=replied');
      assert.ok(replied.body.includes(`/admin/feedback/${complaint}"`));
      assert.ok(!replied.body.includes(`/admin/feedback/${townRating}"`));
    });

    test('administrators and supervisors above see everything but do not reply; staff elsewhere cannot', async () => {
      for (const username of ['admin', 'supervisor']) {
        const c = await staff(username);
        const list = await c.get('/admin/feedback');
        for (const id of [townRating, villageRating, deptComplaint]) assert.ok(list.body.includes(`/admin/feedback/${id}"`), `${username} sees ${id}`);
        const page = await c.get(`/admin/feedback/${townRating}`);
        assert.doesNotMatch(page.body, /action="\/admin\/feedback\/\d+\/reply"/);
        const r = await c.post(`/admin/feedback/${townRating}/reply`, { reply: '越权答复', previous: '' });
        assert.equal(r.status, 403);
        assert.match(text(r.body), /只有本机关的信息员、审核人或负责人可以答复/);
      }
      const edu = visitor();
      await t.db.kysely.updateTable('users').set({ password_hash: (await t.db.kysely.selectFrom('users').select('password_hash').where('username', '=', 'clerk').executeTakeFirstOrThrow()).password_hash }).where('username', '=', 'edu_clerk').execute();
      assert.equal((await edu.login('edu_clerk')).status, 303);
      assert.equal((await edu.post(`/admin/feedback/${townRating}/reply`, { reply: '别的机关', previous: '' })).status, 404);
      assert.ok((await edu.get('/admin/feedback')).body.includes(`/admin/feedback/${deptComplaint}"`));
    });

    test('markup in every field the public fills in is escaped on the staff pages', async () => {
      assert.equal((await complain(visitor(), w.agencies.town, { body: `内容${XSS}`, name: `<script>alert(2)</script>`, phone: '(0632) 123-4567' })).status, 303);
      const id = (await feedbackRows()).at(-1)!.id;
      const c = await staff('clerk');
      for (const url of ['/admin/feedback', `/admin/feedback/${id}`, `/admin/feedback/${townRating}`]) {
        const r = await c.get(url);
        assert.equal(r.status, 200, url);
        assert.ok(!r.body.includes('<script>alert') && !r.body.includes('<img src=x'), url);
      }
      assert.match((await c.get(`/admin/feedback/${id}`)).body, /&lt;script>alert\(2\)&lt;\/script>/);
    });

    test('the hub counts what awaits a reply and links the columns', async () => {
      const c = await staff('head');
      const hub = await c.get('/admin/xxgk');
      assert.equal(hub.status, 200);
      assert.match(text(hub.body), /待答复 \d+ 条/);
      assert.match(hub.body, new RegExp(`href="/xxgk/${w.agencies.town}"`));
      assert.ok(!hub.body.includes('/rules"'), 'no settings for a non-administrator');
      const admin = await staff('admin');
      assert.match((await admin.get('/admin/xxgk')).body, new RegExp(`href="/admin/xxgk/${w.agencies.town}/rules"`));
    });
  });

  describe('政府信息公开制度 kept by administrators', () => {
    test('an administrator lists a public item by its 索引号; the public sub-column shows it; withdrawn, it drops out', async () => {
      const admin = await staff('admin');
      const url = `/admin/xxgk/${w.agencies.town}/rules`;
      assert.equal((await admin.get(url)).status, 200);
      const budget = (await findPublicItem(t.db.kysely, w.shown.budget))!;
      const pending = (await findPublicItem(t.db.kysely, w.shown.pendingCurrent))!;
      for (const [indexNumber, message] of [
        ['', /请填写索引号/],
        ['NOPE-0000', /没有索引号为 NOPE-0000 的已公开信息/],
        [(await findPublicItem(t.db.kysely, w.shown.dept))!.indexNumber!, /本机关没有索引号为/],
      ] as const) {
        const r = await admin.post(url, { indexNumber });
        assert.equal(r.status, 422, indexNumber);
        assert.match(text(r.body), message);
      }
      for (const item of [budget, pending]) assert.equal((await admin.post(url, { indexNumber: item.indexNumber! })).status, 303);
      assert.match(text((await admin.post(url, { indexNumber: budget.indexNumber! })).body), /该信息已在制度列表中/);
      const pub = await visitor().get(`/xxgk/${w.agencies.town}/rules`);
      assert.ok(pub.body.includes(`/xxgk/items/${w.shown.budget}"`));
      assert.ok(pub.body.includes(`/xxgk/items/${w.shown.pendingCurrent}"`));
      assert.doesNotMatch(text(pub.body), /尚未在本专栏登载/);
      assert.match(text((await visitor().get(`/xxgk/${w.agencies.town}`)).body), /本机关的政府信息公开工作制度 2 项/);
      // Withdrawn: gone from the public list, still listed (marked) for the administrator.
      const row = await t.db.kysely.selectFrom('catalogue_items').select('version').where('id', '=', w.shown.pendingCurrent).executeTakeFirstOrThrow();
      await withdraw(t.db, w.deps, w.actors.head, w.shown.pendingCurrent, { version: row.version, reason: '测试' });
      assert.ok(!(await visitor().get(`/xxgk/${w.agencies.town}/rules`)).body.includes(`/xxgk/items/${w.shown.pendingCurrent}"`));
      assert.match(text((await admin.get(url)).body), /未公开（不显示）/);
      // Removing takes it off the list; the item itself is untouched.
      const rm = await admin.post(`${url}/${w.shown.budget}/remove`, {});
      assert.equal(rm.status, 303);
      assert.ok(!(await visitor().get(`/xxgk/${w.agencies.town}/rules`)).body.includes(`/xxgk/items/${w.shown.budget}"`));
      assert.ok(await findPublicItem(t.db.kysely, w.shown.budget));
      assert.equal((await admin.post(`${url}/${w.shown.budget}/remove`, {})).status, 404);
      const audit = await t.db.kysely.selectFrom('audit_log').select('action').where('action', 'like', 'portal.rule_item_%').execute();
      assert.deepEqual(audit.map((a) => a.action).sort(), ['portal.rule_item_added', 'portal.rule_item_added', 'portal.rule_item_removed']);
    });

    test('others cannot keep the list: 404 for staff who are not its administrators', async () => {
      for (const username of ['clerk', 'head', 'supervisor']) {
        const c = await staff(username);
        assert.equal((await c.get(`/admin/xxgk/${w.agencies.town}/rules`)).status, 404, username);
        assert.equal((await c.post(`/admin/xxgk/${w.agencies.town}/rules`, { indexNumber: 'X-1' })).status, 404, username);
      }
      const admin = await staff('admin');
      assert.equal((await admin.get('/admin/xxgk/999999/rules')).status, 404);
      assert.equal((await admin.get('/admin/xxgk/abc/rules')).status, 404);
    });
  });
});
