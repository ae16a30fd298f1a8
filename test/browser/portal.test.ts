/**
 * Browser test of the public column (real Chromium, the real server, no client script): a citizen
 * on a phone browses from the portal home to a column, a category and an item, downloads its
 * attachment (read back as a Word document), finds it again by a two-character query, rates it,
 * and moves around with the keyboard; Chromium's own XML parser reads the column's feed and the
 * sitemap, titles with markup and control characters included.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import mammoth from 'mammoth';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createFileStore } from '../../src/attachments/store.js';
import { WorkCalendar } from '../../src/calendar/calendar.js';
import { createDraft, review, submit } from '../../src/catalogue/catalogue.service.js';
import type { Db } from '../../src/db/database.js';
import { seedDemo } from '../../src/demo/seed.js';
import { buildApp } from '../../src/server/app.js';
import { CHROMIUM, noBrowser } from '../support/browser.js';
import { openTestDb } from '../support/db.js';
import { buildPortalWorld, DOCX_TEXT, SHOWN, TODAY, type PortalWorld } from '../support/portal-fixtures.js';

async function fitsWidth(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client, `no horizontal scrolling (${scroll} > ${client})`);
}

describe('browser: a citizen uses the 政府信息公开 column', { skip: noBrowser }, () => {
  let db: Db;
  let browser: Browser;
  let baseUrl: string;
  let w: PortalWorld;
  let close: () => Promise<void>;

  before(async () => {
    db = await openTestDb();
    await seedDemo(db.kysely);
    const calendar = WorkCalendar.builtin();
    const files = createFileStore(mkdtempSync(join(tmpdir(), 'gongkai-files-')));
    const app = await buildApp({ db, calendar, files, maxUploadBytes: 5 * 1024 * 1024 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    w = await buildPortalWorld(db, files, calendar);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    close = async () => {
      await browser.close();
      await app.close();
      await db.close();
    };
  });
  after(async () => {
    await close?.();
  });

  test('on a phone without JavaScript: portal → column → category → item → download → search → rate', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 }, locale: 'zh-CN', acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`);
    await page.getByRole('main').getByRole('link', { name: '政府信息公开专栏' }).click();
    await page.waitForURL(`${baseUrl}/xxgk`);
    assert.equal(await page.locator('h1').innerText(), '政府信息公开');
    await fitsWidth(page);

    await page.getByRole('main').getByRole('link', { name: '永安镇人民政府', exact: true }).click();
    assert.equal(await page.locator('h1').innerText(), '永安镇人民政府 政府信息公开');
    const subColumns = page.getByRole('navigation', { name: '专栏栏目' });
    for (const name of ['政府信息公开指南', '政府信息公开制度', '法定主动公开内容']) assert.equal(await subColumns.getByRole('link', { name }).count(), 1, name);
    assert.equal(await subColumns.getByRole('link', { name: '专栏首页' }).getAttribute('aria-current'), 'page');
    await fitsWidth(page);

    await page.getByRole('link', { name: '财政预算、决算信息' }).click();
    assert.equal(await page.locator('h1').innerText(), '财政预算、决算信息');
    await fitsWidth(page);
    await page.getByRole('link', { name: SHOWN.budget }).click();
    assert.equal(await page.locator('h1').innerText(), SHOWN.budget);
    const meta = page.locator('table.item-meta');
    assert.match(await meta.innerText(), /索引号\s+113704020040000201-07-2026-\d{4}/);
    assert.match(await meta.innerText(), new RegExp(`发布日期\\s+${TODAY}`));
    await fitsWidth(page);

    // The attachment downloads as a file (never shown in the page) and opens as a Word document.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '永安镇2026年预算表.docx' }).click()]);
    assert.equal(download.suggestedFilename(), '永安镇2026年预算表.docx');
    const saved = join(mkdtempSync(join(tmpdir(), 'gongkai-dl-')), 'budget.docx');
    await download.saveAs(saved);
    assert.equal((await mammoth.extractRawText({ buffer: readFileSync(saved) })).value.trim(), DOCX_TEXT);

    // Found again by a two-character query from the column's search box.
    await page.getByRole('link', { name: '永安镇人民政府', exact: true }).first().click();
    await page.getByLabel('检索本专栏').fill('预算');
    await page.getByRole('button', { name: '检索' }).click();
    await page.waitForURL(/\/xxgk\/search\?q=/);
    assert.match(await page.getByRole('status').first().innerText(), /在永安镇人民政府专栏中检索“预算”，共 \d+ 条/);
    await fitsWidth(page);
    await page.getByRole('link', { name: SHOWN.budget }).click();
    assert.equal(await page.locator('h1').innerText(), SHOWN.budget);

    // Rating: submitting without a choice says what is missing; then 有用 with a comment.
    await page.getByRole('button', { name: '提交评价' }).click();
    assert.match(await page.getByRole('alert').innerText(), /请选择评价/);
    await page.getByRole('radio', { name: '有用', exact: true }).check();
    await page.getByLabel('意见').fill('附件清楚，谢谢。');
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.waitForURL(/feedback=thanks/);
    assert.match(await page.getByRole('status').innerText(), /感谢您的评价/);
    await context.close();
  });

  test('keyboard: the skip link comes first and leads to the content; the guide reads in heading order', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 800 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/xxgk/${w.agencies.town}/guide`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), '跳到正文');
    await page.keyboard.press('Enter');
    assert.match(page.url(), /#main$/);
    const levels = await page.evaluate(() => Array.from(document.querySelectorAll('main h1, main h2, main h3')).map((h) => Number(h.tagName[1])));
    assert.equal(levels[0], 1);
    assert.equal(levels.filter((l) => l === 1).length, 1, 'one h1');
    for (let i = 1; i < levels.length; i++) assert.ok(levels[i]! <= levels[i - 1]! + 1, `no heading level skipped (${levels.join(',')})`);
    // Every form control on the item page has a label.
    await page.goto(`${baseUrl}/xxgk/items/${w.shown.budget}`);
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')).filter((el) => !(el as HTMLInputElement).labels?.length).map((el) => el.outerHTML),
    );
    assert.deepEqual(unlabelled, []);
    await context.close();
  });

  test("Chromium's XML parser reads the feed and the sitemap, a title with markup and control characters included", async () => {
    const deps = w.deps;
    const { clerk, reviewer, head } = w.actors;
    const d = await createDraft(db, deps, clerk, { agencyId: w.agencies.town, title: `预算<b>&"'\u0001\u0008\uFFFE标题`, summary: '概述 & <i>', category: 'art20.7', subject: '财政、金融、审计', formedOn: TODAY });
    const s = await submit(db, deps, clerk, d.itemId, { version: d.version });
    const l1 = await review(db, deps, reviewer, d.itemId, { version: s.version, conclusion: 'approved', basis: '同意' });
    await review(db, deps, head, d.itemId, { version: l1.version, conclusion: 'approved', basis: '同意' });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${baseUrl}/xxgk`);
    for (const path of [`/xxgk/${w.agencies.town}/feed.atom`, `/xxgk/${w.agencies.town}/feed.atom?category=art20.7`, '/sitemap.xml']) {
      const xml = await (await fetch(`${baseUrl}${path}`)).text();
      const parsed = await page.evaluate((src) => {
        const doc = new DOMParser().parseFromString(src, 'application/xml');
        return { error: doc.querySelector('parsererror')?.textContent ?? null, titles: Array.from(doc.getElementsByTagName('title')).map((t) => t.textContent), root: doc.documentElement.localName };
      }, xml);
      assert.equal(parsed.error, null, path);
      if (path.includes('feed')) {
        assert.equal(parsed.root, 'feed');
        assert.ok(parsed.titles.includes(`预算<b>&"'标题`), path);
      } else assert.equal(parsed.root, 'urlset');
    }
    await context.close();
  });
});
