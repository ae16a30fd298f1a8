/**
 * The public catalogue's in-memory state (rendered pages, per-agency counts, the agency tree)
 * must never show stale data: every change below is made straight in the database, as another
 * app node or the CLI would, and the very next request must show it — on SQLite and PostgreSQL
 * (TEST_DATABASE_URL). Also: the deepest page, and the same pages without the page cache.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createFileStore } from '../attachments/store.js';
import { PublicCountCache } from '../portal/public-catalogue.js';
import { buildApp } from './app.js';
import { MAX_LIST_PAGE, PORTAL_PAGE_SIZE } from './routes/portal-catalogue.js';
import { Client, openTestApp, type TestApp } from '../../test/support/app.js';
import { testDialect } from '../../test/support/db.js';
import { buildPortalWorld, HIDDEN, SHOWN, TODAY, type PortalWorld } from '../../test/support/portal-fixtures.js';

/** The page's visible text (tags removed). */
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const links = (html: string, id: number) => html.includes(`href="/xxgk/items/${id}"`);
/** "共 N 条" of a catalogue page or a column home. */
const total = (html: string) => Number(/共 ([\d,]+) 条/.exec(text(html))?.[1]?.replace(/,/g, '') ?? NaN);
/** The count shown next to a category on a column home. */
const categoryCount = (html: string, category: string) => Number(new RegExp(`category=${category.replace('.', '\\.')}">[^<]+</a><span class="count">([\\d,]+) `).exec(html)?.[1] ?? NaN);

describe(`public catalogue pages follow changes made in the database (${testDialect})`, () => {
  let t: TestApp;
  let w: PortalWorld;
  let c: Client;
  const k = () => t.db.kysely;

  before(async () => {
    t = await openTestApp();
    w = await buildPortalWorld(t.db, t.app.deps.files, t.app.deps.calendar);
    c = new Client(t.app, '10.66.0.1');
  });
  after(() => t.close());

  const get = async (url: string, status = 200) => {
    const r = await c.get(url);
    assert.equal(r.status, status, `${url}: ${text(r.body).slice(0, 300)}`);
    return r.body;
  };

  test('a withdrawal and a re-publication made in the database show at the next request: lists, counts, the column above', async () => {
    const home = `/xxgk/${w.agencies.town}`;
    const list = `/xxgk/${w.agencies.town}/catalogue`;
    const budgets = `${list}?category=art20.7`;
    const gov = `/xxgk/${w.agencies.gov}/catalogue`;
    const before = { home: await get(home), list: await get(list), budgets: await get(budgets), gov: await get(gov) };
    assert.equal(await get(home), before.home, 'nothing changed: the same page');
    assert.equal(await get(list), before.list);
    for (const b of Object.values(before)) assert.ok(links(b, w.shown.budget), 'links(b, w.shown.budget)');
    assert.equal(categoryCount(before.home, 'art20.7'), 3);

    await k().updateTable('catalogue_items').set({ withdrawn_at: new Date().toISOString(), withdrawn_reason: '另一节点撤回' }).where('id', '=', w.shown.budget).execute();
    const after = { home: await get(home), list: await get(list), budgets: await get(budgets), gov: await get(gov) };
    for (const [where, b] of Object.entries(after)) assert.ok(!links(b, w.shown.budget), `${where}: the withdrawn item is gone`);
    assert.equal(categoryCount(after.home, 'art20.7'), 2);
    assert.equal(total(after.home), total(before.home) - 1);
    assert.equal(total(after.list), total(before.list) - 1);
    assert.equal(total(after.budgets), total(before.budgets) - 1);
    assert.equal(total(after.gov), total(before.gov) - 1);

    await k().updateTable('catalogue_items').set({ withdrawn_at: null, withdrawn_reason: null }).where('id', '=', w.shown.budget).execute();
    const back = await get(home);
    assert.ok(links(back, w.shown.budget), 'links(back, w.shown.budget)');
    assert.equal(categoryCount(back, 'art20.7'), 3);
    assert.equal(total(await get(list)), total(before.list));
  });

  test('a publication made in the database shows at the next request', async () => {
    const home = `/xxgk/${w.agencies.town}`;
    const list = `/xxgk/${w.agencies.town}/catalogue?category=art20.7&year=${TODAY.slice(0, 4)}`;
    const before = { home: await get(home), list: await get(list) };
    assert.ok(!before.home.includes(HIDDEN.draft), '!before.home.includes(HIDDEN.draft)');
    const v = await k().selectFrom('catalogue_versions').select('id').where('item_id', '=', w.hidden.draft).executeTakeFirstOrThrow();
    await k().transaction().execute(async (trx) => {
      await trx.updateTable('catalogue_versions').set({ state: 'published', published_on: TODAY, published_at: new Date().toISOString() }).where('id', '=', v.id).execute();
      await trx.updateTable('catalogue_items').set({ published_version_id: v.id, first_published_on: TODAY }).where('id', '=', w.hidden.draft).execute();
    });
    try {
      const home2 = await get(home);
      assert.ok(links(home2, w.hidden.draft) && home2.includes(HIDDEN.draft), 'the new item is among the newest');
      assert.equal(total(home2), total(before.home) + 1);
      const list2 = await get(list);
      assert.ok(links(list2, w.hidden.draft), 'links(list2, w.hidden.draft)');
      assert.equal(total(list2), total(before.list) + 1);
    } finally {
      await k().transaction().execute(async (trx) => {
        await trx.updateTable('catalogue_items').set({ published_version_id: null, first_published_on: null }).where('id', '=', w.hidden.draft).execute();
        await trx.updateTable('catalogue_versions').set({ state: 'draft', published_on: null, published_at: null }).where('id', '=', v.id).execute();
      });
    }
    const home3 = await get(home);
    assert.ok(!links(home3, w.hidden.draft) && !home3.includes(HIDDEN.draft), 'back to a draft: gone again');
    assert.equal(total(home3), total(before.home));
  });

  test('a published title corrected in the database shows at the next request; an item moved to another agency changes both columns', async () => {
    const gov = `/xxgk/${w.agencies.gov}`;
    assert.ok((await get(gov)).includes(SHOWN.gov), '(await get(gov)).includes(SHOWN.gov)');
    const item = await k().selectFrom('catalogue_items').select('published_version_id').where('id', '=', w.shown.gov).executeTakeFirstOrThrow();
    await k().updateTable('catalogue_versions').set({ title: '区政府规范性文件（更正）' }).where('id', '=', item.published_version_id!).execute();
    assert.ok((await get(gov)).includes('区政府规范性文件（更正）'), '(await get(gov)).includes(\'区政府规范性文件（更正）\')');

    const dept = `/xxgk/${w.agencies.dept}/catalogue`;
    const town = `/xxgk/${w.agencies.town}/catalogue`;
    const before = { dept: total(await get(dept)), town: total(await get(town)) };
    await k().updateTable('catalogue_items').set({ agency_id: w.agencies.dept }).where('id', '=', w.shown.lastYear).execute();
    assert.equal(total(await get(dept)), before.dept + 1);
    assert.equal(total(await get(town)), before.town - 1);
    await k().updateTable('catalogue_items').set({ agency_id: w.agencies.town }).where('id', '=', w.shown.lastYear).execute();
    assert.equal(total(await get(town)), before.town);
  });

  test('an agency renamed in the database shows at the next request: platform, column home, the 发布机关 filter', async () => {
    const platform = await get('/xxgk');
    const town = await get(`/xxgk/${w.agencies.town}`);
    const list = await get(`/xxgk/${w.agencies.town}/catalogue`);
    assert.ok(platform.includes('永安镇人民政府') && town.includes('永安镇人民政府') && list.includes('永安村民委员会'), 'platform.includes(\'永安镇人民政府\') && town.includes(\'永安镇人民政府\') && list.includes(\'永安村民委员会\')');
    await k().updateTable('agencies').set({ name: '永安街道办事处' }).where('id', '=', w.agencies.town).execute();
    await k().updateTable('agencies').set({ name: '永安社区居民委员会' }).where('id', '=', w.agencies.village).execute();
    try {
      const platform2 = await get('/xxgk');
      assert.ok(platform2.includes('永安街道办事处') && !platform2.includes('永安镇人民政府'), 'platform2.includes(\'永安街道办事处\') && !platform2.includes(\'永安镇人民政府\')');
      const town2 = await get(`/xxgk/${w.agencies.town}`);
      assert.match(town2, /<h1>永安街道办事处 政府信息公开<\/h1>/);
      const list2 = await get(`/xxgk/${w.agencies.town}/catalogue`);
      // (发布机构 of each item is the publisher recorded with it, not the agency's name.)
      assert.match(list2, /<option value="\d+">永安社区居民委员会（1）<\/option>/);
      assert.doesNotMatch(list2, /<option value="\d+">永安村民委员会（/);
    } finally {
      await k().updateTable('agencies').set({ name: '永安镇人民政府' }).where('id', '=', w.agencies.town).execute();
      await k().updateTable('agencies').set({ name: '永安村民委员会' }).where('id', '=', w.agencies.village).execute();
    }
    assert.ok((await get('/xxgk')).includes('永安镇人民政府'), '(await get(\'/xxgk\')).includes(\'永安镇人民政府\')');
  });

  test('an agency moved in the database: a village under another column redirects there at the next request', async () => {
    assert.equal((await c.get(`/xxgk/${w.agencies.village}`)).headers.location, `/xxgk/${w.agencies.town}/catalogue?dept=${w.agencies.village}`);
    await k().updateTable('agencies').set({ parent_id: w.agencies.dept }).where('id', '=', w.agencies.village).execute();
    try {
      assert.equal((await c.get(`/xxgk/${w.agencies.village}`)).headers.location, `/xxgk/${w.agencies.dept}/catalogue?dept=${w.agencies.village}`);
      assert.ok(links(await get(`/xxgk/${w.agencies.dept}/catalogue?dept=${w.agencies.village}`), w.shown.village), 'links(await get(`/xxgk/${w.agencies.dept}/catalogue?dept=${w.agencies.village}`), w.shown.village)');
      assert.ok(!links(await get(`/xxgk/${w.agencies.town}/catalogue`), w.shown.village), '!links(await get(`/xxgk/${w.agencies.town}/catalogue`), w.shown.village)');
    } finally {
      await k().updateTable('agencies').set({ parent_id: w.agencies.town }).where('id', '=', w.agencies.village).execute();
    }
    assert.ok(links(await get(`/xxgk/${w.agencies.town}/catalogue`), w.shown.village), 'links(await get(`/xxgk/${w.agencies.town}/catalogue`), w.shown.village)');
  });

  test('an item page follows its item: a corrected title, a withdrawal, a move, a rename of its agency; the same bytes while nothing changed', async () => {
    const url = `/xxgk/items/${w.shown.budget}`;
    const first = await get(url);
    assert.equal(await get(url), first, 'the second rendering (its agency now known): the same page');
    assert.equal(await get(url), first, 'from the cache: the same page');
    const item = await k().selectFrom('catalogue_items').select('published_version_id').where('id', '=', w.shown.budget).executeTakeFirstOrThrow();
    const title = await k().selectFrom('catalogue_versions').select('title').where('id', '=', item.published_version_id!).executeTakeFirstOrThrow();
    await k().updateTable('catalogue_versions').set({ title: '预算公开（更正）' }).where('id', '=', item.published_version_id!).execute();
    try {
      assert.match(await get(url), /<h1>预算公开（更正）<\/h1>/);
    } finally {
      await k().updateTable('catalogue_versions').set({ title: title.title }).where('id', '=', item.published_version_id!).execute();
    }
    assert.equal(await get(url), first, 'the title restored');
    await k().updateTable('catalogue_items').set({ withdrawn_at: new Date().toISOString() }).where('id', '=', w.shown.budget).execute();
    try {
      await get(url, 404);
    } finally {
      await k().updateTable('catalogue_items').set({ withdrawn_at: null }).where('id', '=', w.shown.budget).execute();
    }
    assert.equal(await get(url), first);
    await get(url);
    await k().updateTable('catalogue_items').set({ agency_id: w.agencies.dept }).where('id', '=', w.shown.budget).execute();
    try {
      const moved = await get(url);
      assert.ok(moved.includes(`href="/xxgk/${w.agencies.dept}"`) && !moved.includes(`href="/xxgk/${w.agencies.town}"`), 'the breadcrumbs name the new column');
    } finally {
      await k().updateTable('catalogue_items').set({ agency_id: w.agencies.town }).where('id', '=', w.shown.budget).execute();
    }
    assert.equal(await get(url), first);
    await k().updateTable('agencies').set({ name: '永安街道办事处' }).where('id', '=', w.agencies.town).execute();
    try {
      assert.ok((await get(url)).includes('永安街道办事处'), 'the column renamed');
    } finally {
      await k().updateTable('agencies').set({ name: '永安镇人民政府' }).where('id', '=', w.agencies.town).execute();
    }
    assert.equal(await get(url), first);
  });

  test("the guide follows the agency's office details changed in the database", async () => {
    const url = `/xxgk/${w.agencies.town}/guide`;
    const first = await get(url);
    assert.equal(await get(url), first, 'nothing changed: the same page');
    const old = await k().selectFrom('agencies').select('office_phone').where('id', '=', w.agencies.town).executeTakeFirstOrThrow();
    await k().updateTable('agencies').set({ office_phone: '0632-7654321' }).where('id', '=', w.agencies.town).execute();
    try {
      assert.ok((await get(url)).includes('0632-7654321'), 'the new phone number');
    } finally {
      await k().updateTable('agencies').set({ office_phone: old.office_phone }).where('id', '=', w.agencies.town).execute();
    }
    assert.equal(await get(url), first);
  });

  test('the counts: only an agency whose catalogue changed is counted again', async () => {
    const cache = new PublicCountCache();
    const ids = [w.agencies.town, w.agencies.village, w.agencies.community];
    const first = await cache.counts(k(), ids);
    assert.equal(cache.counted, 3);
    assert.equal((await cache.counts(k(), ids)).total(), first.total());
    assert.equal(cache.counted, 3, 'nothing changed: nothing counted');
    const item = await k().selectFrom('catalogue_items').select('published_version_id').where('id', '=', w.shown.village).executeTakeFirstOrThrow();
    await k().updateTable('catalogue_versions').set({ category: 'art21.town.1' }).where('id', '=', item.published_version_id!).execute();
    const second = await cache.counts(k(), ids);
    assert.equal(cache.counted, 4, "only the village's items were counted again");
    assert.equal(second.total(), first.total());
    assert.equal(second.byCategory().get('art21.town.1'), (first.byCategory().get('art21.town.1') ?? 0) + 1);
    assert.equal(second.total({ agencyIds: [w.agencies.village], category: 'art21.town.7' }), first.total({ agencyIds: [w.agencies.village], category: 'art21.town.7' }) - 1);
    await k().updateTable('catalogue_versions').set({ category: 'art21.town.7' }).where('id', '=', item.published_version_id!).execute();
  });

  test('drafts, reviews and returns move no counter: the cached page stays', async () => {
    const home = `/xxgk/${w.agencies.town}`;
    const before = await get(home);
    const v = await k().selectFrom('catalogue_versions').select('id').where('item_id', '=', w.hidden.draft).executeTakeFirstOrThrow();
    const cache = new PublicCountCache();
    await cache.counts(k(), [w.agencies.town]);
    await k().updateTable('catalogue_versions').set({ title: `${HIDDEN.draft}标题（改）` }).where('id', '=', v.id).execute();
    await k().updateTable('catalogue_items').set({ updated_at: new Date().toISOString() }).where('id', '=', w.hidden.draft).execute();
    await cache.counts(k(), [w.agencies.town]);
    assert.equal(cache.counted, 1, 'not counted again');
    assert.equal(await get(home), before);
  });

  test(`pages past ${MAX_LIST_PAGE} are refused with a Chinese message; page ${MAX_LIST_PAGE} itself is not`, async () => {
    const body = await get(`/xxgk/${w.agencies.town}/catalogue?page=${MAX_LIST_PAGE + 1}`, 400);
    assert.match(text(body), new RegExp(`目录最多可翻阅到第 ${MAX_LIST_PAGE} 页（最新的 ${(MAX_LIST_PAGE * PORTAL_PAGE_SIZE).toLocaleString('en-US')} 条）`));
    assert.match(text(body), /按年度、类别或发布机关筛选，或使用检索/);
    // The small test catalogue has one page: page 500 is past its last (404), not refused (400).
    assert.match(text(await get(`/xxgk/${w.agencies.town}/catalogue?page=${MAX_LIST_PAGE}`, 404)), /没有第 500 页（共 1 页）/);
  });

  describe('without the page cache (GONGKAI_PAGE_CACHE=0)', () => {
    let plain: FastifyInstance;
    before(async () => {
      plain = await buildApp({ db: t.db, calendar: t.app.deps.calendar, files: createFileStore(mkdtempSync(join(tmpdir(), 'gongkai-files-'))), maxUploadBytes: 1024, pageCache: false });
      await plain.ready();
    });
    after(() => plain.close());

    test('the same pages, as current', async () => {
      const other = new Client(plain, '10.66.0.2');
      for (const url of ['/xxgk', `/xxgk/${w.agencies.town}`, `/xxgk/${w.agencies.gov}/catalogue?category=art20.7&page=1`, `/xxgk/${w.agencies.town}/catalogue?dept=${w.agencies.village}`, `/xxgk/items/${w.shown.budget}`, `/xxgk/${w.agencies.town}/guide`]) {
        assert.equal((await other.get(url)).body, await get(url), url);
      }
      await k().updateTable('catalogue_items').set({ withdrawn_at: new Date().toISOString() }).where('id', '=', w.shown.village).execute();
      try {
        assert.ok(!links((await other.get(`/xxgk/${w.agencies.town}`)).body, w.shown.village), '!links((await other.get(`/xxgk/${w.agencies.town}`)).body, w.shown.village)');
      } finally {
        await k().updateTable('catalogue_items').set({ withdrawn_at: null }).where('id', '=', w.shown.village).execute();
      }
      assert.ok(links((await other.get(`/xxgk/${w.agencies.town}`)).body, w.shown.village), 'links((await other.get(`/xxgk/${w.agencies.town}`)).body, w.shown.village)');
    });
  });
});
