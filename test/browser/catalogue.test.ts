/**
 * Browser test of the catalogue (real Chromium, the real server, no client script): a village
 * clerk drafts an item and attaches a PDF; the town's reviewer returns it with a comment; the
 * clerk fixes it and resubmits; the reviewer approves, the town's head approves; the item is
 * published with its 索引号; a citizen finds it by a two-character search and downloads the
 * attachment. The clerk and the citizen work at a phone's width.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chinaDate } from '../../src/applications/application.service.js';
import { findPublicItem } from '../../src/catalogue/visibility.js';
import { loginAs, noBrowser, startBrowserEnv, type BrowserEnv } from '../support/browser.js';
import { cjkPdf } from '../support/pdf.js';

async function noHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

/** A logged-in page in its own browser context. */
async function session(browser: Browser, baseUrl: string, username: string, viewport?: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext(viewport ? { viewport } : {});
  const page = await context.newPage();
  await loginAs(page, baseUrl, username);
  return page;
}

/** The reviewer's or head's decision on the item, from the "待我审核" list. */
async function decide(page: Page, baseUrl: string, title: string, decision: { conclusion: '同意' | '退回修改'; basis: string; comment?: string }): Promise<void> {
  await page.goto(`${baseUrl}/admin`);
  await page.getByRole('link', { name: '待我审核' }).click();
  await page.getByRole('link', { name: title }).click();
  const form = page.locator('#act-review');
  await form.getByLabel(decision.conclusion, { exact: true }).check();
  await form.getByLabel('审查依据').fill(decision.basis);
  if (decision.comment) await form.getByLabel('审核意见').fill(decision.comment);
  await form.getByRole('button', { name: '提交审核结论' }).click();
  await page.waitForURL(/done=(approved|returned|published)/);
}

describe('browser: a village item from draft to publication through the town review', { skip: noBrowser }, () => {
  let env: BrowserEnv;
  before(async () => {
    env = await startBrowserEnv();
  });
  after(async () => {
    await env?.close();
  });

  test('draft with a PDF → returned with a comment → fixed and resubmitted → approved at both levels → published with its 索引号 → found by a citizen’s two-character search and downloaded', async () => {
    const year = chinaDate(new Date()).slice(0, 4);
    const title = '永安村2026年冬季农田水利设施维修公示';
    const clerk = await session(env.browser, env.baseUrl, 'village', { width: 390, height: 844 });
    await clerk.getByRole('link', { name: '主动公开' }).first().click();
    assert.equal(await clerk.locator('h1').innerText(), '主动公开信息');
    await clerk.getByRole('link', { name: '起草新信息' }).click();
    await clerk.getByLabel('名称').fill(title);
    await clerk.getByLabel('内容概述').fill('公示冬季农田水利设施维修项目和费用。');
    await clerk.getByLabel('正文').fill('一、维修项目\n二、费用');
    await clerk.getByLabel('信息类别').selectOption('art21.town.2');
    await clerk.getByLabel('主题分类').selectOption('农业、林业、水利');
    assert.ok(await noHorizontalScroll(clerk), 'the draft form fits a phone');
    await clerk.getByRole('button', { name: '保存草稿' }).click();
    await clerk.waitForURL(/done=created/);
    assert.match(await clerk.getByRole('status').innerText(), /已保存草稿/);
    const itemUrl = clerk.url().replace(/\?.*$/, '');

    const dir = mkdtempSync(join(tmpdir(), 'gk-browser-'));
    const pdf = join(dir, '维修项目明细.pdf');
    writeFileSync(pdf, cjkPdf(['永安村农田水利设施维修项目明细']));
    await clerk.getByLabel('上传附件').setInputFiles(pdf);
    await clerk.getByRole('button', { name: '上传', exact: true }).click();
    await clerk.waitForURL(/done=upload/);
    assert.match(await clerk.locator('#files').innerText(), /维修项目明细\.pdf.*已提取文字供检索/s);
    await clerk.locator('#act-submit').getByRole('button', { name: '提交审核' }).click();
    await clerk.waitForURL(/done=submit/);
    assert.match(await clerk.locator('h1').innerText(), /审核中：第1级 乡镇（街道）审核/);
    assert.ok(await noHorizontalScroll(clerk), 'the item page fits a phone');

    const reviewer = await session(env.browser, env.baseUrl, 'reviewer');
    await decide(reviewer, env.baseUrl, title, { conclusion: '退回修改', basis: '条例第二十一条', comment: '请写明每项维修的费用和施工单位' });
    assert.match(await reviewer.locator('h1').innerText(), /已退回修改/);

    await clerk.goto(itemUrl);
    const timeline = await clerk.locator('table.reviews').innerText();
    assert.match(timeline, /退回修改/);
    assert.match(timeline, /请写明每项维修的费用和施工单位/);
    assert.match(timeline, /永安镇 审核人/);
    await clerk.getByRole('link', { name: '修改草稿' }).first().click();
    await clerk.getByLabel('正文').fill('一、维修项目：渠道清淤，费用1.2万元，施工单位永安水利站\n二、泵站检修，费用0.8万元');
    await clerk.getByRole('button', { name: '保存修改' }).click();
    await clerk.waitForURL(/done=edit/);
    await clerk.locator('#act-submit').getByRole('button', { name: '提交审核' }).click();
    await clerk.waitForURL(/done=submit/);

    await decide(reviewer, env.baseUrl, title, { conclusion: '同意', basis: '经审查，符合条例第二十一条，可以公开' });
    assert.match(await reviewer.locator('h1').innerText(), /审核中：第2级 乡镇（街道）负责人审批/);
    const head = await session(env.browser, env.baseUrl, 'head');
    await decide(head, env.baseUrl, title, { conclusion: '同意', basis: '同意公开' });
    assert.match(await head.getByRole('status').innerText(), /信息已在公开平台发布/);

    await clerk.goto(itemUrl);
    assert.match(await clerk.locator('h1').innerText(), /已发布/);
    const number = `543704020040000301-32-${year}-0001`;
    assert.match(await clerk.locator('dl.meta').first().innerText(), new RegExp(`索引号\\s+${number}`));
    const rows = await clerk.locator('table.reviews tbody tr').allInnerTexts();
    assert.equal(rows.length, 3);
    assert.match(rows[2]!, /第2轮\s+第2级 乡镇（街道）负责人审批\s+永安镇党政办 负责人/);
    const id = Number(/\/admin\/catalogue\/(\d+)$/.exec(itemUrl)![1]);
    assert.equal((await findPublicItem(env.db.kysely, id))?.indexNumber, number);
    await clerk.getByRole('link', { name: '主动公开' }).first().click();
    await clerk.getByLabel('范围').selectOption('published');
    await clerk.getByRole('button', { name: '筛选' }).click();
    assert.match(await clerk.locator('table.queue').innerText(), new RegExp(number));

    // A citizen (no login, no JavaScript, a phone) finds it by a two-character word that only the
    // fixed text holds, and downloads the attachment: the same bytes the clerk uploaded.
    const context = await env.browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 }, locale: 'zh-CN', acceptDownloads: true });
    const citizen = await context.newPage();
    await citizen.goto(`${env.baseUrl}/xxgk`);
    await citizen.getByRole('main').getByRole('link', { name: '永安镇人民政府', exact: true }).click();
    await citizen.getByLabel('检索本专栏').fill('泵站');
    await citizen.getByRole('button', { name: '检索' }).click();
    await citizen.waitForURL(/\/xxgk\/search\?q=/);
    assert.match(await citizen.getByRole('status').first().innerText(), /检索“泵站”，共 1 条/);
    await citizen.getByRole('link', { name: title }).click();
    assert.equal(await citizen.locator('h1').innerText(), title);
    assert.match(await citizen.locator('table.item-meta').innerText(), new RegExp(`索引号\\s+${number}`));
    assert.match(await citizen.getByRole('main').innerText(), /泵站检修，费用0\.8万元/);
    assert.ok(await noHorizontalScroll(citizen), 'the public item page fits a phone');
    const [download] = await Promise.all([citizen.waitForEvent('download'), citizen.getByRole('link', { name: '维修项目明细.pdf' }).click()]);
    assert.equal(download.suggestedFilename(), '维修项目明细.pdf');
    const saved = join(dir, 'downloaded.pdf');
    await download.saveAs(saved);
    assert.deepEqual(readFileSync(saved), readFileSync(pdf));
    await context.close();
  });
});
