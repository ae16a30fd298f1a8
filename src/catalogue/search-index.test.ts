/**
 * The catalogue in the search index: in step with publication and withdrawal, searched per column
 * (the agency key of every ancestor), with attachments' text, and rebuilt by reindexCatalogue.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { removeDocument, search } from '../search/index.js';
import { buildPortalWorld, DOCX_TEXT, HIDDEN, SHOWN, type PortalWorld } from '../../test/support/portal-fixtures.js';
import { openTestApp, type TestApp } from '../../test/support/app.js';
import { testDialect } from '../../test/support/db.js';
import { review, revise, submit, updateDraft, withdraw } from './catalogue.service.js';
import { agencyKey, CATALOGUE_SCOPE, reindexCatalogue } from './search-index.js';

describe('the catalogue in the search index', () => {
  let t: TestApp;
  let w: PortalWorld;
  const find = async (query: string, filters: string[] = []) => (await search(t.db, { scope: CATALOGUE_SCOPE, query, filters })).ids;

  before(async () => {
    t = await openTestApp();
    w = await buildPortalWorld(t.db, t.app.deps.files, t.app.deps.calendar);
  });
  after(() => t.close());

  test('public items are found; drafts, items in review, returned, withdrawn and on-request ones are not', async () => {
    assert.deepEqual(await find(SHOWN.budget), [w.shown.budget]);
    assert.deepEqual(await find('预算'), (await find('预算')).filter((id) => Object.values(w.shown).includes(id)));
    for (const text of Object.values(HIDDEN)) assert.deepEqual(await find(text), [], text);
  });

  test("a column finds its own and its subtree's items only", async () => {
    const town = agencyKey(w.agencies.town);
    assert.deepEqual(await find(SHOWN.village, [town]), [w.shown.village], 'a village item is in its town column');
    assert.deepEqual(await find(SHOWN.village, [agencyKey(w.agencies.dept)]), []);
    assert.deepEqual(await find(SHOWN.dept, [town]), []);
    assert.deepEqual(await find(SHOWN.dept, [agencyKey(w.agencies.gov)]), [w.shown.dept], 'the government column holds its departments');
  });

  test("an attachment's text is searchable", async () => {
    assert.ok(DOCX_TEXT.includes('预算收支表'));
    assert.deepEqual(await find('预算收支表'), [w.shown.budget], 'only in the attachment');
  });

  test('a new version replaces the text; a withdrawal takes the item out at once', async () => {
    const id = w.shown.gov;
    const page = await t.db.kysely.selectFrom('catalogue_items').select('version').where('id', '=', id).executeTakeFirstOrThrow();
    const author = (await t.db.kysely.selectFrom('users').select('id').where('username', '=', 'gov_clerk').executeTakeFirstOrThrow()).id;
    const { loadActor } = await import('../accounts/user.repository.js');
    const clerk = (await loadActor(t.db.kysely, author))!;
    const reviewer = (await loadActor(t.db.kysely, (await t.db.kysely.selectFrom('users').select('id').where('username', '=', 'gov_reviewer').executeTakeFirstOrThrow()).id))!;
    const head = (await loadActor(t.db.kysely, (await t.db.kysely.selectFrom('users').select('id').where('username', '=', 'gov_head').executeTakeFirstOrThrow()).id))!;
    const r = await revise(t.db, w.deps, clerk, id, { version: page.version });
    const v = await t.db.kysely.selectFrom('catalogue_versions').selectAll().where('id', '=', r.versionId).executeTakeFirstOrThrow();
    const u = await updateDraft(t.db, w.deps, clerk, id, { version: r.version, title: '区政府规范性文件（修订稿）', summary: v.summary, category: v.category, subject: v.subject, body: '全新正文：营商环境优化措施', formedOn: v.formed_on, changeNote: '修订' });
    // Until the new version is approved, the index holds the published text.
    assert.deepEqual(await find('营商环境'), []);
    const s = await submit(t.db, w.deps, clerk, id, { version: u.version });
    const l1 = await review(t.db, w.deps, reviewer, id, { version: s.version, conclusion: 'approved', basis: '同意' });
    const p = await review(t.db, w.deps, head, id, { version: l1.version, conclusion: 'approved', basis: '同意' });
    assert.deepEqual(await find('营商环境'), [id]);
    assert.deepEqual(await find(`${SHOWN.gov}的正文`), [], 'the old body is gone from the index');
    await withdraw(t.db, w.deps, head, id, { version: p.version, reason: '已废止' });
    assert.deepEqual(await find('营商环境'), []);
  });

  test('reindexCatalogue rebuilds the index of the public items', async () => {
    for (const id of Object.values(w.shown)) await removeDocument(t.db, { scope: CATALOGUE_SCOPE, docId: id });
    assert.deepEqual(await find(SHOWN.budget), []);
    const n = await reindexCatalogue(t.db);
    assert.ok(n >= Object.keys(SHOWN).length - 1);
    assert.deepEqual(await find(SHOWN.budget), [w.shown.budget]);
  });

  test('PostgreSQL: after an upgrade, reindexCatalogue gives every indexed item its token sequence (migration 2026112819)', { skip: testDialect !== 'postgres' }, async () => {
    const count = async (table: 'search_forward' | 'search_documents') => Number((await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(t.db.kysely)).rows[0]!.n);
    // An index written before the table existed has no sequences.
    await sql`DELETE FROM search_forward`.execute(t.db.kysely);
    assert.deepEqual(await find(SHOWN.budget), [w.shown.budget], 'still found, by the lists');
    await reindexCatalogue(t.db);
    assert.ok((await count('search_documents')) > 0);
    assert.equal(await count('search_forward'), await count('search_documents'));
    assert.deepEqual(await find(SHOWN.budget), [w.shown.budget]);
  });
});
