/**
 * The public 政府信息公开 column over HTTP (app.inject), on SQLite or PostgreSQL
 * (TEST_DATABASE_URL), with the demo agency tree and a catalogue made through the catalogue
 * service (test/support/portal-fixtures.ts): every page; the visibility rule through every public
 * surface (item page, column home, the catalogue by category / year / agency, feeds, sitemap,
 * search, downloads) — a draft, an item in review, a returned one, a withdrawn one, an on-request
 * one, a superseded version's text and a revision still in draft appear nowhere; escaping of
 * every field in HTML and XML; bad query strings answer Chinese 4xx pages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import mammoth from 'mammoth';
import { createAgency } from '../agencies/agency.repository.js';
import { createDraft, review, revise, submit, updateDraft } from '../catalogue/catalogue.service.js';
import { addVersionFile } from '../catalogue/files.js';
import { findPublicItem } from '../catalogue/visibility.js';
import { Client, openTestApp, type Res, type TestApp } from '../../test/support/app.js';
import { testDialect } from '../../test/support/db.js';
import { buildPortalWorld, DOCX_TEXT, HIDDEN, LAST_YEAR_DAY, SHOWN, TODAY, XSS, type PortalWorld } from '../../test/support/portal-fixtures.js';
import { assertWellFormedXml, texts } from '../../test/support/xml.js';
import { MAX_PAGE, PORTAL_PAGE_SIZE } from './routes/portal-catalogue.js';

const CJK = /[\u4e00-\u9fff]/;
const HIDDEN_MARKERS = Object.values(HIDDEN);

function assertNoHidden(body: string, where: string): void {
  for (const m of HIDDEN_MARKERS) assert.ok(!body.includes(m), `${where} must not contain ${m}`);
}

/** The page's visible text (tags removed, entities decoded). */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/** Item ids linked from a page (HTML) or a feed/sitemap (absolute URLs). */
const linkedItems = (body: string) => new Set([...body.matchAll(/\/xxgk\/items\/(\d+)(?=["<?#/])/g)].map((m) => Number(m[1])));

describe(`public column 政府信息公开 (${testDialect})`, () => {
  let t: TestApp;
  let w: PortalWorld;
  let c: Client;
  let hiddenIds: number[];
  let shownIds: number[];

  before(async () => {
    t = await openTestApp();
    w = await buildPortalWorld(t.db, t.app.deps.files, t.app.deps.calendar);
    c = new Client(t.app, '10.55.0.1');
    hiddenIds = Object.values(w.hidden);
    shownIds = Object.values(w.shown);
  });
  after(async () => {
    await t.close();
  });

  const get = async (url: string, status = 200): Promise<Res> => {
    const r = await c.get(url);
    assert.equal(r.status, status, `${url}: ${text(r.body).slice(0, 400)}`);
    return r;
  };

  /** Checks a list-like page: no hidden marker, no link to a hidden item. */
  const checkList = (r: Res, where: string) => {
    assertNoHidden(r.body, where);
    for (const id of hiddenIds) assert.ok(!linkedItems(r.body).has(id), `${where} must not link the hidden item ${id}`);
  };

  describe('pages', () => {
    test('the platform lists the columns: governments, departments, towns; villages are part of their town', async () => {
      const r = await get('/xxgk');
      for (const id of [w.agencies.gov, w.agencies.dept, w.agencies.town]) assert.match(r.body, new RegExp(`href="/xxgk/${id}"`));
      assert.ok(!r.body.includes(`href="/xxgk/${w.agencies.village}"`), 'a village has no column');
      assert.match(text(r.body), /永安镇人民政府 （含永安村民委员会、新华村民委员会、东关社区居民委员会发布的信息）/);
      assert.match(r.body, /<h1>政府信息公开<\/h1>/);
      // The portal home and the navigation lead here.
      const home = await get('/');
      assert.match(home.body, /<a href="\/xxgk">政府信息公开专栏<\/a>/);
      assert.match(home.body, new RegExp(`<a href="/xxgk/${w.agencies.town}">永安镇人民政府</a>`));
    });

    test("a column's home: the sub-columns, the categories of 条例第20条 and the town's 第21条 with counts, the newest items", async () => {
      const r = await get(`/xxgk/${w.agencies.town}`);
      const body = text(r.body);
      for (const s of ['政府信息公开指南', '政府信息公开制度', '法定主动公开内容', '条例第二十条规定的主动公开内容', '条例第二十一条规定的主动公开内容', '筹资筹劳']) assert.ok(body.includes(s), s);
      // The column's annual reports (src/server/routes/portal-reports.tsx).
      assert.ok(r.body.includes(`<a href="/xxgk/${w.agencies.town}/reports">政府信息公开年报</a>`));
      assert.doesNotMatch(body, /市政建设/, "a town's column has no county 第21条 categories");
      // 财政预算、决算信息: the budget, the revised and the pending-revision items (town) → 3.
      assert.match(r.body, new RegExp(`category=art20\\.7">财政预算、决算信息</a><span class="count">3 `));
      assert.match(r.body, new RegExp(`category=art21\\.town\\.7">筹资筹劳</a><span class="count">1 `));
      for (const id of [w.shown.budget, w.shown.village, w.shown.revised]) assert.ok(linkedItems(r.body).has(id), `newest items include ${id}`);
      assert.ok(!linkedItems(r.body).has(w.shown.dept), "the department's item is not in the town's column");
      assert.match(r.body, new RegExp(`href="/apply\\?agency=${w.agencies.town}"`));
      assert.match(r.body, /aria-current="page"[^>]*>专栏首页|href="\/xxgk\/\d+" aria-current="page">专栏首页/);
      checkList(r, 'the town column');
      // A government's column holds its departments' and towns' items, and their other categories.
      const gov = await get(`/xxgk/${w.agencies.gov}`);
      assert.match(text(gov.body), /市政建设/);
      assert.match(text(gov.body), /下属机关（单位）的其他类别/);
      for (const id of [w.shown.gov, w.shown.dept, w.shown.budget]) assert.ok(linkedItems(gov.body).has(id));
      checkList(gov, 'the government column');
    });

    test('a village or community has no column: its address sends to its town, its catalogue filtered by it', async () => {
      const r = await get(`/xxgk/${w.agencies.village}`, 301);
      assert.equal(r.headers.location, `/xxgk/${w.agencies.town}/catalogue?dept=${w.agencies.village}`);
      const list = await get(String(r.headers.location));
      assert.ok(linkedItems(list.body).has(w.shown.village));
      assert.ok(!linkedItems(list.body).has(w.shown.budget));
      assert.equal((await get(`/xxgk/${w.agencies.community}/guide`, 301)).headers.location, `/xxgk/${w.agencies.town}/catalogue?dept=${w.agencies.community}`);
    });

    test('政府信息公开指南 is generated from the agency data: what is registered is shown, what is missing is said to be missing', async () => {
      const r = await get(`/xxgk/${w.agencies.town}/guide`);
      const body = text(r.body);
      for (const s of ['永安镇党政办公室', '市中区永安镇政府路1号', '0632-3020001', '277121', '工作日 上午8:30–12:00']) assert.ok(body.includes(s), s);
      // 永安镇 registered no fax and no e-mail: the guide says so and invents none.
      assert.match(body, /传真号码 本机关尚未登记/);
      assert.match(body, /电子邮箱 本机关尚未登记/);
      assert.match(body, /尚未在本平台登记政府信息公开工作机构的传真号码、电子邮箱/);
      assert.doesNotMatch(r.body, /mailto:/);
      // The 12条 contents: classification, arrangement (索引号 from the agency's code), how to obtain, remedies.
      assert.match(body, /索引号的格式为： 机构代码（113704020040000201）-类别号-年度-流水号（4位）/);
      for (const s of ['条例第二十九条', '条例第三十三条', '条例第四十二条', '条例第五十一条', '本机关的上一级行政机关是市中区人民政府']) assert.ok(body.includes(s), s);
      assert.match(r.body, new RegExp(`href="/apply\\?agency=${w.agencies.town}"`));
      // The government registered everything: no missing-data note, its e-mail as a link.
      const gov = await get(`/xxgk/${w.agencies.gov}/guide`);
      assert.doesNotMatch(text(gov.body), /尚未登记/);
      assert.match(gov.body, /<a href="mailto:gk@szq\.example\.gov\.cn">gk@szq\.example\.gov\.cn<\/a>/);
      assert.match(text(gov.body), /0632-3010002/);
    });

    test('an agency with no office data at all: every detail is reported missing, the 索引号 code too', async () => {
      const id = await createAgency(t.db.kysely, {
        parent_id: w.agencies.gov,
        name: '市中区统计局',
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
      const body = text((await get(`/xxgk/${id}/guide`)).body);
      for (const label of ['机构名称', '办公地址', '办公时间', '联系电话', '传真号码', '电子邮箱', '邮政编码']) assert.match(body, new RegExp(`${label} 本机关尚未登记`));
      assert.match(body, /尚未在本平台登记政府信息公开工作机构的机构名称、办公地址、办公时间、联系电话、传真号码、电子邮箱、邮政编码/);
      assert.match(body, /本机关尚未登记办公地址和传真号码/);
      assert.match(body, /市中区统计局的机构代码尚未登记/);
      const home = await get(`/xxgk/${id}`);
      assert.match(text(home.body), /本专栏尚未发布信息/);
    });

    test('政府信息公开制度: the national rules, and a note when the agency has listed none of its own', async () => {
      const body = text((await get(`/xxgk/${w.agencies.town}/rules`)).body);
      assert.match(body, /永安镇人民政府尚未在本专栏登载本机关的政府信息公开工作制度/);
      assert.match(body, /国务院令第711号/);
      assert.match(body, /国办公开办函〔2019〕61号/);
    });

    test('an item page: the catalogue data, body, the published attachments, the version history', async () => {
      const r = await get(`/xxgk/items/${w.shown.budget}`);
      const body = text(r.body);
      const item = (await findPublicItem(t.db.kysely, w.shown.budget))!;
      for (const [label, value] of [
        ['索引号', item.indexNumber!],
        ['发布机构', '永安镇人民政府'],
        ['文号', '永政发〔2026〕1号'],
        ['成文日期', '2026-11-10'],
        ['发布日期', TODAY],
        ['主题分类', '财政、金融、审计'],
        ['信息类别', '财政预算、决算信息 （条例第20条第（七）项）'],
        ['有效性', '有效'],
        ['公开方式', '主动公开'],
      ]) {
        assert.ok(body.includes(`${label} ${value}`), `${label} ${value}`);
      }
      assert.match(item.indexNumber!, /^113704020040000201-07-2026-\d{4}$/);
      assert.match(body, /一、一般公共预算收入 二、一般公共预算支出/);
      assert.match(r.body, new RegExp(`href="/xxgk/items/${w.shown.budget}/files/${w.files.budgetDocx}"`));
      assert.match(body, /永安镇2026年预算表\.docx （Word，/);
      assert.match(body, /首次发布于 2026-11-16 ，此后未修订/);
      // The same page for every visitor (the rating form carries no token: server/csrf.ts).
      assert.doesNotMatch(r.body, /name="_csrf"/);
      assert.equal(r.headers['cache-control'], undefined);
      // The breadcrumb places it in its column and category.
      assert.match(r.body, new RegExp(`href="/xxgk/${w.agencies.town}/catalogue\\?category=art20\\.7">财政预算、决算信息</a>`));
      // A village's item belongs to the town's column.
      assert.match((await get(`/xxgk/items/${w.shown.village}`)).body, new RegExp(`href="/xxgk/${w.agencies.town}">永安镇人民政府</a>`));
    });

    test('有效性: a repealed item shows since when and the repealing document', async () => {
      const body = text((await get(`/xxgk/items/${w.shown.lastYear}`)).body);
      assert.match(body, /有效性 废止（自 2025-06-01 起），废止文件：永政发〔2025〕9号/);
      assert.match(body, new RegExp(`发布日期 ${LAST_YEAR_DAY}`));
    });

    test("a revised item: the new version's text and file; the history lists versions by number, date and change note", async () => {
      const r = await get(`/xxgk/items/${w.shown.revised}`);
      const body = text(r.body);
      assert.match(body, new RegExp(`${SHOWN.revised}正文`));
      assert.match(body, /第 1 版 2026-11-16 首次发布/);
      assert.match(body, /第 2 版（现行） 2026-11-16 更正预算数字/);
      assert.ok(r.body.includes(`/files/${w.files.revisedCurrent}"`));
      assert.ok(!r.body.includes(`/files/${w.files.superseded}"`));
      assertNoHidden(r.body, 'the revised item');
      const pending = await get(`/xxgk/items/${w.shown.pendingCurrent}`);
      assert.match(text(pending.body), new RegExp(`${SHOWN.pendingCurrent}正文`));
      assert.ok(!pending.body.includes(`/files/${w.files.pendingDraft}"`));
      assertNoHidden(pending.body, 'the item with a draft revision');
    });

    test('the catalogue: by category, by year, by agency, with counts; newest first', async () => {
      const base = `/xxgk/${w.agencies.town}/catalogue`;
      const all = await get(base);
      assert.match(text(all.body), /共 5 条/);
      const order = [...all.body.matchAll(/href="\/xxgk\/items\/(\d+)" class="doc-title"/g)].map((m) => Number(m[1]));
      assert.equal(order.at(-1), w.shown.lastYear, 'last year’s item comes last');
      const cat = await get(`${base}?category=art21.town.7`);
      assert.deepEqual([...linkedItems(cat.body)], [w.shown.village]);
      assert.match(cat.body, /<h1>筹资筹劳<\/h1>/);
      assert.match(cat.body, /feed\.atom\?category=art21\.town\.7/);
      const year = await get(`${base}?year=2025`);
      assert.deepEqual([...linkedItems(year.body)], [w.shown.lastYear]);
      assert.match(year.body, /<option value="2026">2026年<\/option>/);
      assert.match(year.body, /<option value="2025" selected>2025年<\/option>/);
      const dept = await get(`${base}?dept=${w.agencies.village}`);
      assert.deepEqual([...linkedItems(dept.body)], [w.shown.village]);
      assert.match(dept.body, new RegExp(`<option value="${w.agencies.village}" selected>永安村民委员会（1）</option>`));
      const none = await get(`${base}?category=art20.14&year=2025`);
      assert.match(text(none.body), /共 0 条/);
      assert.match(text(none.body), /没有符合条件的信息/);
    });

    test('pages of 20: the pager, and a page past the last is a 404', async () => {
      // 21 more items of the department, published through its own review chain.
      const { deptClerk, deptReviewer, deptHead } = w.actors;
      for (let i = 1; i <= PORTAL_PAGE_SIZE + 1; i++) {
        const d = await createDraft(t.db, w.deps, deptClerk, { agencyId: w.agencies.dept, title: `区教育局分页测试第${i}号`, summary: '分页', category: 'art20.15', subject: '科技、教育', formedOn: TODAY });
        const s = await submit(t.db, w.deps, deptClerk, d.itemId, { version: d.version });
        const l1 = await review(t.db, w.deps, deptReviewer, d.itemId, { version: s.version, conclusion: 'approved', basis: '同意' });
        await review(t.db, w.deps, deptHead, d.itemId, { version: l1.version, conclusion: 'approved', basis: '同意' });
      }
      const base = `/xxgk/${w.agencies.dept}/catalogue?category=art20.15`;
      const p1 = await get(base);
      assert.equal(linkedItems(p1.body).size, PORTAL_PAGE_SIZE);
      assert.match(text(p1.body), /共 21 条，第 1 页，共 2 页/);
      assert.match(p1.body, /href="\/xxgk\/\d+\/catalogue\?category=art20\.15&amp;page=2" rel="next"/);
      const p2 = await get(`${base}&page=2`);
      assert.equal(linkedItems(p2.body).size, 1);
      assert.match(p2.body, /rel="prev"/);
      const p3 = await get(`${base}&page=3`, 404);
      assert.match(text(p3.body), /没有第 3 页（共 2 页）/);
    });
  });

  describe('visibility: nothing unpublished, withdrawn, on request or superseded on any public surface', () => {
    test('item pages: unknown, draft, in review, returned, withdrawn and on-request items give the same 404', async () => {
      const unknown = await get('/xxgk/items/999999', 404);
      for (const id of hiddenIds) {
        const r = await get(`/xxgk/items/${id}`, 404);
        assert.equal(r.body, unknown.body, `item ${id} answers like an unknown one`);
      }
      for (const bad of ['abc', '0', '-1', '1.5', '99999999999', '2147483648']) assert.equal((await get(`/xxgk/items/${bad}`, 404)).body, unknown.body, bad);
      assert.match(text(unknown.body), /未找到该信息/);
    });

    test('column homes and the catalogue under every category, year and agency', async () => {
      for (const columnId of [w.agencies.gov, w.agencies.town, w.agencies.dept]) {
        checkList(await get(`/xxgk/${columnId}`), `column ${columnId}`);
        const base = `/xxgk/${columnId}/catalogue`;
        const first = await get(base);
        checkList(first, base);
        const categories = [...first.body.matchAll(/<option value="(art[\w.]+)"/g)].map((m) => m[1]!);
        const years = [...first.body.matchAll(/<option value="(\d{4})"/g)].map((m) => m[1]!);
        const depts = [...first.body.matchAll(/<select id="f-dept"[\s\S]*?<\/select>/g)].flatMap((m) => [...m[0].matchAll(/<option value="(\d+)"/g)].map((x) => x[1]!));
        assert.ok(categories.length >= 15 && years.length >= 1, `${base}: filters offered`);
        for (const cat of categories) checkList(await get(`${base}?category=${cat}`), `${base}?category=${cat}`);
        for (const y of years) checkList(await get(`${base}?year=${y}`), `${base}?year=${y}`);
        for (const d of depts) checkList(await get(`${base}?dept=${d}`), `${base}?dept=${d}`);
      }
    });

    test('feeds of every column and every category', async () => {
      for (const columnId of [w.agencies.gov, w.agencies.town, w.agencies.dept]) {
        const r = await get(`/xxgk/${columnId}/feed.atom`);
        assert.match(String(r.headers['content-type']), /^application\/atom\+xml; charset=utf-8/);
        assertWellFormedXml(r.body);
        checkList(r, `feed ${columnId}`);
        const cats = [...(await get(`/xxgk/${columnId}/catalogue`)).body.matchAll(/<option value="(art[\w.]+)"/g)].map((m) => m[1]!);
        for (const cat of cats) {
          const f = await get(`/xxgk/${columnId}/feed.atom?category=${cat}`);
          assertWellFormedXml(f.body);
          checkList(f, `feed ${columnId} ${cat}`);
        }
      }
      // Shared caches may keep feeds and sitemaps: no cookie with them.
      for (const url of [`/xxgk/${w.agencies.town}/feed.atom`, '/sitemap.xml', '/sitemaps/items-1.xml']) {
        const fresh = await t.app.inject({ method: 'GET', url });
        assert.equal(fresh.headers['set-cookie'], undefined, url);
        assert.equal(fresh.headers['cache-control'], 'public, max-age=300', url);
      }
      // Nor do the pages (the platform page, an item page with its token-free rating form); a page with a form that needs a token sets it.
      assert.equal((await t.app.inject({ method: 'GET', url: '/xxgk' })).headers['set-cookie'], undefined);
      assert.equal((await t.app.inject({ method: 'GET', url: `/xxgk/items/${w.shown.budget}` })).headers['set-cookie'], undefined);
      assert.match(String((await t.app.inject({ method: 'GET', url: `/xxgk/${w.agencies.town}/complaint` })).headers['set-cookie']), /^gk_csrf=/);
      const town = await get(`/xxgk/${w.agencies.town}/feed.atom`);
      const ids = linkedItems(town.body);
      for (const id of [w.shown.budget, w.shown.village, w.shown.revised, w.shown.pendingCurrent, w.shown.lastYear]) assert.ok(ids.has(id), `feed has ${id}`);
      assert.deepEqual(texts(town.body, 'title').slice(0, 1), ['永安镇人民政府 · 政府信息公开']);
      const cat = await get(`/xxgk/${w.agencies.town}/feed.atom?category=art21.town.7`);
      assert.deepEqual([...linkedItems(cat.body)], [w.shown.village]);
      assert.match(cat.body, /<category term="art21\.town\.7" label="筹资筹劳"\/>/);
    });

    test('the sitemap lists the column pages and exactly the public items', async () => {
      const r = await get('/sitemap.xml');
      assert.match(String(r.headers['content-type']), /^application\/xml/);
      assertWellFormedXml(r.body);
      assert.deepEqual(new Set([...linkedItems(r.body)].filter((id) => shownIds.includes(id) || hiddenIds.includes(id))), new Set(shownIds));
      checkList(r, 'sitemap');
      const locs = texts(r.body, 'loc');
      for (const p of ['', '/guide', '/rules', '/catalogue', '/reports']) assert.ok(locs.includes(`http://localhost:80/xxgk/${w.agencies.town}${p}`), p);
      // The annual reports: the list, and the demo's published 2020 report of the town.
      assert.ok(locs.includes('http://localhost:80/xxgk/reports'));
      assert.match(r.body, new RegExp(`<loc>http://localhost:80/xxgk/reports/${w.agencies.town}/2020</loc><lastmod>2021-01-20</lastmod>`));
      assert.ok(!locs.some((l) => l.endsWith(`/xxgk/${w.agencies.village}`)), 'no column for a village');
      assert.ok(locs.includes(`http://localhost:80/xxgk/items/${w.shown.lastYear}`));
      assert.match(r.body, new RegExp(`<loc>http://localhost:80/xxgk/items/${w.shown.lastYear}</loc><lastmod>${LAST_YEAR_DAY}</lastmod>`));
      // The parts an index would point to serve the same content.
      const items = await get('/sitemaps/items-1.xml');
      assert.deepEqual(new Set([...linkedItems(items.body)].filter((id) => shownIds.includes(id) || hiddenIds.includes(id))), new Set(shownIds));
      assertWellFormedXml((await get('/sitemaps/columns.xml')).body);
      await get('/sitemaps/items-2.xml', 404);
      await get('/sitemaps/other.xml', 404);
      // With GONGKAI_PUBLIC_URL, absolute links name the configured site whatever the Host header says.
      t.app.deps.publicUrl = 'https://xxgk.example.gov.cn';
      try {
        for (const url of ['/sitemap.xml', `/xxgk/${w.agencies.town}/feed.atom`]) {
          const spoofed = await t.app.inject({ method: 'GET', url, headers: { host: 'evil.example' } });
          assert.equal(spoofed.statusCode, 200, url);
          assert.ok(!spoofed.body.includes('evil.example'), url);
          assert.ok(spoofed.body.includes('https://xxgk.example.gov.cn/xxgk/'), url);
        }
      } finally {
        delete t.app.deps.publicUrl;
      }
    });

    test('search finds public items only — by title, body, 文号, attachment text — and never a hidden text', async () => {
      for (const m of HIDDEN_MARKERS) {
        const r = await get(`/xxgk/search?q=${encodeURIComponent(m)}`);
        assert.match(text(r.body), /共 0 条/, m);
        for (const id of hiddenIds) assert.ok(!linkedItems(r.body).has(id), `search ${m}`);
      }
      // 秘文 is in every hidden text, in no public one.
      const common = await get(`/xxgk/search?q=${encodeURIComponent('秘文')}`);
      assert.match(text(common.body), /共 0 条/);
      checkList(common, 'search 秘文');
      const two = await get(`/xxgk/search?q=${encodeURIComponent('预算')}`);
      assert.ok(linkedItems(two.body).has(w.shown.budget), 'a two-character query finds the budget');
      checkList(two, 'search 预算');
      assert.ok(linkedItems((await get(`/xxgk/search?q=${encodeURIComponent('市中教发〔2026〕3号')}`)).body).has(w.shown.dept), 'by 文号');
      assert.ok(linkedItems((await get(`/xxgk/search?q=${encodeURIComponent('一般公共预算收支表')}`)).body).has(w.shown.budget), 'by attachment text');
      assert.ok(linkedItems((await get(`/xxgk/search?q=${encodeURIComponent(SHOWN.revised)}`)).body).has(w.shown.revised));
      // Scoped to a column: the department's item is not in the town's column.
      const scoped = await get(`/xxgk/search?q=${encodeURIComponent('招生')}&column=${w.agencies.town}`);
      assert.match(text(scoped.body), /在永安镇人民政府专栏中检索“招生”，共 0 条/);
      assert.ok(linkedItems((await get(`/xxgk/search?q=${encodeURIComponent('招生')}&column=${w.agencies.gov}`)).body).has(w.shown.dept));
      // Two words must both occur.
      assert.match(text((await get(`/xxgk/search?q=${encodeURIComponent('预算 招生')}`)).body), /共 0 条/);
      // LIKE's own characters are literal.
      assert.match(text((await get(`/xxgk/search?q=${encodeURIComponent('预%算')}`)).body), /共 0 条/);
      assert.match(text((await get(`/xxgk/search?q=${encodeURIComponent('a_b')}`)).body), /共 0 条/);
    });

    test('downloads: only the files of a public item’s published version, as attachments with the sniffed type', async () => {
      const r = await t.app.inject({ method: 'GET', url: `/xxgk/items/${w.shown.budget}/files/${w.files.budgetDocx}` });
      assert.equal(r.statusCode, 200);
      assert.equal(r.headers['content-type'], 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      assert.match(String(r.headers['content-disposition']), /^attachment; filename="[^"]*\.docx"; filename\*=UTF-8''%E6%B0%B8/);
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      const { value } = await mammoth.extractRawText({ buffer: r.rawPayload });
      assert.equal(value.trim(), DOCX_TEXT);
      assert.equal(r.headers['cache-control'], 'public, max-age=300');
      assert.equal(r.headers['set-cookie'], undefined, 'a response shared caches may keep sets no cookie');
      // The current file of the revised item downloads; the superseded, draft-revision and draft files do not.
      assert.equal((await t.app.inject({ method: 'GET', url: `/xxgk/items/${w.shown.revised}/files/${w.files.revisedCurrent}` })).body, `${SHOWN.revised}附件`);
      const nf = await get(`/xxgk/items/${w.shown.revised}/files/999999`, 404);
      for (const [item, file] of [
        [w.shown.revised, w.files.superseded],
        [w.shown.pendingCurrent, w.files.pendingDraft],
        [w.hidden.draft, w.files.draft],
        [w.shown.revised, w.files.budgetDocx], // another item's file
        [w.hidden.withdrawn, w.files.budgetDocx],
      ] as const) {
        const x = await get(`/xxgk/items/${item}/files/${file}`, 404);
        assert.equal(x.body, nf.body);
        assertNoHidden(x.body, 'a refused download');
      }
      await get(`/xxgk/items/${w.shown.budget}/files/abc`, 404);
      await get(`/xxgk/items/abc/files/${w.files.budgetDocx}`, 404);
    });

    test('a newly withdrawn item disappears from every surface at once', async () => {
      const { withdraw } = await import('../catalogue/catalogue.service.js');
      const before = await get(`/xxgk/items/${w.shown.lastYear}`);
      assert.equal(before.status, 200);
      const row = await t.db.kysely.selectFrom('catalogue_items').select('version').where('id', '=', w.shown.lastYear).executeTakeFirstOrThrow();
      await withdraw(t.db, w.deps, w.actors.head, w.shown.lastYear, { version: row.version, reason: '测试撤回' });
      await get(`/xxgk/items/${w.shown.lastYear}`, 404);
      for (const url of [`/xxgk/${w.agencies.town}`, `/xxgk/${w.agencies.town}/catalogue?year=2025`, `/xxgk/${w.agencies.town}/feed.atom`, '/sitemap.xml', `/xxgk/search?q=${encodeURIComponent(SHOWN.lastYear)}`]) {
        const r = await get(url);
        assert.ok(!linkedItems(r.body).has(w.shown.lastYear), url);
        // (The search page repeats the query itself.)
        if (!url.includes('search')) assert.ok(!r.body.includes(SHOWN.lastYear), url);
      }
      // The year it was the only item of is no longer offered.
      assert.doesNotMatch((await get(`/xxgk/${w.agencies.town}/catalogue`)).body, /<option value="2025"/);
    });
  });

  describe('escaping', () => {
    let xssItem: number;
    const TRICKY = `预算<b>&"'${'\u0001'}${'\u0008'}${'\u000B'}${'\uFFFE'}尾`;

    before(async () => {
      const { clerk, reviewer, head } = w.actors;
      const d = await createDraft(t.db, w.deps, clerk, {
        agencyId: w.agencies.town,
        title: `${XSS}${TRICKY}`,
        summary: `概述${XSS}`,
        publisher: `机构${XSS}`,
        docNumber: `文号${XSS}`,
        category: 'art20.7',
        subject: '财政、金融、审计',
        body: `正文${XSS}`,
        validity: 'repealed',
        validityOn: '2026-11-01',
        repealedBy: `废止${XSS}`,
        formedOn: TODAY,
      });
      const f = await addVersionFile(t.db, t.app.deps.files, w.deps, clerk, d.itemId, { version: d.version, filename: `<img src=x onerror=alert(1)>".txt`, bytes: Buffer.from('附件') });
      const approve = async (itemId: number, version: number) => {
        const s = await submit(t.db, w.deps, clerk, itemId, { version, confirmWords: true });
        const l1 = await review(t.db, w.deps, reviewer, itemId, { version: s.version, conclusion: 'approved', basis: '同意' });
        return (await review(t.db, w.deps, head, itemId, { version: l1.version, conclusion: 'approved', basis: '同意' })).version;
      };
      let v = await approve(d.itemId, f.version);
      v = (await revise(t.db, w.deps, clerk, d.itemId, { version: v })).version;
      const current = await t.db.kysely.selectFrom('catalogue_versions').selectAll().where('item_id', '=', d.itemId).where('state', '=', 'draft').executeTakeFirstOrThrow();
      v = (
        await updateDraft(t.db, w.deps, clerk, d.itemId, {
          version: v,
          title: current.title,
          summary: current.summary,
          publisher: current.publisher,
          docNumber: current.doc_number,
          category: current.category,
          subject: current.subject,
          body: current.body,
          validity: current.validity,
          validityOn: current.validity_on,
          repealedBy: current.repealed_by,
          formedOn: TODAY,
          changeNote: `说明${XSS}`,
        })
      ).version;
      await approve(d.itemId, v);
      xssItem = d.itemId;
    });

    test('every field is escaped on the item page, lists, search and admin-free pages', async () => {
      const pages = [
        `/xxgk/items/${xssItem}`,
        `/xxgk/${w.agencies.town}`,
        `/xxgk/${w.agencies.town}/catalogue`,
        `/xxgk/search?q=${encodeURIComponent('预算')}`,
        `/xxgk/search?q=${encodeURIComponent(XSS)}`,
      ];
      for (const url of pages) {
        const r = await get(url);
        assert.ok(!r.body.includes('<script>alert'), `${url}: no raw script`);
        assert.ok(!r.body.includes('<img src=x'), `${url}: no raw img`);
        assert.ok(!r.body.includes('<b>&'), `${url}: no raw markup from a title`);
      }
      const page = (await get(`/xxgk/items/${xssItem}`)).body;
      for (const s of ['概述', '机构', '文号', '正文', '废止', '说明']) assert.ok(page.includes(`${s}&lt;script>alert(&quot;x&quot;)&lt;/script>&lt;img src=x onerror=alert(1)>`), s);
      assert.ok(!page.includes('onerror=alert(1)>"'), 'the file name is escaped');
    });

    test('feeds and the sitemap stay well-formed XML: <, &, quotes escaped, control characters dropped', async () => {
      const feed = (await get(`/xxgk/${w.agencies.town}/feed.atom`)).body;
      assertWellFormedXml(feed);
      assert.ok(!feed.includes('<script>'));
      const title = texts(feed, 'title').find((x) => x.includes('预算<b>'));
      assert.equal(title, `${XSS}预算<b>&"'尾`);
      assert.ok(feed.includes('&lt;b&gt;&amp;&quot;&apos;尾'));
      const cat = (await get(`/xxgk/${w.agencies.town}/feed.atom?category=art20.7`)).body;
      assertWellFormedXml(cat);
      assert.match(cat, /label="财政预算、决算信息"/);
      assertWellFormedXml((await get('/sitemap.xml')).body);
    });

    test('an agency name and office data with markup are escaped in the guide, feeds and sitemap', async () => {
      const id = await createAgency(t.db.kysely, {
        parent_id: w.agencies.gov,
        name: `局${XSS}&`,
        short_name: null,
        kind: 'department',
        code: `C${XSS}`,
        office_name: `办${XSS}`,
        office_address: `址${XSS}`,
        office_hours: `时${XSS}`,
        office_phone: `话${XSS}`,
        office_fax: `传${XSS}`,
        office_email: `x@example.org"><script>alert(1)</script>`,
        postcode: `邮${XSS}`,
      });
      for (const url of [`/xxgk/${id}`, `/xxgk/${id}/guide`, `/xxgk/${id}/rules`, `/xxgk/${id}/catalogue`, `/xxgk/${id}/complaint`, '/xxgk', `/xxgk/search?q=x&column=${id}`]) {
        const r = await get(url);
        assert.ok(!r.body.includes('<script>alert'), url);
        assert.ok(!r.body.includes('<img src=x'), url);
      }
      const feed = (await get(`/xxgk/${id}/feed.atom`)).body;
      assertWellFormedXml(feed);
      assert.equal(texts(feed, 'name')[0], `局${XSS}&`);
      assertWellFormedXml((await get('/sitemap.xml')).body);
    });
  });

  describe('bad addresses and query strings answer Chinese 4xx pages', () => {
    const cases: Array<[string, number]> = [];
    before(() => {
      const town = w.agencies.town;
      const cat = `/xxgk/${town}/catalogue`;
      cases.push(
        [`${cat}?page=-1`, 400],
        [`${cat}?page=0`, 400],
        [`${cat}?page=abc`, 400],
        [`${cat}?page=1.5`, 400],
        [`${cat}?page=99999999999999999999`, 400],
        [`${cat}?page=${MAX_PAGE + 1}`, 400],
        [`${cat}?page=1&page=2`, 400],
        [`${cat}?page=50`, 404],
        [`${cat}?category=zzz`, 404],
        [`${cat}?category=art21.county.1`, 404],
        [`${cat}?category=${encodeURIComponent('<script>')}`, 404],
        [`${cat}?year=abcd`, 400],
        [`${cat}?year=1800`, 400],
        [`${cat}?year=20266`, 400],
        [`${cat}?dept=abc`, 400],
        [`${cat}?dept=-3`, 400],
        [`${cat}?dept=999999`, 404],
        [`${cat}?dept=${w.agencies.gov}`, 404],
        [`${cat}?dept=${w.agencies.dept}`, 404],
        ['/xxgk/abc', 404],
        ['/xxgk/0', 404],
        ['/xxgk/-1', 404],
        ['/xxgk/999999', 404],
        ['/xxgk/99999999999999', 404],
        ['/xxgk/999999/guide', 404],
        ['/xxgk/999999/catalogue', 404],
        ['/xxgk/999999/feed.atom', 404],
        [`/xxgk/${town}/feed.atom?category=zzz`, 404],
        [`/xxgk/${town}/feed.atom?category=a&category=b`, 400],
        ['/xxgk/search?q=', 400],
        ['/xxgk/search?q=%20%20', 400],
        ['/xxgk/search?q=%E3%80%82%EF%BC%8C', 400],
        [`/xxgk/search?q=${encodeURIComponent('政'.repeat(101))}`, 400],
        [`/xxgk/search?q=${encodeURIComponent(Array.from({ length: 11 }, (_, i) => `词${i}`).join(' '))}`, 400],
        ['/xxgk/search?q=a&q=b', 400],
        ['/xxgk/search?q=预算&column=abc', 400],
        ['/xxgk/search?q=预算&column=999999', 404],
        [`/xxgk/search?q=预算&column=${w.agencies.village}`, 404],
        ['/xxgk/search?q=预算&page=-1', 400],
        ['/xxgk/search?q=预算&page=9', 404],
        ['/xxgk/search?q=预算&page=502', 400],
        ['/sitemaps/items-0.xml', 404],
        ['/sitemaps/items-99999.xml', 404],
        ['/xxgk/items/1/files/1/x', 404],
      );
    });

    test('each gets its status with a Chinese message, never a 500', async () => {
      for (const [url, status] of cases) {
        const r = await c.get(url);
        assert.equal(r.status, status, `${url}: ${text(r.body).slice(0, 300)}`);
        assert.match(String(r.headers['content-type']), /^text\/html/, url);
        assert.match(text(r.body), CJK, url);
        assert.ok(!r.body.includes('<script>'), url);
      }
      const tooLong = await c.get(`/xxgk/search?q=${encodeURIComponent('政'.repeat(101))}`);
      assert.match(text(tooLong.body), /检索词过长，请不超过 100 个字/);
      assert.match(text((await c.get('/xxgk/search?q=')).body), /请输入要检索的词语/);
      assert.match(text((await c.get(`/xxgk/${w.agencies.town}/catalogue?page=abc`)).body), /页码应为1到10000之间的整数/);
    });

    test('the search page without a query is the empty form', async () => {
      const r = await get('/xxgk/search');
      assert.match(r.body, /<input id="search-q" name="q" type="search" value maxlength/);
      assert.doesNotMatch(r.body, /检索结果/);
      const scoped = await get(`/xxgk/search?column=${w.agencies.town}`);
      assert.match(scoped.body, new RegExp(`<option value="${w.agencies.town}" selected>永安镇人民政府</option>`));
    });
  });
});
