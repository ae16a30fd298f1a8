/**
 * Administrators' pages of the catalogue over HTTP, on SQLite or PostgreSQL: the word list (kept
 * by administrators of a top-level agency) and an agency's catalogue settings (机构代码, review
 * chain, 索引号 pattern with its preview), each audited; and what the settings change in publishing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findUserByUsername, loadActor } from '../accounts/user.repository.js';
import { createDraft, review, submit } from '../catalogue/catalogue.service.js';
import { findPublicItem } from '../catalogue/visibility.js';
import { Client, openTestApp, type TestApp } from '../../test/support/app.js';
import { testDialect } from '../../test/support/db.js';

const XSS = '<script>alert(1)</script>';
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/\s+/g, ' ');

describe(`catalogue administration (${testDialect})`, () => {
  let t: TestApp;
  const ids = new Map<string, number>();
  let ip = 0;
  const client = async (user: string) => {
    const c = new Client(t.app, `10.78.0.${++ip}`);
    assert.equal((await c.login(user)).status, 303);
    return c;
  };
  const audits = async (action: string) => t.db.kysely.selectFrom('audit_log').select(['user_id', 'agency_id', 'details', 'ip']).where('action', '=', action).orderBy('id').execute();

  before(async () => {
    t = await openTestApp();
    t.app.deps.now = () => new Date('2026-11-16T10:00:00+08:00');
    for (const a of await t.db.kysely.selectFrom('agencies').select(['id', 'name']).execute()) ids.set(a.name, a.id);
  });
  after(async () => {
    await t?.close();
  });

  test('the word list: the district administrator adds and removes; bad input per field; others get 404', async () => {
    const admin = await client('admin');
    let page = await admin.get('/admin/catalogue/words');
    assert.equal(page.status, 200);
    assert.match(page.body, /词表是空的/);
    assert.match((await admin.get('/admin')).body, /<a href="\/admin\/catalogue\/words">敏感词和易错词<\/a>/);
    let r = await admin.post('/admin/catalogue/words', { word: '按排', kind: 'typo', suggestion: '安排' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, '/admin/catalogue/words?done=added');
    r = await admin.post('/admin/catalogue/words', { word: XSS, kind: 'sensitive' });
    assert.equal(r.status, 303);
    const bad: Array<[Record<string, string>, string, RegExp]> = [
      [{ word: '', kind: 'sensitive' }, 'word', /请填写词语/],
      [{ word: '词'.repeat(51), kind: 'sensitive' }, 'word', /词语不能超过50个字/],
      [{ word: '有 空格', kind: 'sensitive' }, 'word', /词语中不能有空格/],
      [{ word: '按排', kind: 'sensitive' }, 'word', /「按排」已在词表中/],
      [{ word: 'ＡＢ', kind: 'sensitive' }, 'kind', /./],
      [{ word: '帐户', kind: 'typo' }, 'suggestion', /易错词须填写正确写法/],
      [{ word: '帐户', kind: 'typo', suggestion: '帐户' }, 'suggestion', /正确写法与词语相同/],
      [{ word: '机密', kind: 'sensitive', suggestion: '秘密' }, 'suggestion', /敏感词不填写正确写法/],
      [{ word: '机密', kind: 'other' }, 'kind', /类型「other」无效/],
    ];
    for (const [form, field, message] of bad) {
      if (field === 'kind' && form.kind === 'sensitive') {
        // Full-width letters are the same word as half-width ones: accepted once, then a duplicate.
        assert.equal((await admin.post('/admin/catalogue/words', form)).status, 303);
        r = await admin.post('/admin/catalogue/words', { word: 'ab', kind: 'sensitive' });
        assert.equal(r.status, 422);
        assert.match(r.body, /「ab」已在词表中/);
        continue;
      }
      r = await admin.post('/admin/catalogue/words', form);
      assert.equal(r.status, 422, JSON.stringify(form));
      assert.match(text(r.body), message, JSON.stringify(form));
      assert.match(r.body, new RegExp(`id="w-${field}"[^>]*aria-invalid="true"`));
    }
    page = await admin.get('/admin/catalogue/words');
    assert.doesNotMatch(page.body, /<script>alert/);
    assert.match(page.body, /<th scope="row">&lt;script>alert\(1\)&lt;\/script><\/th>/);
    const row = await t.db.kysely.selectFrom('sensitive_words').select('id').where('word', '=', '按排').executeTakeFirstOrThrow();
    r = await admin.post(`/admin/catalogue/words/${row.id}/remove`, {});
    assert.equal(r.status, 303);
    assert.equal((await admin.post(`/admin/catalogue/words/${row.id}/remove`, {})).status, 404);
    const log = await audits('catalogue.word_added');
    assert.equal(log.length, 3);
    assert.equal(log[0]!.ip, admin.ip);
    assert.deepEqual(JSON.parse(log[0]!.details!), { word: '按排', kind: 'typo', suggestion: '安排' });
    assert.equal((await audits('catalogue.word_removed')).length, 1);

    for (const user of ['clerk', 'reviewer', 'head', 'supervisor', 'village']) {
      const c = await client(user);
      assert.equal((await c.get('/admin/catalogue/words')).status, 404, user);
      assert.equal((await c.post('/admin/catalogue/words', { word: '越权', kind: 'sensitive' })).status, 404, user);
      assert.doesNotMatch((await c.get('/admin')).body, /敏感词和易错词/);
    }
    await t.db.kysely.deleteFrom('sensitive_words').execute();
  });

  test("an agency's settings: 机构代码, chain and pattern, with a preview; errors per field; audited; used when publishing", async () => {
    const town = ids.get('永安镇人民政府')!;
    const admin = await client('admin');
    let page = await admin.get(`/admin/agencies/${town}/catalogue`);
    assert.equal(page.status, 200);
    assert.match(page.body, /<input id="s-code" name="code" type="text" value="113704020040000201"/);
    assert.match(page.body, /<input id="s-default-chain" name="defaultChain" type="checkbox" value="1" checked/);
    assert.match(text(page.body), /本年第一条“01”类信息的索引号为： 113704020040000201-01-2026-0001/);
    assert.match((await admin.get(`/admin/agencies/${town}/letters`)).body, new RegExp(`href="/admin/agencies/${town}/catalogue"`));

    // Preview: nothing saved.
    const form = { code: 'YAZ2026', level1Label: '镇长审批', level1Role: 'head', level1At: 'self', level2Label: '', level3Label: '', indexPattern: 'YA-{year}-{serial:3}' };
    let r = await admin.post(`/admin/agencies/${town}/catalogue`, { ...form, preview: '1' });
    assert.equal(r.status, 200);
    assert.match(text(r.body), /索引号为： YA-2026-001 .*尚未保存/);
    assert.equal((await t.db.kysely.selectFrom('agencies').select('index_pattern').where('id', '=', town).executeTakeFirstOrThrow()).index_pattern, null);

    // Errors go back to their fields.
    r = await admin.post(`/admin/agencies/${town}/catalogue`, { ...form, code: '11 37', level1Label: '', level2Label: '长'.repeat(21), level2Role: 'admin', level2At: 'self', indexPattern: `${XSS}{year}` });
    assert.equal(r.status, 422);
    assert.match(r.body, /id="s-code"[^>]*aria-invalid="true"/);
    assert.match(text(r.body), /机构代码只能由字母和数字组成/);
    assert.match(r.body, /id="s-l2-label"[^>]*aria-invalid="true"/);
    assert.match(text(r.body), /审核环节名称不能超过20个字/);
    assert.match(r.body, /id="s-l2-role"[^>]*aria-invalid="true"/);
    assert.match(r.body, /id="s-pattern" name="indexPattern" type="text" value="[^"]*"[^>]*aria-invalid="true"/);
    assert.doesNotMatch(r.body, /<script>alert/);
    r = await admin.post(`/admin/agencies/${ids.get('市中区人民政府')}/catalogue`, { ...form, level1At: 'parent' });
    assert.equal(r.status, 422);
    assert.match(text(r.body), /本机关没有上级机关，审核环节不能设在上级机关/);

    r = await admin.post(`/admin/agencies/${town}/catalogue`, form);
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, `/admin/agencies/${town}/catalogue?saved=1`);
    page = await admin.get(`/admin/agencies/${town}/catalogue?saved=1`);
    assert.match(page.body, /已保存。/);
    assert.match(page.body, /id="s-l1-label" name="level1Label" type="text" value="镇长审批"/);
    const a = await t.db.kysely.selectFrom('agencies').select(['code', 'review_chain', 'index_pattern']).where('id', '=', town).executeTakeFirstOrThrow();
    assert.deepEqual(a, { code: 'YAZ2026', review_chain: JSON.stringify([{ label: '镇长审批', role: 'head', at: 'self' }]), index_pattern: 'YA-{year}-{serial:3}' });
    const log = await audits('agency.catalogue_settings');
    assert.equal(log.length, 1);
    assert.equal(log[0]!.agency_id, town);
    assert.equal(JSON.parse(log[0]!.details!).before.code, '113704020040000201');

    // A town item now goes through the one level and gets a number of the new pattern.
    const actor = async (u: string) => (await loadActor(t.db.kysely, (await findUserByUsername(t.db.kysely, u))!.id))!;
    const deps = { calendar: t.app.deps.calendar, now: t.app.deps.now! };
    const d = await createDraft(t.db, deps, await actor('clerk'), { agencyId: town, title: '一级审核发布', summary: '概述', category: 'art20.2', subject: '综合政务', formedOn: '2026-11-16' });
    const s = await submit(t.db, deps, await actor('clerk'), d.itemId, { version: d.version });
    assert.equal((await review(t.db, deps, await actor('head'), d.itemId, { version: s.version, conclusion: 'approved', basis: '同意' })).state, 'published');
    assert.equal((await findPublicItem(t.db.kysely, d.itemId))?.indexNumber, 'YA-2026-001');

    // Back to the defaults.
    r = await admin.post(`/admin/agencies/${town}/catalogue`, { code: '113704020040000201', defaultChain: '1', level1Label: '镇长审批', level1Role: 'head', level1At: 'self', indexPattern: '' });
    assert.equal(r.status, 303);
    assert.deepEqual(await t.db.kysely.selectFrom('agencies').select(['review_chain', 'index_pattern']).where('id', '=', town).executeTakeFirstOrThrow(), { review_chain: null, index_pattern: null });
    // Without a code: saved, with the warning shown.
    r = await admin.post(`/admin/agencies/${ids.get('新华村民委员会')}/catalogue`, { code: '', defaultChain: '1', indexPattern: '' });
    assert.equal(r.status, 303);
    page = await admin.get(`/admin/agencies/${ids.get('新华村民委员会')}/catalogue`);
    assert.match(text(page.body), /尚未填写机构代码：在填写之前，本机关的信息无法发布/);

    for (const user of ['clerk', 'head', 'supervisor']) {
      const c = await client(user);
      assert.equal((await c.get(`/admin/agencies/${town}/catalogue`)).status, 404, user);
      assert.equal((await c.post(`/admin/agencies/${town}/catalogue`, form)).status, 404, user);
    }
    assert.equal((await admin.get('/admin/agencies/999999/catalogue')).status, 404);
  });
});
