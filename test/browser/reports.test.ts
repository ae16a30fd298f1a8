/**
 * Browser test of the annual report (real Chromium, the real server, no client script): the town's
 * clerk starts this year's report from the list, enters the figures the system has no records
 * for, writes the prose and sees the checks fail (P1: the prose says 3 applications, the table 0;
 * P3: section 六 empty), fixes the text and sees them pass, submits; the town's reviewer and head
 * approve it from their lists (the town's two review levels); a citizen finds it in the portal's
 * 政府信息公开年报 at a phone's width and downloads the .docx (a Word zip with word/document.xml)
 * and the PDF (whose text names the agency).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PDFParse } from 'pdf-parse';
import { chinaDate } from '../../src/applications/application.service.js';
import { readZipEntry } from '../../src/attachments/zip.js';
import { loginAs, noBrowser, startBrowserEnv, type BrowserEnv } from '../support/browser.js';

const AGENCY = '永安镇人民政府';

async function session(browser: Browser, baseUrl: string, username: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await loginAs(page, baseUrl, username);
  return page;
}

async function noHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

/** The reviewer's or head's approval, from the year's list. */
async function approve(page: Page, baseUrl: string, year: string, basis: string): Promise<void> {
  await page.goto(`${baseUrl}/admin`);
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '年度报告' }).click();
  await page.getByLabel('年度', { exact: true }).selectOption(year);
  await page.getByRole('button', { name: '查看' }).click();
  const row = page.getByRole('row').filter({ hasText: AGENCY });
  assert.match(await row.innerText(), /待我审核/);
  await row.getByRole('link', { name: AGENCY }).click();
  const form = page.locator('#act-review');
  await form.getByLabel('同意', { exact: true }).check();
  await form.getByLabel('审查依据').fill(basis);
  await form.getByRole('button', { name: '提交审核结论' }).click();
  await page.waitForURL(/done=(approved|published)/);
}

describe('browser: an annual report from the first draft to the public downloads', { skip: noBrowser }, () => {
  let env: BrowserEnv;
  before(async () => {
    env = await startBrowserEnv();
  });
  after(async () => {
    await env?.close();
  });

  test('generate → figures → prose with failing checks → fixed → submitted → approved at both levels → public → .docx and PDF downloaded', async () => {
    // This year's report: its deadline (31 January next year) has not passed, whatever today is.
    const year = chinaDate(new Date()).slice(0, 4);
    const clerk = await session(env.browser, env.baseUrl, 'clerk');
    await clerk.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '年度报告' }).click();
    assert.equal(await clerk.locator('h1').innerText(), '政府信息公开工作年度报告');
    await clerk.getByLabel('年度', { exact: true }).selectOption(year);
    await clerk.getByRole('button', { name: '查看' }).click();
    await clerk.getByRole('button', { name: `编制${AGENCY}${year}年度报告` }).click();
    await clerk.waitForURL(/\/admin\/reports\/\d+\?done=created/);
    const reportUrl = clerk.url().replace(/\?.*$/, '');
    assert.match(await clerk.locator('.flash').innerText(), /表格已根据系统记录生成/);
    assert.match(await clerk.locator('#findings').innerText(), /C1/, 'blank entered cells');

    // The figures the system has no records for, each with its source.
    for (const [cell, value] of [
      ['第二十条第（五）项 行政许可「本年处理决定数量」', '0'],
      ['第二十条第（六）项 行政处罚「本年处理决定数量」', '0'],
      ['第二十条第（六）项 行政强制「本年处理决定数量」', '0'],
      ['第二十条第（八）项 行政事业性收费「本年收费金额（单位：万元）」', '0'],
    ] as const) {
      await clerk.getByLabel(`${cell}：数字`).fill(value);
      await clerk.getByLabel(`${cell}：来源说明`).fill('据镇便民服务中心年度工作台账');
    }
    await clerk.getByRole('button', { name: '保存录入的数字并重新生成表格' }).click();
    await clerk.waitForURL(/done=entries/);
    assert.doesNotMatch(await clerk.locator('#findings').innerText(), /C1/);

    // Prose that disagrees with the table (P1) and an empty section 六 (P3).
    await clerk.getByRole('textbox', { name: '一、总体情况' }).fill(`${year}年，永安镇认真落实政府信息公开工作。本年度共收到政府信息公开申请3件，均已按时答复。`);
    await clerk.getByRole('textbox', { name: '五、存在的主要问题及改进情况' }).fill('存在的主要问题：一是部分村务信息更新不及时；二是工作人员业务水平有待提高。改进措施：每季度开展一次业务培训，建立信息更新台账。');
    await clerk.getByRole('button', { name: '保存文字' }).click();
    await clerk.waitForURL(/done=prose/);
    const findings = await clerk.locator('#findings').innerText();
    assert.match(findings, /P1[\s\S]*本年度共收到政府信息公开申请3件/);
    assert.match(findings, /P3[\s\S]*第六部分/);

    // Fixed: the checks pass.
    await clerk.getByRole('textbox', { name: '一、总体情况' }).fill(`${year}年，永安镇认真落实政府信息公开工作。本年度未收到政府信息公开申请。`);
    await clerk.getByRole('textbox', { name: '六、其他需要报告的事项' }).fill('无。本年度未收取信息处理费。');
    await clerk.getByRole('button', { name: '保存文字' }).click();
    await clerk.waitForURL(/done=prose/);
    assert.equal(await clerk.locator('#findings').count(), 0, 'no findings left');
    assert.match(await clerk.locator('#h-findings + p').innerText(), /未发现问题/);
    await clerk.locator('#act-submit').getByRole('button', { name: '提交审核' }).click();
    await clerk.waitForURL(/done=submit/);
    assert.match(await clerk.locator('#h-status ~ dl').innerText(), /等待第1级「部门负责人审核」审核/);

    // The town's two levels.
    await approve(await session(env.browser, env.baseUrl, 'reviewer'), env.baseUrl, year, '经审查，报告数字与统计数据一致');
    const head = await session(env.browser, env.baseUrl, 'head');
    await approve(head, env.baseUrl, year, '同意公布');
    assert.match(await head.locator('.flash').innerText(), /报告已在公开平台公布/);
    await clerk.goto(reportUrl);
    const publicLink = clerk.getByRole('link', { name: /^\/xxgk\/reports\/\d+\/\d{4}$/ });
    const publicPath = await publicLink.getAttribute('href');
    assert.ok(publicPath);

    // A citizen, on a phone: the portal's 政府信息公开年报, the report, the downloads.
    const citizen = await (await env.browser.newContext({ viewport: { width: 390, height: 844 }, acceptDownloads: true })).newPage();
    await citizen.goto(`${env.baseUrl}/xxgk`);
    await citizen.getByRole('link', { name: '政府信息公开年报' }).first().click();
    await citizen.getByRole('link', { name: `${AGENCY}${year}年度政府信息公开工作年度报告` }).click();
    assert.equal(new URL(citizen.url()).pathname, publicPath);
    assert.equal((await citizen.locator('h1').innerText()).replace(/\s+/g, ''), `${AGENCY}${year}年度政府信息公开工作年度报告`);
    assert.match(await citizen.locator('main').innerText(), /本年度未收到政府信息公开申请。/);
    assert.ok(await noHorizontalScroll(citizen), 'the page fits a phone (the tables scroll in their own regions)');

    const download = async (name: RegExp) => {
      const [d] = await Promise.all([citizen.waitForEvent('download'), citizen.getByRole('link', { name }).click()]);
      const path = await d.path();
      assert.ok(path, 'downloaded');
      return { name: d.suggestedFilename(), bytes: readFileSync(path) };
    };
    const docx = await download(/Word 文档/);
    assert.equal(docx.name, `${AGENCY}${year}年度政府信息公开工作年度报告.docx`);
    assert.equal(docx.bytes.subarray(0, 2).toString('latin1'), 'PK', 'a zip');
    const xml = readZipEntry(docx.bytes, 'word/document.xml', 20 * 1024 * 1024);
    assert.ok(xml, 'word/document.xml');
    assert.ok(xml.toString('utf8').includes('本年度未收到政府信息公开申请。'));

    const pdf = await download(/PDF 文档/);
    assert.equal(pdf.name, `${AGENCY}${year}年度政府信息公开工作年度报告.pdf`);
    assert.equal(pdf.bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    const parser = new PDFParse({ data: new Uint8Array(pdf.bytes), verbosity: 0 });
    try {
      const { text } = await parser.getText();
      assert.ok(text.replace(/\s+/g, '').includes(AGENCY), 'pdf-parse finds the agency name');
    } finally {
      await parser.destroy();
    }
  });
});
