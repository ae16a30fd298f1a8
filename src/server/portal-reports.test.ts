/**
 * The public 政府信息公开年报 over HTTP (app.inject), on SQLite or PostgreSQL (TEST_DATABASE_URL),
 * with reports in every state made through the report service: the lists (all, a column's), the
 * one canonical page per agency and year, the downloads of the published version in every format
 * (a .docx that is a Word zip, a PDF whose text names the agency), the cache of exports and the
 * rate limit of what is not cached, the public JSON API — and that a report not yet published, a
 * draft, a version in review and a revision not yet approved are reachable by no public URL.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { PDFParse } from 'pdf-parse';
import type { Actor } from '../accounts/policy.js';
import { createUser, findUserByUsername, grantRole, loadActor } from '../accounts/user.repository.js';
import { readZipEntry } from '../attachments/zip.js';
import { chromiumPath } from '../reports/export/index.js';
import { setReportEntry } from '../reports/generate/index.js';
import { createReport, regenerate, review, revise, saveProse, submit, type AnnualReportDeps } from '../reports/store/annual-report.service.js';
import { Client, openTestApp, type Res, type TestApp } from '../../test/support/app.js';
import { testDialect } from '../../test/support/db.js';
import { EXPORT_LIMIT, reportSitemapUrls } from './routes/portal-reports.js';
import { exportCacheOf } from './views/reports/downloads.js';

const TODAY = '2026-01-10';
const NOW = () => new Date(`${TODAY}T10:00:00+08:00`);
const noChromium = existsSync(chromiumPath()) ? false : `Chromium not found at ${chromiumPath()}`;

/** Texts that only unpublished versions contain: none may appear on a public page or in a download. */
const HIDDEN = { draft: 'DRAFT-发改局草稿内容', review: 'REVIEW-审核中的内容', revision: 'REVISION-修订中尚未公布' };

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

function assertNoHidden(body: string, where: string): void {
  for (const m of Object.values(HIDDEN)) assert.ok(!body.includes(m), `${where} must not contain ${m}`);
}

const prose = (marker: string) => ({
  section1: `${marker}：本年度永安镇认真落实政府信息公开工作。`,
  section5: '存在的主要问题：公开内容不够全面。改进措施：2026年6月底前完成全员培训。',
  section6: '无。本年度未收取信息处理费。',
});

describe(`public 政府信息公开年报 (${testDialect})`, () => {
  let t: TestApp;
  const ids = new Map<string, number>();
  const deps: AnnualReportDeps = { now: NOW };
  const actor = async (username: string): Promise<Actor> => (await loadActor(t.db.kysely, (await findUserByUsername(t.db.kysely, username))!.id))!;
  const reportVersion = async (id: number) => (await t.db.kysely.selectFrom('annual_reports').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version;
  const town = () => ids.get('永安镇人民政府')!;
  const dept = () => ids.get('市中区发展和改革局')!;
  let anon: Client;
  let ip = 0;
  const get = (url: string) => anon.get(url);
  const fresh = () => new Client(t.app, `10.99.${Math.floor(ip / 200)}.${(ip++ % 200) + 1}`);

  /** A report with prose and every entered figure, up to `until`. Returns its id. */
  async function report(agencyId: number, year: number, marker: string, until: 'draft' | 'review' | 'published'): Promise<number> {
    const clerk = await actor(agencyId === town() ? 'clerk' : 'deptclerk');
    const r = await createReport(t.db, deps, clerk, { agencyId, year });
    await saveProse(t.db, deps, clerk, r.reportId, { version: r.version, ...prose(marker) });
    const cells = year >= 2021 ? ['licensing.decisions', 'penalty.decisions', 'enforcement.decisions', 'fees.amount_wan_yuan'] : [];
    for (const cell of cells) await setReportEntry(t.db, clerk, { agencyId, year, cell, value: '0', note: '据年度工作台账' }, deps);
    await regenerate(t.db, deps, clerk, r.reportId, { version: await reportVersion(r.reportId) });
    if (until === 'draft') return r.reportId;
    // Past the deadline (D1) a report goes ahead only with a reason.
    await submit(t.db, deps, clerk, r.reportId, { version: await reportVersion(r.reportId), overrideReason: '系统上线前的年度，补录公布' });
    if (until === 'review') return r.reportId;
    await approveBoth(r.reportId);
    return r.reportId;
  }
  async function approveBoth(id: number) {
    await review(t.db, deps, await actor('reviewer'), id, { version: await reportVersion(id), conclusion: 'approved', basis: '经审查，内容与统计数据一致' });
    await review(t.db, deps, await actor('head'), id, { version: await reportVersion(id), conclusion: 'approved', basis: '同意公布' });
  }
  let town2025: number;

  before(async () => {
    t = await openTestApp();
    t.app.deps.now = NOW;
    t.app.deps.reportPdfWarm = false;
    for (const a of await t.db.kysely.selectFrom('agencies').select(['id', 'name']).execute()) ids.set(a.name, a.id);
    const uid = await createUser(t.db.kysely, { username: 'deptclerk', displayName: '发改局 信息员', passwordHash: (await findUserByUsername(t.db.kysely, 'clerk'))!.password_hash });
    await grantRole(t.db.kysely, uid, dept(), 'clerk');
    // Published: the town's 2021 (late: D1 with a reason) and 2025 reports; 2025 then revised, the revision in draft.
    await report(town(), 2021, '二〇二一年度正文', 'published');
    town2025 = await report(town(), 2025, '二〇二五年度正文', 'published');
    const clerk = await actor('clerk');
    await revise(t.db, deps, clerk, town2025, { version: await reportVersion(town2025) });
    await saveProse(t.db, deps, clerk, town2025, { version: await reportVersion(town2025), ...prose(HIDDEN.revision) });
    // In review: the town's 2024 report. A draft: the department's 2025 report.
    await report(town(), 2024, HIDDEN.review, 'review');
    await report(dept(), 2025, HIDDEN.draft, 'draft');
    anon = new Client(t.app, '10.98.0.1');
  });
  after(async () => {
    await t?.close();
  });

  test('every published report, newest year first; the column lists its own and its subtree’s; the platform and column home link there', async () => {
    const r = await get('/xxgk/reports');
    assert.equal(r.status, 200);
    assertNoHidden(r.body, '/xxgk/reports');
    const body = text(r.body);
    assert.match(body, /2025年度 永安镇人民政府2025年度政府信息公开工作年度报告 公布日期： 2026-01-10 发布机关：永安镇人民政府 2021年度 永安镇人民政府2021年度/);
    assert.ok(r.body.includes(`href="/xxgk/reports/${town()}/2025"`));
    assert.ok(!r.body.includes(`/xxgk/reports/${town()}/2024"`), 'in review: not listed');
    assert.ok(!r.body.includes(`/xxgk/reports/${dept()}/2025"`), 'a draft: not listed');

    const col = await get(`/xxgk/${town()}/reports`);
    assert.equal(col.status, 200);
    assert.match(col.body, new RegExp(`<a href="/xxgk/${town()}/reports" aria-current="page">政府信息公开年报</a>`));
    assert.ok(col.body.includes(`href="/xxgk/reports/${town()}/2021"`));
    const gov = await get(`/xxgk/${ids.get('市中区人民政府')}/reports`);
    assert.ok(gov.body.includes(`href="/xxgk/reports/${town()}/2025"`), "a government's column holds its subtree's reports");
    assert.match(text((await get(`/xxgk/${dept()}/reports`)).body), /本专栏尚未公布政府信息公开工作年度报告。/);
    const village = await get(`/xxgk/${ids.get('永安村民委员会')}/reports`);
    assert.equal(village.status, 301, "a village's reports are its town's");
    assert.equal(village.headers.location, `/xxgk/${town()}/reports`);
    for (const bad of ['abc', '0', '99999', '2147483648']) assert.equal((await get(`/xxgk/${bad}/reports`)).status, 404, bad);

    assert.ok((await get('/xxgk')).body.includes('<a href="/xxgk/reports">政府信息公开年报</a>'));
    const home = await get(`/xxgk/${town()}`);
    assert.ok(home.body.includes(`<a href="/xxgk/${town()}/reports">查看政府信息公开年报</a>`));
    assert.ok(home.body.includes(`<a href="/xxgk/${town()}/reports">政府信息公开年报</a>`), 'the sub-column navigation');
  });

  test("the canonical page: the published version's report with its tables, publication date, history and downloads", async () => {
    const r = await get(`/xxgk/reports/${town()}/2025`);
    assert.equal(r.status, 200);
    assertNoHidden(r.body, 'the report page');
    assert.match(r.body, /<h1 class="gk-title" id="nb-title">永安镇人民政府(?:<br\/>)?2025年度政府信息公开工作年度报告<\/h1>/);
    assert.match(r.body, /<title>永安镇人民政府2025年度政府信息公开工作年度报告 - 政府信息公开<\/title>/);
    const body = text(r.body);
    for (const s of ['一、总体情况', '二、主动公开政府信息情况', '三、收到和处理政府信息公开申请情况', '四、政府信息公开行政复议、行政诉讼情况', '五、存在的主要问题及改进情况', '六、其他需要报告的事项']) assert.ok(body.includes(s), s);
    assert.ok(body.includes('二〇二五年度正文'), 'the published prose');
    assert.match(r.body, /<table class="gk-t3"/);
    assert.match(body, /公布日期 2026-01-10/);
    assert.match(body, /于 2026-01-10 公布，此后未修订。/);
    for (const f of ['docx', 'pdf', 'html', 'xlsx', 'json']) assert.ok(r.body.includes(`href="/xxgk/reports/${town()}/2025/download/${f}"`), f);
    assert.match(r.body, /<link rel="stylesheet" href="\/static\/reports.css"\/>/);
    const css = await get('/static/reports.css');
    assert.equal(css.status, 200);
    assert.match(String(css.headers['content-type']), /^text\/css/);
    assert.ok(css.body.includes('.gk-report'));
    // Breadcrumbs and the column's navigation.
    assert.match(body, /首页 政府信息公开 永安镇人民政府 政府信息公开年报 2025年度/);
  });

  test('the page is kept per version: the same bytes while nothing changes; an agency renamed in the database shows at the next request', async () => {
    const url = `/xxgk/reports/${town()}/2021`;
    const first = (await get(url)).body;
    assert.equal((await get(url)).body, first);
    await t.db.kysely.updateTable('agencies').set({ name: '永安街道办事处' }).where('id', '=', town()).execute();
    try {
      assert.ok((await get(url)).body.includes('永安街道办事处'), 'the new name');
    } finally {
      await t.db.kysely.updateTable('agencies').set({ name: '永安镇人民政府' }).where('id', '=', town()).execute();
    }
    assert.equal((await get(url)).body, first);
  });

  test('nothing unpublished has a public URL: in review, a draft, no report, bad ids or years — the same 404, for pages, downloads and the API', async () => {
    const cases = [
      [town(), '2024'],
      [dept(), '2025'],
      [town(), '2023'],
      [town(), '2018'],
      [town(), '20x5'],
      [town(), '99999'],
      [ids.get('永安村民委员会')!, '2025'],
      ['abc', '2025'],
      ['0', '2025'],
      ['2147483648', '2025'],
    ] as const;
    for (const [a, y] of cases) {
      const page = await get(`/xxgk/reports/${a}/${y}`);
      assert.equal(page.status, 404, `${a}/${y}`);
      assert.match(text(page.body), /未找到该年度报告。它可能尚未公布，或者地址有误。/);
      assertNoHidden(page.body, `${a}/${y}`);
      for (const f of ['json', 'docx']) {
        const d = await get(`/xxgk/reports/${a}/${y}/download/${f}`);
        assert.equal(d.status, 404, `${a}/${y} ${f}`);
        assert.equal(d.headers['content-disposition'], undefined);
      }
      const api = await get(`/api/v1/reports/${a}/${y}`);
      assert.equal(api.status, 404, `api ${a}/${y}`);
      assert.deepEqual(JSON.parse(api.body), { error: '未找到该年度报告。它可能尚未公布，或者地址有误。' });
    }
    for (const bad of ['doc', 'PDF', 'txt', 'json.exe']) assert.equal((await get(`/xxgk/reports/${town()}/2025/download/${bad}`)).status, 404, bad);
  });

  test('downloads of the published version: every format, named after the report, shareable (no cookie), cached, with an ETag', async () => {
    const dl = async (format: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url: `/xxgk/reports/${town()}/2025/download/${format}`, headers, remoteAddress: '10.97.0.1' });
    for (const [format, type] of [
      ['json', 'application/json'],
      ['html', 'text/html'],
      ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ] as const) {
      const r = await dl(format);
      assert.equal(r.statusCode, 200, format);
      assert.ok(String(r.headers['content-type']).startsWith(type), format);
      assert.equal(r.headers['set-cookie'], undefined, `${format}: no cookie on a shareable response`);
      assert.equal(r.headers['cache-control'], 'public, max-age=300');
      assert.ok(decodeURIComponent(String(r.headers['content-disposition'])).endsWith(`永安镇人民政府2025年度政府信息公开工作年度报告.${format}`), format);
      assertNoHidden(format === 'docx' || format === 'xlsx' ? '' : r.body, format);
      if (format === 'docx') {
        const xml = readZipEntry(r.rawPayload, 'word/document.xml', 20 * 1024 * 1024);
        assert.ok(xml, 'a Word document');
        const doc = xml.toString('utf8');
        assert.ok(doc.includes('二〇二五年度正文'));
        assertNoHidden(doc, 'document.xml');
      }
      if (format === 'xlsx') assert.ok(readZipEntry(r.rawPayload, 'xl/workbook.xml', 1024 * 1024), 'an Excel workbook');
    }
    const json = JSON.parse((await dl('json')).body) as { agency: string; year: number; format: string; sections: Record<string, string> };
    assert.equal(json.agency, '永安镇人民政府');
    assert.equal(json.year, 2025);
    assert.equal(json.format, '2021');
    assert.ok(json.sections['1']!.startsWith('二〇二五年度正文'));

    const first = await dl('json');
    const etag = String(first.headers.etag);
    assert.match(etag, /^"nb-\d+-2025-v1-json"$/);
    const again = await dl('json', { 'if-none-match': etag });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    const cache = exportCacheOf(t.app);
    assert.ok(cache.has(`${town()}/2025/v1/json`), 'kept per published version');
    assert.ok(cache.get(`${town()}/2025/v1/json`)!.bytes.equals(first.rawPayload));
  });

  test('the PDF: printed by Chromium once, then served from the cache; its text names the agency', { skip: noChromium }, async () => {
    const url = `/xxgk/reports/${town()}/2021/download/pdf`;
    const r = await t.app.inject({ method: 'GET', url, remoteAddress: '10.97.0.2' });
    assert.equal(r.statusCode, 200, r.body.slice(0, 300));
    assert.equal(r.headers['content-type'], 'application/pdf');
    assert.equal(r.rawPayload.subarray(0, 5).toString('latin1'), '%PDF-');
    const parser = new PDFParse({ data: new Uint8Array(r.rawPayload), verbosity: 0 });
    try {
      const { text: pdf } = await parser.getText();
      assert.ok(pdf.replace(/\s+/g, '').includes('永安镇人民政府'), 'the agency is in the PDF text');
    } finally {
      await parser.destroy();
    }
    const started = Date.now();
    const again = await t.app.inject({ method: 'GET', url, remoteAddress: '10.97.0.2' });
    assert.ok(again.rawPayload.equals(r.rawPayload), 'the same bytes');
    assert.ok(Date.now() - started < 500, 'from the cache');
  });

  test('exports not in the cache are rate-limited per address (429 with Retry-After); cached ones are not', async () => {
    const c = fresh();
    const cache = exportCacheOf(t.app);
    let last: Res | null = null;
    for (let i = 0; i <= EXPORT_LIMIT.max; i++) {
      cache.clear();
      last = await c.get(`/xxgk/reports/${town()}/2025/download/json`);
      if (i < EXPORT_LIMIT.max) assert.equal(last.status, 200, `export ${i + 1}`);
    }
    assert.equal(last!.status, 429);
    assert.ok(Number(last!.headers['retry-after']) > 0);
    assert.match(text(last!.body), /下载过于频繁，请\d+秒后再试。/);
    // Another address is not held back; a cached export is served to the limited one too.
    assert.equal((await fresh().get(`/xxgk/reports/${town()}/2025/download/json`)).status, 200);
    assert.equal((await c.get(`/xxgk/reports/${town()}/2025/download/json`)).status, 200);
  });

  test('the revision, once approved, replaces the public version: history with the change note, new downloads, the API', async () => {
    const clerk = await actor('clerk');
    await submit(t.db, deps, clerk, town2025, { version: await reportVersion(town2025), changeNote: '补充第一部分的说明。' });
    assert.ok(!(await get(`/xxgk/reports/${town()}/2025`)).body.includes(HIDDEN.revision), 'in review: still version 1');
    await approveBoth(town2025);
    const r = await get(`/xxgk/reports/${town()}/2025`);
    assert.ok(r.body.includes(HIDDEN.revision), 'now public');
    assert.match(text(r.body), /第 2 版（修订后公布）/);
    assert.match(text(r.body), /第 2 版（现行） 2026-01-10 补充第一部分的说明。 第 1 版 2026-01-10 首次公布/);
    const json = JSON.parse((await get(`/xxgk/reports/${town()}/2025/download/json`)).body) as { sections: Record<string, string> };
    assert.ok(json.sections['1']!.startsWith(HIDDEN.revision), 'the download is the new version (not the cached old one)');
    const api = JSON.parse((await get(`/api/v1/reports/${town()}/2025`)).body) as { version: number; history: unknown[]; report: { sections: Record<string, string> } };
    assert.equal(api.version, 2);
    assert.equal(api.history.length, 2);
    assert.ok(api.report.sections['1']!.startsWith(HIDDEN.revision));
    assert.match(text((await get('/xxgk/reports')).body), /已修订（第2版）/);
  });

  test('the sitemap entries: the list and each published report, with its publication date', async () => {
    const urls = await reportSitemapUrls(t.db, 'https://gk.example');
    assert.deepEqual(urls, [
      { loc: 'https://gk.example/xxgk/reports' },
      { loc: `https://gk.example/xxgk/reports/${town()}/2025`, lastmod: TODAY },
      { loc: `https://gk.example/xxgk/reports/${town()}/2021`, lastmod: TODAY },
      // The demo's own: the real 2020 report of 永安镇, published in January 2021.
      { loc: `https://gk.example/xxgk/reports/${town()}/2020`, lastmod: '2021-01-20' },
    ]);
  });

  test('the API is in the OpenAPI document', async () => {
    const doc = JSON.parse((await get('/api/v1/openapi.json')).body) as { paths: Record<string, Record<string, { tags: string[]; responses: Record<string, unknown> }>> };
    const op = doc.paths['/api/v1/reports/{agencyId}/{year}']?.get;
    assert.ok(op, 'documented');
    assert.deepEqual(op.tags, ['public']);
  });
});
