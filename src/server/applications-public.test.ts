/**
 * The public application desk over HTTP (app.inject): the online form, the tracking lookup and the
 * public JSON API, on SQLite or PostgreSQL (TEST_DATABASE_URL). Security and bad input per issue 3:
 * CSRF, a second citizen cannot open the first one's case, nothing personal in public output, HTML
 * escaped, every field too long / missing / of the wrong type, a 100 MB body, rate limits.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { Client, openTestApp, type TestApp } from '../../test/support/app.js';
import { calendar, PERSON, personInput } from '../../test/support/application-fixtures.js';
import { testDialect } from '../../test/support/db.js';
import { findUserByUsername, loadActor } from '../accounts/user.repository.js';
import type { Actor } from '../accounts/policy.js';
import { createAgency } from '../agencies/agency.repository.js';
import { PUBLIC_FIELDS } from '../applications/application.presenter.js';
import { LIMITS as FIELD_LIMITS } from '../applications/application.schema.js';
import { chinaDate, confirmReceipt, reply } from '../applications/application.service.js';
import { displaySecret } from '../applications/tracking.js';
import { createFileStore } from '../attachments/store.js';
import { formatChineseDate, parseIsoDate } from '../calendar/date.js';
import { LIMITS as RATE_LIMITS } from '../security/rate-limit.js';
import { buildApp } from './app.js';
import { openColumns } from '../crypto/columns.js';
import { installedDataKeys } from '../crypto/keys.js';

const NOT_FOUND = '未找到，请核对申请编号和查询码';
const PERSONAL_VALUES = Object.values(PERSON);
const CJK = /[\u4e00-\u9fff]/;

describe(`public application desk (${testDialect})`, () => {
  let t: TestApp;
  let yongan: number;
  let village: number;
  let community: number;
  let clerk: Actor;
  let ipSeq = 0;
  /** A fresh client address per use: the rate limits count per address. */
  const client = () => new Client(t.app, `10.77.${Math.floor(ipSeq / 200)}.${(ipSeq++ % 200) + 1}`);

  before(async () => {
    t = await openTestApp();
    const ids = new Map((await t.db.kysely.selectFrom('agencies').select(['id', 'name']).execute()).map((a) => [a.name, a.id]));
    yongan = ids.get('永安镇人民政府')!;
    village = ids.get('永安村民委员会')!;
    community = ids.get('东关社区居民委员会')!;
    clerk = (await loadActor(t.db.kysely, (await findUserByUsername(t.db.kysely, 'clerk'))!.id))!;
  });
  after(async () => {
    await t.close();
  });

  /** The online form's fields (strings, as a browser sends them) for PERSON at 永安镇. */
  /** The fixture's valid application as a browser submits it (every value a string). */
  const form = (overrides: Record<string, string> = {}): Record<string, string> => ({
    ...Object.fromEntries(Object.entries(personInput(yongan)).map(([k, v]) => [k, String(v)])),
    ...overrides,
  });

  const without = (f: Record<string, string>, key: string) => Object.fromEntries(Object.entries(f).filter(([k]) => k !== key));

  /** The one-time token of a freshly opened form (as a browser gets it with the page). */
  async function formToken(c: Client): Promise<string> {
    const m = /name="formToken" value="([^"]+)"/.exec((await c.get('/apply')).body);
    assert.ok(m, 'the form carries a one-time token');
    return m[1]!;
  }

  /**
   * Opens the form, submits it (→ 303 to /apply/done, Post/Redirect/Get) and follows the redirect;
   * reads the tracking number and the 查询码 off the result page.
   */
  async function apply(c: Client, fields = form()) {
    const token = await formToken(c);
    const post = await c.post('/apply', { ...fields, formToken: token });
    assert.equal(post.status, 303, post.body.slice(0, 3000));
    assert.equal(post.headers.location, '/apply/done');
    const res = await c.get('/apply/done');
    assert.equal(res.status, 200, res.body.slice(0, 3000));
    const trackingNumber = /id="tracking-number"[^>]*>([^<]+)</.exec(res.body)?.[1];
    const shown = /id="tracking-secret"[^>]*>([^<]+)</.exec(res.body)?.[1];
    assert.ok(trackingNumber && shown, 'the result page shows the tracking number and the 查询码');
    return { res, post, token, trackingNumber, secret: shown };
  }

  const track = (c: Client, trackingNumber: string, secret: string) => c.post('/track', { trackingNumber, secret });

  /** A JSON request with the client's cookies (and, unless csrf: false, its CSRF token in the header). */
  async function api(c: Client, url: string, body: unknown, opts: { csrf?: boolean; method?: 'POST' | 'GET'; headers?: Record<string, string> } = {}) {
    if (!c.cookies.has('gk_csrf')) await c.get('/track');
    const headers: Record<string, string> = {
      ...opts.headers,
      cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': 'application/json',
    };
    if (opts.csrf !== false) headers['x-csrf-token'] = c.cookies.get('gk_csrf')!;
    const method = opts.method ?? 'POST';
    const r = await t.app.inject({ method, url, headers, remoteAddress: c.ip, ...(method === 'POST' ? { payload: JSON.stringify(body) } : {}) });
    return { status: r.statusCode, json: r.json() as Record<string, unknown>, body: r.body, headers: r.headers };
  }

  const appRow = (trackingNumber: string) =>
    t.db.kysely.selectFrom('applications').selectAll().where('tracking_number', '=', trackingNumber).executeTakeFirstOrThrow();

  /** The error shown next to a field (its id is f-<name>-error). */
  const fieldError = (html: string, name: string) => {
    const m = new RegExp(`id="f-${name}-error"><span class="visually-hidden">错误：</span>([^<]*)</p>`).exec(html);
    return m ? m[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<') : undefined;
  };

  const assertNoPersonalData = (text: string, where: string) => {
    for (const v of PERSONAL_VALUES) assert.ok(!text.includes(v), `${where} must not contain the personal value ${v}`);
  };

  test('the portal links to 在线申请 and 申请查询', async () => {
    const r = await client().get('/');
    assert.match(r.body, /<a href="\/apply">在线申请<\/a>/);
    assert.match(r.body, /<a href="\/track">申请查询<\/a>/);
  });

  test('the form offers only agencies that take applications (no villages, no communities), labelled, no-store', async () => {
    const r = await client().get('/apply');
    assert.equal(r.status, 200);
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.match(r.body, new RegExp(`<option value="${yongan}">永安镇人民政府</option>`));
    assert.match(r.body, /市中区教育局/);
    assert.doesNotMatch(r.body, /永安村民委员会|新华村民委员会|东关社区居民委员会/);
    for (const name of ['agencyId', 'applicantName', 'idType', 'idNumber', 'contactPhone', 'contactEmail', 'contactAddress', 'postcode', 'description', 'purpose']) {
      assert.match(r.body, new RegExp(`<label for="f-${name}">`), `${name} has a label`);
    }
    for (const label of ['自然人', '商业企业', '科研机构', '社会公益组织', '法律服务机构', '法人或其他组织', '统一社会信用代码', '纸质文本', '电子文件', '邮寄', '自行领取']) {
      assert.ok(r.body.includes(label), label);
    }
    assert.match(r.body, /以受理机关与您双方确认之日为收到申请之日/);
    assert.match(r.body, /个人信息/);
    assert.match(r.body, /name="_csrf" value="[^"]{20,}"/);
    // ?agency= preselects an agency.
    const pre = await client().get(`/apply?agency=${yongan}`);
    assert.match(pre.body, new RegExp(`<option value="${yongan}" selected>`));
  });

  test('submitting the form with CSRF redirects to a page showing the tracking number and the 查询码 once; only the hash is stored', async () => {
    const c = client();
    const { res, post, trackingNumber, secret } = await apply(c);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(post.headers['cache-control'], 'no-store');
    assert.ok(!String(post.headers.location).includes(secret.replace('-', '')), 'the 查询码 is never put in a URL');
    const cookie = String(post.headers['set-cookie']);
    assert.match(cookie, /gk_receipt=[A-Za-z0-9_-]{43}; Max-Age=600; Path=\/apply\/done; HttpOnly; SameSite=Strict/);
    assert.ok(!cookie.includes(secret.replace('-', '')), 'the cookie holds a key, not the 查询码');
    assert.match(trackingNumber, /^\d+-\d{4}-\d{6}$/);
    assert.match(secret, /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    assert.match(res.body, /只显示这一次/);
    assert.match(res.body, /20个工作日内答复/);
    assert.match(res.body, /<a href="\/track">/);
    assert.match(res.body, /永安镇人民政府/);
    assertNoPersonalData(res.body, 'the success page');
    assert.equal(res.body.split(secret).length, 2, 'the 查询码 appears exactly once');

    const row = await appRow(trackingNumber);
    assert.equal(row.state, 'submitted');
    assert.equal(row.channel, 'online');
    assert.equal(row.agency_id, yongan);
    assert.equal(row.applicant_name, PERSON.applicantName);
    assert.notEqual(row.tracking_secret_hash, secret);
    assert.ok(!row.tracking_secret_hash.includes(secret.replace('-', '')));
    // The audit log records the submission without the 查询码 or personal data.
    const log = await t.db.kysely.selectFrom('audit_log').selectAll().where('subject_id', '=', String(row.id)).execute();
    assert.ok(log.some((l) => l.action === 'application.submit'));
    const logText = JSON.stringify(log);
    assert.ok(!logText.includes(secret.replace('-', '')));
    assertNoPersonalData(logText, 'the audit log');
  });

  test('Post/Redirect/Get: reloading the result page does not show the 查询码 again (410), and no form is resubmitted', async () => {
    const c = client();
    // A HEAD request does not use the receipt up.
    const token = await formToken(c);
    const submitted = await c.post('/apply', { ...form(), formToken: token });
    assert.equal(submitted.status, 303);
    const head = await t.app.inject({ method: 'HEAD', url: '/apply/done', headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }, remoteAddress: c.ip });
    assert.equal(head.statusCode, 200);
    const shown = await c.get('/apply/done');
    assert.equal(shown.status, 200);
    assert.match(shown.body, /id="tracking-secret"/);

    const { post, trackingNumber, secret } = await apply(c);
    const key = /gk_receipt=([^;]+)/.exec(String(post.headers['set-cookie']))![1]!;
    const count = async () => (await t.db.kysely.selectFrom('applications').select('id').execute()).length;
    const before = await count();
    // Reloading (the browser dropped the cookie as told) and replaying the cookie both find nothing.
    const reload = await c.get('/apply/done');
    assert.equal(reload.status, 410);
    assert.equal(reload.headers['cache-control'], 'no-store');
    assert.match(reload.body, /申请编号和查询码只在提交申请后显示<strong>一次<\/strong>/);
    assert.match(reload.body, /刷新本页不会重复提交申请/);
    assert.ok(!reload.body.includes(secret) && !reload.body.includes(trackingNumber));
    const replayed = await t.app.inject({ method: 'GET', url: '/apply/done', headers: { cookie: `gk_receipt=${key}` }, remoteAddress: c.ip });
    assert.equal(replayed.statusCode, 410);
    assert.ok(!replayed.body.includes(secret));
    assert.equal((await client().get('/apply/done')).status, 410, 'without the cookie');
    assert.equal(await count(), before);
    // The database keeps neither the 查询码 nor the receipt once shown.
    const row = await appRow(trackingNumber);
    const kept = await t.db.kysely.selectFrom('online_submissions').selectAll().where('application_id', '=', row.id).executeTakeFirstOrThrow();
    assert.deepEqual([kept.receipt_id, kept.receipt_box, kept.receipt_expires_at], [null, null, null]);
    assert.match(kept.form_token_hash, /^[0-9a-f]{64}$/);
  });

  test('the same form sent again (its one-time token) creates nothing: 409 with a Chinese message, even when two copies race', async () => {
    const c = client();
    const { token, trackingNumber } = await apply(c);
    const count = async () => (await t.db.kysely.selectFrom('applications').select('id').execute()).length;
    const before = await count();
    for (const fields of [form(), form({ applicantName: '改过的名字' }), { formToken: token }]) {
      const again = await c.post('/apply', { ...fields, formToken: token });
      assert.equal(again.status, 409);
      assert.match(again.body, /<h1>申请已经提交过<\/h1>/);
      assert.match(again.body, /这份申请表已经提交过，本次没有重复提交/);
      assert.doesNotMatch(again.body, /tracking-secret|tracking-number/);
      assert.ok(!again.body.includes(trackingNumber));
      assert.equal(again.headers['set-cookie'], undefined, 'no new receipt');
    }
    assert.equal(await count(), before);
    assert.equal(await t.db.kysely.selectFrom('applications').select('id').where('applicant_name', '=', '改过的名字').executeTakeFirst(), undefined);

    // Two copies of one fresh form at once (a double click): one application; both answers lead
    // to its receipt (the second waited for the first), which the browser then reads once.
    const d = client();
    const fresh = await formToken(d);
    const answers = await Promise.all([d.post('/apply', { ...form(), formToken: fresh }), d.post('/apply', { ...form(), formToken: fresh })]);
    assert.deepEqual(answers.map((r) => r.status), [303, 303]);
    assert.equal(await count(), before + 1);
    assert.equal((await d.get('/apply/done')).status, 200);
    assert.equal((await d.post('/apply', { ...form(), formToken: fresh })).status, 409, 'the receipt read: the plain 409');

    // A new form (a new token) is a new application.
    await apply(c);
    assert.equal(await count(), before + 2);
  });

  test('the answer never arrived: the same form sent again gets it (the same number and 查询码, once), and nothing is created twice', async () => {
    const count = async () => (await t.db.kysely.selectFrom('applications').select('id').execute()).length;
    const before = await count();
    const c = client();
    const token = await formToken(c);
    const first = await c.post('/apply', { ...form(), formToken: token });
    assert.equal(first.status, 303);
    c.cookies.delete('gk_receipt'); // the answer is lost on its way: the browser never gets the cookie
    assert.equal(await count(), before + 1, 'the application exists');
    const again = await c.post('/apply', { ...form(), formToken: token });
    assert.equal(again.status, 303, 'the first answer, again');
    assert.equal(again.headers.location, '/apply/done');
    const done = await c.get('/apply/done');
    assert.equal(done.status, 200);
    const trackingNumber = /id="tracking-number"[^>]*>([^<]+)</.exec(done.body)![1]!;
    const secret = /id="tracking-secret"[^>]*>([^<]+)</.exec(done.body)![1]!;
    assert.equal(await count(), before + 1, 'nothing created twice');
    const newest = await t.db.kysely.selectFrom('applications').select('tracking_number').orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.equal(trackingNumber, newest.tracking_number, "the receipt of the form's own application");
    assert.equal((await track(client(), trackingNumber, secret)).status, 200, 'its 查询码 works');
    // Read once: then the plain "already submitted", with no receipt.
    const third = await c.post('/apply', { ...form(), formToken: token });
    assert.equal(third.status, 409);
    assert.equal(third.headers['set-cookie'], undefined);
    // Not after RECEIPT_TTL_MS either (a receipt nobody read is forgotten).
    const d = client();
    const late = await formToken(d);
    assert.equal((await d.post('/apply', { ...form(), formToken: late })).status, 303);
    d.cookies.delete('gk_receipt');
    await t.db.kysely.updateTable('online_submissions').set({ receipt_expires_at: new Date(Date.now() - 1000).toISOString() }).where('receipt_expires_at', 'is not', null).execute();
    assert.equal((await d.post('/apply', { ...form(), formToken: late })).status, 409);
  });

  test('the API with an Idempotency-Key: every retry gets the first answer for 10 minutes, then 409; a bad key is refused; nothing is created twice', async () => {
    const count = async () => (await t.db.kysely.selectFrom('applications').select('id').execute()).length;
    const before = await count();
    const c = client();
    const key = randomUUID();
    const body = { ...form(), agencyId: yongan };
    const first = await api(c, '/api/v1/applications', body, { headers: { 'idempotency-key': key } });
    assert.equal(first.status, 200, first.body);
    const retry = await api(c, '/api/v1/applications', { ...body, description: '重发时改过的内容' }, { headers: { 'idempotency-key': key } });
    assert.equal(retry.status, 200, retry.body);
    assert.deepEqual(retry.json, first.json, 'the same number and 查询码');
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    assert.equal(first.headers['idempotent-replayed'], undefined);
    const third = await api(c, '/api/v1/applications', body, { headers: { 'idempotency-key': key } });
    assert.equal(third.status, 200, 'a retry of a retry: the same answer');
    assert.deepEqual(third.json, first.json);
    await t.db.kysely.updateTable('online_submissions').set({ receipt_expires_at: new Date(Date.now() - 1000).toISOString() }).where('receipt_expires_at', 'is not', null).execute();
    const late = await api(c, '/api/v1/applications', body, { headers: { 'idempotency-key': key } });
    assert.equal(late.status, 409);
    assert.match(String(late.json.error), /已经提交过/);
    assert.equal(await count(), before + 1);
    // Two requests with one key at once: one application, the same answer to both.
    const other = randomUUID();
    const both = await Promise.all([0, 1].map(() => api(client(), '/api/v1/applications', body, { headers: { 'idempotency-key': other } })));
    assert.deepEqual(both.map((r) => r.status), [200, 200]);
    assert.deepEqual(both[0]!.json, both[1]!.json);
    assert.equal(await count(), before + 2);
    // Bad keys: 400 with the rule, nothing stored.
    for (const bad of ['short', 'x'.repeat(129), `${'a'.repeat(40)}!`, `${'a'.repeat(40)} `, '中文'.repeat(20)]) {
      const r = await api(client(), '/api/v1/applications', body, { headers: { 'idempotency-key': bad } });
      assert.equal(r.status, 400, bad);
      assert.match(String(r.json.error), /Idempotency-Key 请求头须为32至128个/);
    }
    // Without a key every request is a new application (as before).
    await api(client(), '/api/v1/applications', body);
    await api(client(), '/api/v1/applications', body);
    assert.equal(await count(), before + 4);
  });

  test('a form without its token (or with a forged one) is shown again with a new token and the values, nothing created; field errors keep the token', async () => {
    const count = async () => (await t.db.kysely.selectFrom('applications').select('id').execute()).length;
    const before = await count();
    for (const extra of [{}, { formToken: 'abc' }, { formToken: `${'x'.repeat(42)}!` }] as Array<Record<string, string>>) {
      const r = await client().post('/apply', { ...form(), ...extra });
      assert.equal(r.status, 422);
      assert.match(r.body, /申请表已失效（缺少表单标识），请核对后重新提交/);
      assert.ok(r.body.includes(PERSON.description), 'the values are kept');
      assert.match(r.body, /name="formToken" value="[A-Za-z0-9_-]{43}"/);
    }
    assert.equal(await count(), before);
    const c = client();
    const token = await formToken(c);
    const bad = await c.post('/apply', { ...form({ applicantName: '' }), formToken: token });
    assert.equal(bad.status, 422);
    assert.ok(bad.body.includes(`name="formToken" value="${token}"`), 'the corrected form is still the same form');
    const post = await c.post('/apply', { ...form(), formToken: token });
    assert.equal(post.status, 303);
    assert.equal(await count(), before + 1);
  });

  test('a POST without a CSRF token, or with a wrong one, is refused (403) and nothing is stored', async () => {
    const before = await t.db.kysely.selectFrom('applications').select('id').execute();
    const c = client();
    await c.get('/apply');
    const none = await c.post('/apply', form(), { csrf: false });
    assert.equal(none.status, 403);
    assert.match(none.body, /CSRF/);
    const wrong = await c.post('/apply', { ...form(), _csrf: 'x'.repeat(32) });
    assert.equal(wrong.status, 403);
    assert.equal((await c.post('/track', { trackingNumber: '1-2026-000001', secret: 'ABCDEFGH' }, { csrf: false })).status, 403);
    const apiNone = await api(c, '/api/v1/applications', { ...form(), agencyId: yongan }, { csrf: false });
    assert.equal(apiNone.status, 403);
    assert.match(String(apiNone.json.error), /CSRF/);
    assert.equal((await api(c, '/api/v1/track', { tracking_number: '1-2026-000001', secret: 'ABCDEFGH' }, { csrf: false })).status, 403);
    const after = await t.db.kysely.selectFrom('applications').select('id').execute();
    assert.equal(after.length, before.length);
  });

  test('the right pair shows the case without personal data; after confirmation, the receipt and reply due dates', async () => {
    const citizen = client();
    const { trackingNumber, secret } = await apply(citizen);
    const r = await track(citizen, trackingNumber, secret);
    assert.equal(r.status, 200);
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.match(r.body, /<strong id="case-state">待确认收到<\/strong>/);
    assert.match(r.body, /<dd id="case-agency">永安镇人民政府<\/dd>/);
    assert.ok(r.body.includes(trackingNumber));
    assert.match(r.body, /确认收到申请后计算/);
    assertNoPersonalData(r.body, 'the tracking page');
    assert.ok(!r.body.includes(secret) && !r.body.includes(secret.replace('-', '')), 'the 查询码 is not echoed');
    // Typed in lower case, without the hyphen, with spaces: still found.
    assert.equal((await track(citizen, ` ${trackingNumber} `, secret.replace('-', '').toLowerCase())).status, 200);

    // The office confirms receipt today: the page now shows the receipt date and the reply due date.
    const row = await appRow(trackingNumber);
    const today = chinaDate(new Date());
    await confirmReceipt(t.db, { calendar }, clerk, { applicationId: row.id, version: row.version, confirmedOn: today });
    const confirmed = await appRow(trackingNumber);
    assert.ok(confirmed.reply_due_on);
    const after = await track(citizen, trackingNumber, secret);
    assert.match(after.body, /<strong id="case-state">已登记<\/strong>/);
    assert.ok(after.body.includes(`<time datetime="${confirmed.reply_due_on}">${formatChineseDate(parseIsoDate(confirmed.reply_due_on))}</time>`));
    assert.ok(after.body.includes(`<time datetime="${today}">`));
    if (confirmed.clock_provisional) assert.match(after.body, /（推算）/);
    assert.match(after.body, /收到申请回执/);
    assertNoPersonalData(after.body, 'the tracking page after confirmation');
  });

  test('a closed case shows its outcome and the reply letter; HTML in a letter is escaped', async () => {
    const citizen = client();
    const { trackingNumber, secret } = await apply(citizen);
    const today = chinaDate(new Date());
    const r0 = await appRow(trackingNumber);
    const s1 = await confirmReceipt(t.db, { calendar }, clerk, { applicationId: r0.id, version: r0.version, confirmedOn: today });
    await reply(t.db, { calendar }, clerk, {
      applicationId: r0.id,
      version: s1.version,
      date: today,
      outcomeRow: '3.1',
      basis: '条例第三十六条第（一）项',
      summary: '<script>alert("letter")</script>所申请信息予以公开',
    });
    const r = await track(citizen, trackingNumber, secret);
    assert.match(r.body, /<strong id="case-state">已答复<\/strong>/);
    assert.match(r.body, /<dd id="case-outcome">[^<]+<\/dd>/);
    assert.match(r.body, /办结日期/);
    assert.match(r.body, /政府信息公开申请答复书/);
    assert.doesNotMatch(r.body, /<script>alert/);
    assert.match(r.body, /&lt;script>alert\(&quot;letter&quot;\)&lt;\/script>所申请信息予以公开/);
    const j = await api(citizen, '/api/v1/track', { tracking_number: trackingNumber, secret });
    assert.equal(j.status, 200);
    assert.equal((j.json.state as { closed: boolean }).closed, true);
    assert.ok(String((j.json.outcome as { label: string }).label).length > 0);
    assert.match(r.body, new RegExp(`<dd id="case-outcome">${(j.json.outcome as { label: string }).label}</dd>`));
  });

  test('a second citizen cannot open the first one\'s case: every wrong pair gets the same generic 404', async () => {
    const first = await apply(client());
    const other = client();
    const second = await apply(other);
    const attempts: Array<[string, string]> = [
      [first.trackingNumber, second.secret], // another case's number with one's own 查询码
      [second.trackingNumber, first.secret.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A'))], // a wrong 查询码
      [first.trackingNumber, 'AAAA-AAAA'],
      ['999-2026-999999', second.secret], // no such number
      ['not a number', 'x'], // malformed
      ['1'.repeat(100), 'Z'.repeat(100)], // too long
    ];
    const messages = new Set<string>();
    for (const [n, s] of attempts) {
      const r = await track(other, n, s);
      assert.equal(r.status, 404, `${n} / ${s}: ${r.body.slice(r.body.indexOf('<main'), r.body.indexOf('<main') + 600)}`);
      const alert = /<div class="error-summary" role="alert"[^]*?<\/div>/.exec(r.body)?.[0] ?? '';
      assert.ok(alert.includes(NOT_FOUND));
      messages.add(alert);
      assert.doesNotMatch(r.body, /case-state/);
      assertNoPersonalData(r.body, 'a failed lookup');
      assert.ok(!r.body.includes(s) || s.length < 3, 'the typed 查询码 is not echoed');
      const j = await api(other, '/api/v1/track', { tracking_number: n, secret: s });
      if (n.length > 40) {
        // The API checks the lengths of its body first (the domain's trackingLookupSchema).
        assert.equal(j.status, 422);
        continue;
      }
      assert.equal(j.status, 404);
      assert.deepEqual(j.json, { error: NOT_FOUND });
    }
    assert.equal(messages.size, 1, 'the same message whatever was wrong');
    // Empty fields are asked for, field by field, without a lookup.
    const empty = await track(other, '', '');
    assert.equal(empty.status, 422);
    assert.equal(fieldError(empty.body, 'trackingNumber'), '请填写申请编号');
    assert.equal(fieldError(empty.body, 'secret'), '请填写查询码');
  });

  test('the public API: submit and track; output without personal data; validation errors per field', async () => {
    const c = client();
    const token = await api(c, '/api/v1/csrf-token', undefined, { method: 'GET' });
    assert.equal(token.json.csrf_token, c.cookies.get('gk_csrf'));
    const body = { ...form(), agencyId: yongan };
    const r = await api(c, '/api/v1/applications', body);
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(Object.keys(r.json).sort(), ['secret', 'tracking_number']);
    assert.equal(r.headers['cache-control'], 'no-store');
    const { tracking_number, secret } = r.json as { tracking_number: string; secret: string };
    assert.equal((await appRow(tracking_number)).state, 'submitted');

    const v = await api(c, '/api/v1/track', { tracking_number, secret });
    assert.equal(v.status, 200);
    assert.equal(v.json.agency_name, '永安镇人民政府');
    assert.deepEqual(v.json.state, { label: '待确认收到', closed: false });
    assert.equal(v.json.received_on, null);
    assertNoPersonalData(v.body, 'the public API');
    assert.ok(!v.body.includes(secret));
    const snake = (s: string) => s.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
    // Exactly the presenter's public fields, and the files marked for the applicant (none here).
    assert.deepEqual(Object.keys(v.json).sort(), [...PUBLIC_FIELDS.map(snake), 'attachments'].sort(), 'exactly the presenter\'s public fields');
    assert.deepEqual(v.json.attachments, []);

    // The same rules as the form, with JSON types: wrong types and unknown agencies are 422 per field.
    const bad = await api(c, '/api/v1/applications', { ...body, applicantName: 42, description: ['a'], agencyId: 'x', applicantType: 'robot', purpose: { a: 1 } });
    assert.equal(bad.status, 422);
    const fields = bad.json.fields as Record<string, string>;
    assert.equal(fields.applicantName, '申请人姓名或名称应为文字');
    assert.match(fields.description!, /应为文字/);
    assert.match(fields.agencyId!, /受理机关应为整数/);
    assert.match(fields.applicantType!, /申请人类型「robot」无效/);
    assert.match(fields.purpose!, /应为文字/);
    for (const [agencyId, msg] of [
      [village, /不是行政机关/],
      [community, /不是行政机关/],
      [99_999_999, /不存在/],
      [9_007_199_254_740_991, /不存在/],
    ] as const) {
      const x = await api(c, '/api/v1/applications', { ...body, agencyId });
      assert.equal(x.status, 422, `agency ${agencyId}`);
      assert.match((x.json.fields as Record<string, string>).agencyId!, msg);
    }
    const missing = await api(c, '/api/v1/track', {});
    assert.equal(missing.status, 422);
    assert.deepEqual(Object.keys(missing.json.fields as object).sort(), ['secret', 'tracking_number']);
  });

  test('HTML in every field is stored as text and escaped wherever it is shown', async () => {
    const x = (field: string) => `<script>alert('${field}')</script>"><img src=x onerror=alert(1)>`;
    // 1. A valid application whose free-text fields hold HTML: stored as typed.
    const c = client();
    const html = form({
      applicantType: 'commercial',
      applicantName: x('name'),
      idType: 'other',
      idNumber: '<b>X1</b>',
      contactPerson: '<b>张三</b>',
      contactAddress: x('address'),
      delivery: 'pickup',
      provisionForm: 'paper',
      contactEmail: '',
      description: x('description'),
      purpose: x('purpose'),
    });
    const { res, trackingNumber, secret } = await apply(c, html);
    assert.doesNotMatch(res.body, /<script>alert|<img src=x/);
    // The ID number and contact data are stored encrypted (src/crypto/columns.ts): not in the raw
    // row; opened with the process's key they are as typed.
    const stored = await appRow(trackingNumber);
    // ('<B>X1', not 'X1': two letters turn up in base64 ciphertext about once in ten runs.)
    assert.ok(!JSON.stringify(stored).includes('张三') && !JSON.stringify(stored).includes('<B>X1') && !JSON.stringify(stored).includes('<b>X1'));
    const row = openColumns(installedDataKeys(), 'applications', stored);
    assert.equal(row.applicant_name, x('name'));
    assert.equal(row.contact_person, '<b>张三</b>');
    assert.equal(row.contact_address, x('address'));
    assert.equal(row.description, x('description'));
    assert.equal(row.purpose, x('purpose'));
    assert.equal(row.id_number, '<B>X1</B>');
    const page = await track(c, trackingNumber, secret);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.body, /<script>alert|<img src=x|<B>X1/);

    // 2. Every field of a refused form holds HTML: the re-rendered form escapes all of it.
    const all = Object.fromEntries(Object.keys(form()).map((k) => [k, x(k)]));
    const refused = await client().post('/apply', { ...all, contactPerson: x('contactPerson') });
    assert.equal(refused.status, 422);
    assert.doesNotMatch(refused.body, /<script>alert|<img src=x|"><img/);
    assert.match(refused.body, /value="&lt;script>alert\('applicantName'\)&lt;\/script>&quot;>&lt;img src=x onerror=alert\(1\)>"/);
    assert.match(refused.body, /<textarea[^>]*>&lt;script>alert\('description'\)/);
    assert.match(fieldError(refused.body, 'applicantType')!, /申请人类型「<script>alert/, 'the message quoting the input is escaped too');
    const lookup = await client().post('/track', { trackingNumber: x('number'), secret: x('secret') });
    assert.equal(lookup.status, 404);
    assert.doesNotMatch(lookup.body, /<script>alert|<img src=x/);

    // 3. An agency whose name holds HTML: escaped in the select and on the tracking page.
    const evil = await createAgency(t.db.kysely, {
      parent_id: null,
      name: '<script>alert("agency")</script>局',
      short_name: null,
      kind: 'department',
      code: null,
      office_name: null,
      office_address: null,
      office_hours: null,
      office_phone: null,
      office_fax: null,
      office_email: null,
      postcode: null,
    });
    const formPage = await client().get('/apply');
    assert.doesNotMatch(formPage.body, /<script>alert/);
    assert.match(formPage.body, /&lt;script>alert\(&quot;agency&quot;\)&lt;\/script>局/);
    const c2 = client();
    const e = await apply(c2, form({ agencyId: String(evil) }));
    assert.doesNotMatch(e.res.body, /<script>alert/);
    const ep = await track(c2, e.trackingNumber, e.secret);
    assert.doesNotMatch(ep.body, /<script>alert/);
    assert.match(ep.body, /<dd id="case-agency">&lt;script>alert\(&quot;agency&quot;\)&lt;\/script>局<\/dd>/);
  });

  test('every field too long → 422 with its Chinese message, the values kept', async () => {
    const tooLong: Record<string, [string, RegExp]> = {
      applicantName: ['名'.repeat(FIELD_LIMITS.name + 1), /申请人姓名或名称不能超过100个字/],
      idNumber: ['1'.repeat(FIELD_LIMITS.idNumber + 1), /证件号码不能超过50个字/],
      contactPerson: ['联'.repeat(FIELD_LIMITS.contactPerson + 1), /联系人姓名不能超过50个字/],
      contactPhone: ['1'.repeat(FIELD_LIMITS.phone + 1), /联系电话不能超过30个字/],
      contactEmail: [`${'a'.repeat(250)}@example.com`, /电子邮箱/],
      contactAddress: ['址'.repeat(FIELD_LIMITS.address + 1), /通信地址不能超过200个字/],
      postcode: ['1234567', /邮政编码/],
      description: ['述'.repeat(FIELD_LIMITS.description + 1), /不能超过5000个字/],
      purpose: ['用'.repeat(FIELD_LIMITS.purpose + 1), /用途不能超过1000个字/],
    };
    for (const [field, [value, message]] of Object.entries(tooLong)) {
      const r = await client().post('/apply', form({ [field]: value }));
      assert.equal(r.status, 422, field);
      const err = fieldError(r.body, field);
      assert.ok(err && CJK.test(err), `${field}: a Chinese message next to the field`);
      assert.match(err, message, field);
      assert.ok(r.body.includes(value), `${field}: the long value is kept`);
      assert.ok(r.body.includes(`href="#f-${field}"`), `${field}: the summary links to the field`);
      assert.match(r.body, new RegExp(`aria-describedby="[^"]*f-${field}-error"`), `${field}: described by its error`);
      assert.ok(r.body.includes(PERSON.contactPhone) || field === 'contactPhone', `${field}: the other values are kept`);
      assert.match(r.body, /value="natural_person" checked/);
      assert.equal(r.headers['cache-control'], 'no-store');
    }
  });

  test('every required field missing → 422 with its Chinese message', async () => {
    const required: Record<string, string> = {
      agencyId: '请选择受理机关',
      applicantType: '请选择申请人类型',
      applicantName: '请填写申请人姓名或名称',
      idType: '请选择证件类型',
      idNumber: '请填写证件号码',
      description: '请填写所需政府信息的名称、文号或特征性描述',
      provisionForm: '请选择信息的提供形式',
      delivery: '请选择获取信息的方式',
    };
    for (const [field, message] of Object.entries(required)) {
      for (const f of [without(form(), field), form({ [field]: '' }), form({ [field]: '   ' })]) {
        const r = await client().post('/apply', f);
        assert.equal(r.status, 422, field);
        // White space only is refused too (choices and numbers quote or name it rather than say 请填写).
        if (f[field] === '   ') assert.ok(CJK.test(fieldError(r.body, field) ?? ''), field);
        else assert.equal(fieldError(r.body, field), message, field);
        assert.match(r.body, /提交的内容有1处需要修改/, `${field}: only this field`);
        assert.ok(r.body.includes(PERSON.applicantName) || field === 'applicantName');
      }
    }
    // No contact at all; an organisation without a contact person; e-mail delivery without e-mail.
    const noContact = await client().post('/apply', form({ contactPhone: '', contactEmail: '', contactAddress: '', delivery: 'pickup' }));
    assert.match(fieldError(noContact.body, 'contactPhone')!, /请至少填写一种联系方式/);
    const org = await client().post('/apply', form({ applicantType: 'research', idType: 'uscc', idNumber: '91350100M000100Y43' }));
    assert.equal(fieldError(org.body, 'contactPerson'), '法人或其他组织申请的，请填写联系人姓名');
    const noMail = await client().post('/apply', form({ contactEmail: '' }));
    assert.equal(fieldError(noMail.body, 'contactEmail'), '选择通过电子邮件获取的，请填写电子邮箱');
    // An empty form: every required field at once, in page order in the summary.
    const empty = await client().post('/apply', {});
    assert.equal(empty.status, 422);
    const summary = /<div class="error-summary"[^]*?<\/div>/.exec(empty.body)![0];
    const order = [...summary.matchAll(/href="#f-(\w+)"/g)].map((m) => m[1]);
    assert.deepEqual(order, ['agencyId', 'applicantType', 'applicantName', 'idType', 'idNumber', 'contactPhone', 'description', 'provisionForm', 'delivery']);
  });

  test('wrong types and values → 422 per field: unknown choices, agencies that do not exist or are villages, bad formats', async () => {
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ applicantType: 'robot' }, 'applicantType', /申请人类型「robot」无效/],
      [{ idType: 'diploma' }, 'idType', /证件类型「diploma」无效/],
      [{ provisionForm: 'carved_stone' }, 'provisionForm', /信息的提供形式「carved_stone」无效/],
      [{ delivery: 'pigeon' }, 'delivery', /获取信息的方式「pigeon」无效/],
      [{ agencyId: 'abc' }, 'agencyId', /受理机关应为整数/],
      [{ agencyId: '-3' }, 'agencyId', /受理机关/],
      [{ agencyId: '1.5' }, 'agencyId', /受理机关应为整数/],
      [{ agencyId: '99999999' }, 'agencyId', /所选受理机关不存在/],
      [{ agencyId: '999999999999' }, 'agencyId', /所选受理机关不存在/],
      [{ agencyId: String(village) }, 'agencyId', /不是行政机关/],
      [{ agencyId: String(community) }, 'agencyId', /不是行政机关/],
      [{ idNumber: '110105194912310021' }, 'idNumber', /居民身份证号码不正确/],
      [{ applicantType: 'commercial', contactPerson: '张三', idType: 'uscc', idNumber: '91350100M000100Y44' }, 'idNumber', /统一社会信用代码不正确/],
      [{ idType: 'uscc' }, 'idType', /自然人的身份证明不能是统一社会信用代码/],
      [{ contactEmail: 'not-an-email' }, 'contactEmail', /电子邮箱格式不对/],
      [{ contactPhone: 'call me maybe' }, 'contactPhone', /联系电话格式不对/],
      [{ postcode: 'abcdef' }, 'postcode', /邮政编码应为6位数字/],
      [{ description: '一' }, 'description', /至少应有2个字/],
      [{ provisionForm: 'paper', delivery: 'email' }, 'delivery', /纸质文本只能邮寄或自行领取/],
      [{ delivery: 'post', contactAddress: '' }, 'contactAddress', /选择邮寄的，请填写通信地址/],
    ];
    for (const [overrides, field, message] of cases) {
      const r = await client().post('/apply', form(overrides));
      assert.equal(r.status, 422, JSON.stringify(overrides));
      const err = fieldError(r.body, field);
      assert.ok(err, `${JSON.stringify(overrides)}: message on ${field}`);
      assert.match(err, message);
      assert.ok(CJK.test(err));
      if (!('description' in overrides)) assert.ok(r.body.includes(PERSON.description), `${JSON.stringify(overrides)}: the description is kept`);
    }
    // A field sent twice arrives as a list: refused, not silently taken.
    const c = client();
    const token = await c.csrf();
    const twice = await t.app.inject({
      method: 'POST',
      url: '/apply',
      headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      payload: `${new URLSearchParams({ ...form(), _csrf: token }).toString()}&applicantName=${encodeURIComponent('第二个')}`,
      remoteAddress: c.ip,
    });
    assert.equal(twice.statusCode, 422);
    assert.equal(fieldError(twice.body, 'applicantName'), '申请人姓名或名称应为文字');
    assert.equal(await t.db.kysely.selectFrom('applications').select('id').where('applicant_name', '=', '第二个').executeTakeFirst(), undefined);
  });

  test('a 100 MB body is refused (413) without crashing, declared or streamed, form or JSON', async () => {
    const c = client();
    const token = await c.csrf();
    const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const SIZE = 100 * 1024 * 1024;
    const big = Buffer.alloc(SIZE, 'a');
    const declared = await t.app.inject({
      method: 'POST',
      url: '/apply',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: big,
      remoteAddress: c.ip,
    });
    assert.equal(declared.statusCode, 413);
    assert.match(declared.body, /内容过大/);
    const chunk = Buffer.alloc(1024 * 1024, 'b');
    const streamed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': token },
      payload: Readable.from(
        (function* () {
          yield Buffer.from('{"description":"');
          for (let i = 0; i < 100; i++) yield chunk;
          yield Buffer.from('"}');
        })(),
      ),
      remoteAddress: c.ip,
    });
    assert.equal(streamed.statusCode, 413);
    assert.match(streamed.json().error, /内容过大/);
    const track = await t.app.inject({ method: 'POST', url: '/track', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: big, remoteAddress: c.ip });
    assert.equal(track.statusCode, 413);
    // A multipart body (uploads are for staff) is refused unread, even with the token in the URL.
    for (const url of ['/apply', '/track']) {
      const multipart = await t.app.inject({
        method: 'POST',
        url: `${url}?_csrf=${token}`,
        headers: { cookie, 'content-type': 'multipart/form-data; boundary=XX' },
        payload: Readable.from(
          (function* () {
            yield Buffer.from('--XX\r\nContent-Disposition: form-data; name="description"\r\n\r\n');
            for (let i = 0; i < 100; i++) yield chunk;
            yield Buffer.from('\r\n--XX--\r\n');
          })(),
        ),
        remoteAddress: c.ip,
      });
      assert.equal(multipart.statusCode, 415, url);
      assert.match(multipart.body, /不接受文件上传/);
    }
    // Still serving.
    assert.equal((await client().get('/apply')).status, 200);
    await apply(client());
  });

  test(`rate limit: application number ${RATE_LIMITS.apply.max + 1} from one address within the window gets 429 with Retry-After`, async () => {
    const c = client();
    for (let i = 0; i < RATE_LIMITS.apply.max; i++) await apply(c);
    const r = await c.post('/apply', { ...form(), formToken: await formToken(c) });
    assert.equal(r.status, 429);
    assert.ok(Number(r.headers['retry-after']) > 0 && Number(r.headers['retry-after']) <= RATE_LIMITS.apply.windowMs / 1000);
    assert.match(r.body, /提交过于频繁，请\d+(分钟|秒)后再试/);
    assert.ok(r.body.includes(PERSON.description), 'the form is shown again with the values');
    assert.doesNotMatch(r.body, /tracking-secret/);
    // The API shares the budget of the address.
    const j = await api(c, '/api/v1/applications', { ...form(), agencyId: yongan });
    assert.equal(j.status, 429);
    assert.match(String(j.json.error), /提交过于频繁/);
    assert.ok(Number(j.headers['retry-after']) > 0);
    // Invalid forms are answered 422 as before (they do not count, and they create nothing).
    assert.equal((await c.post('/apply', form({ applicantName: '' }))).status, 422);
    // Another address still passes.
    await apply(client());
    const count = await t.db.kysely.selectFrom('rate_limit_hits').select('key').where('bucket', '=', 'apply').where('key', '=', c.ip).execute();
    assert.equal(count.length, RATE_LIMITS.apply.max);
  });

  test(`rate limit: tracking lookup number ${RATE_LIMITS.track.max + 1} from one address gets 429, even with the right pair`, async () => {
    const { trackingNumber, secret } = await apply(client());
    const guesser = client();
    for (let i = 0; i < RATE_LIMITS.track.max; i++) {
      const r = i % 2 ? await track(guesser, trackingNumber, `ZZZZ${String(i).padStart(4, '2')}`) : (await api(guesser, '/api/v1/track', { tracking_number: trackingNumber, secret: 'WRONG999' }));
      assert.equal(r.status, 404);
    }
    const r = await track(guesser, trackingNumber, secret);
    assert.equal(r.status, 429);
    assert.ok(Number(r.headers['retry-after']) > 0);
    assert.match(r.body, /提交过于频繁/);
    assert.doesNotMatch(r.body, /case-state/);
    const j = await api(guesser, '/api/v1/track', { tracking_number: trackingNumber, secret });
    assert.equal(j.status, 429);
    assert.ok(Number(j.headers['retry-after']) > 0);
    // The applicant, from another address, still gets in.
    assert.equal((await track(client(), trackingNumber, secret)).status, 200);
  });

  test('with rate limits switched off (GONGKAI_RATE_LIMITS=0, load tests only) nothing is counted', async () => {
    const off = await buildApp({
      db: t.db,
      calendar,
      files: createFileStore(mkdtempSync(join(tmpdir(), 'gongkai-files-'))),
      maxUploadBytes: 1024,
      rateLimits: false,
    });
    try {
      const { trackingNumber, secret } = await apply(client());
      const c = new Client(off, '10.78.0.1');
      for (let i = 0; i <= RATE_LIMITS.track.max; i++) assert.equal((await c.post('/track', { trackingNumber, secret })).status, 200);
      const hits = await t.db.kysely.selectFrom('rate_limit_hits').select('key').where('key', '=', c.ip).execute();
      assert.equal(hits.length, 0);
    } finally {
      await off.close();
    }
  });

  test('OpenAPI lists the public endpoints; their responses have no personal fields', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    const doc = r.json();
    const apply = doc.paths['/api/v1/applications'].post;
    const lookup = doc.paths['/api/v1/track'].post;
    assert.ok(apply && lookup && doc.paths['/api/v1/csrf-token'].get);
    assert.equal(apply.security, undefined, 'public: no session');
    assert.equal(lookup.security, undefined);
    assert.ok(apply.requestBody.content['application/json'].schema.properties.applicantName, 'the form\'s schema');
    assert.deepEqual(Object.keys(lookup.requestBody.content['application/json'].schema.properties).sort(), ['secret', 'tracking_number']);
    const names = (schema: unknown, out = new Set<string>()): Set<string> => {
      if (Array.isArray(schema)) schema.forEach((s) => names(s, out));
      else if (schema && typeof schema === 'object') {
        const o = schema as Record<string, unknown>;
        if (o.properties && typeof o.properties === 'object') Object.keys(o.properties).forEach((k) => out.add(k));
        Object.values(o).forEach((v) => names(v, out));
      }
      return out;
    };
    const personal = /name$|^applicant|id_?(number|type)|phone|e_?mail|address|postcode|description|purpose|contact/i;
    for (const [path, op] of [['/applications', apply], ['/track', lookup]] as const) {
      const fields = [...names(op.responses['200'])];
      assert.ok(fields.length > 0);
      // agency_name: the agency; filename: a file the office provides to the applicant (listed on
      // the tracking page too, after the same check of the pair).
      const leaked = fields.filter((f) => personal.test(f) && f !== 'agency_name' && f !== 'filename');
      assert.deepEqual(leaked, [], `${path}: no personal fields in the response schema`);
    }
    assert.deepEqual(Object.keys(apply.responses['200'].content['application/json'].schema.properties).sort(), ['secret', 'tracking_number']);
  });

  test('the 查询码 shown on the success page works for the lookup, typed as displayed', async () => {
    const c = client();
    const { trackingNumber, secret } = await apply(c);
    assert.equal(secret, displaySecret(secret.replace('-', '')));
    const r = await track(client(), trackingNumber, secret);
    assert.equal(r.status, 200);
  });
});
