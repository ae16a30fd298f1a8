/**
 * Browser test of the back office (real Chromium, the real server, no client script): a clerk
 * registers a postal application, requests a correction and records it; the head of the office
 * extends the reply limit; the clerk replies and downloads the reply letter through the page,
 * which is read back with mammoth. The clerk works at a phone's width.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import mammoth from 'mammoth';
import type { Page } from 'playwright-core';
import { chinaDate } from '../../src/applications/application.service.js';
import { loginAs, noBrowser, startBrowserEnv, type BrowserEnv } from '../support/browser.js';

/** The ISO date `days` calendar days after `iso`. */
function plusDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

async function noHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

describe('browser: a clerk handles a postal application from intake to reply', { skip: noBrowser }, () => {
  let env: BrowserEnv;
  before(async () => {
    env = await startBrowserEnv();
  });
  after(async () => {
    await env?.close();
  });

  test('register (邮寄签收) → correction → corrected → extension by the head → reply; the reply letter downloads and opens', async () => {
    const today = chinaDate(new Date());
    const clerkContext = await env.browser.newContext({ viewport: { width: 390, height: 844 }, acceptDownloads: true });
    const page = await clerkContext.newPage();
    await loginAs(page, env.baseUrl, 'clerk');

    await page.getByRole('link', { name: '申请工作队列' }).click();
    assert.equal(await page.locator('h1').innerText(), '申请工作队列');
    await page.getByRole('link', { name: '登记申请' }).click();
    await page.getByLabel('提交方式').selectOption('post_signed');
    await page.getByLabel('提交、签收或收到日期').fill(today);
    await page.getByLabel('申请人类型').selectOption('natural_person');
    await page.getByLabel('申请人姓名或名称').fill('李四');
    await page.getByLabel('证件类型').selectOption('resident_id');
    await page.getByLabel('证件号码').fill('11010519491231002X');
    await page.getByLabel('联系电话').fill('0632-5551234');
    await page.getByLabel('通信地址').fill('市中区永安镇幸福村1号');
    await page.getByLabel('邮政编码').fill('277121');
    await page.getByLabel('所需政府信息的名称、文号或特征性描述').fill('2026年永安镇农村道路建设项目的招标文件');
    await page.getByLabel('信息的提供形式').selectOption('paper');
    await page.getByLabel('获取信息的方式').selectOption('post');
    assert.ok(await noHorizontalScroll(page), 'the intake form fits a phone');
    await page.getByRole('button', { name: '登记', exact: true }).click();

    // The POST answers with the case page itself (the 查询码 exists only in that response).
    await page.locator('h1', { hasText: '已登记' }).waitFor();
    const caseId = /action="\/admin\/applications\/(\d+)\/actions\//.exec(await page.content())?.[1];
    assert.ok(caseId);
    const caseUrl = new URL(`/admin/applications/${caseId}`, page.url()).href;
    const flash = await page.getByRole('status').innerText();
    const tn = /受理编号：\s*([\d-]+)/.exec(flash)?.[1];
    assert.ok(tn, flash);
    assert.match(flash, /查询码：\s*[A-Z2-9]{4}-[A-Z2-9]{4}/);
    assert.match(await page.locator('h1').innerText(), /已登记/);
    assert.match(await page.locator('#h-clocks + p').innerText(), /办理中|即将到期/);
    assert.ok(await noHorizontalScroll(page), 'the case page fits a phone');

    const correction = page.locator('#act-correction_requested');
    await correction.getByLabel('补正期限').fill(plusDays(today, 14));
    await correction.getByLabel('需要补正的事项').fill('请写明所需文件的名称或文号');
    await correction.getByRole('button', { name: '提交「告知补正」' }).click();
    await page.waitForURL(/done=correction_requested/);
    assert.match(await page.getByRole('status').innerText(), /已登记“告知补正”/);
    assert.match(await page.locator('h1').innerText(), /待补正/);

    await page.locator('#act-correction_received').getByRole('button', { name: '提交「收到补正」' }).click();
    await page.waitForURL(/done=correction_received/);
    assert.match(await page.locator('h1').innerText(), /办理中/);
    assert.match(await page.locator('#act-extended').innerText(), /只有负责人可以批准延期/);

    // The head of the office approves the extension, in another session.
    const headContext = await env.browser.newContext();
    const head = await headContext.newPage();
    await loginAs(head, env.baseUrl, 'head');
    await head.goto(caseUrl);
    const ext = head.locator('#act-extended');
    await ext.getByLabel('延长工作日数').fill('20');
    await ext.getByLabel('延期理由').fill('所申请信息需要调取档案并核实');
    await ext.getByRole('button', { name: '提交「延长答复期限」' }).click();
    await head.waitForURL(/done=extended/);
    assert.match(await head.locator('#h-timeline ~ .table-wrap').innerText(), /延长答复期限20个工作日/);
    await headContext.close();

    await page.goto(caseUrl);
    const reply = page.locator('#act-replied');
    await reply.getByLabel('办理结果').selectOption('3.1');
    // 3.1 has two reply grounds; the letter follows the one chosen.
    await reply.getByLabel('答复依据').selectOption('provided');
    await reply.getByLabel('答复内容摘要').fill('随本答复书附送招标文件复印件一份。');
    await reply.getByRole('button', { name: '提交「答复」' }).click();
    await page.waitForURL(/done=replied/);
    assert.match(await page.locator('h1').innerText(), /已答复/);
    const timeline = await page.locator('table.timeline').innerText();
    for (const step of ['登记申请', '告知补正', '收到补正', '延长答复期限', '答复']) assert.ok(timeline.includes(step), step);

    assert.equal((await page.locator('#case-reply-ground').innerText()).trim(), '予以公开（条例第三十六条第（二）项）');
    const link = page.locator('a[href$="/letters/reply.docx"]');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.match(download.suggestedFilename(), /答复书.*\.docx$/);
    const file = await download.path();
    const text = (await mammoth.extractRawText({ buffer: await readFile(file) })).value;
    assert.match(text, /政府信息公开申请答复书/);
    assert.match(text, /永安镇人民政府/);
    assert.ok(text.includes(tn), 'the tracking number is in the letter');
    assert.match(text, /李四：/);
    assert.match(text, /随本答复书附送招标文件复印件一份/);
    await clerkContext.close();
  });
});
