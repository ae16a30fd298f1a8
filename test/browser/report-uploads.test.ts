/**
 * Browser test of a report sent as a file (real Chromium, the real server, no client script): the
 * town's clerk uploads last year's report as a Word file whose table 三 does not add up and sees
 * the findings; the district government's reviewer (demo user `district`) returns it with a note; the clerk reads the
 * note and uploads the fixed file (a PDF printed from the HTML export, when Chromium can print);
 * the reviewer accepts it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chinaDate } from '../../src/applications/application.service.js';
import { closePdfRenderer, exportReport } from '../../src/reports/export/index.js';
import type { Report } from '../../src/reports/report.js';
import { loginAs, noBrowser, startBrowserEnv, type BrowserEnv } from '../support/browser.js';
import { randomReport, rng } from '../support/reports.js';

async function session(browser: Browser, baseUrl: string, username: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await loginAs(page, baseUrl, username);
  return page;
}

describe('browser: a report file sent, returned, fixed and accepted', { skip: noBrowser }, () => {
  let env: BrowserEnv;
  const year = Number(chinaDate(new Date()).slice(0, 4)) - 1;
  const report = (): Report => {
    const rep = randomReport(rng(7), '2021');
    rep.agency = '市中区永安镇人民政府';
    rep.year = year;
    return rep;
  };

  before(async () => {
    env = await startBrowserEnv();
  });
  after(async () => {
    await closePdfRenderer();
    await env?.close();
  });

  test('upload with errors → findings → returned with a note → the fixed file uploaded → accepted', async () => {
    const wrong = report();
    wrong.applications['1']!.total = (wrong.applications['1']!.total ?? 0) + 4; // T1, T2
    const docx = (await exportReport(wrong, 'docx')).bytes;

    // The town's clerk sends the file from the annual reports' page.
    const clerk = await session(env.browser, env.baseUrl, 'clerk');
    await clerk.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '年度报告' }).click();
    await clerk.getByRole('link', { name: '报送的报告文件' }).click();
    await clerk.getByLabel('报送机关').selectOption({ label: '永安镇人民政府' });
    await clerk.getByLabel('报告年度').selectOption(String(year));
    await clerk.getByLabel('报告文件', { exact: true }).setInputFiles({ name: `永安镇${year}年度报告.docx`, mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: docx });
    await clerk.getByRole('button', { name: '上传并检查' }).click();
    await clerk.waitForURL(/\/admin\/report-uploads\/\d+\?done=uploaded/);
    const findings = await clerk.locator('#findings').innerText();
    assert.match(findings, /T1/);
    assert.match(await clerk.locator('dl.meta').innerText(), /待审核/);

    // The district's reviewer returns it.
    const reviewer = await session(env.browser, env.baseUrl, 'district');
    await reviewer.goto(`${env.baseUrl}/admin/report-uploads?year=${year}`);
    const row = reviewer.getByRole('row').filter({ hasText: '永安镇人民政府' });
    assert.match(await row.innerText(), /待我审核/);
    await row.getByRole('link').click();
    assert.match(await reviewer.locator('#findings').innerText(), /T1/);
    await reviewer.getByLabel('说明', { exact: true }).fill('表三“本年新收”总计与各类申请人之和不符，请核对后重新报送。');
    await reviewer.getByRole('button', { name: '退回修改' }).click();
    await reviewer.waitForURL(/done=returned/);

    // The clerk reads the note and sends the fixed report.
    await clerk.reload();
    assert.match(await clerk.locator('dl.meta').innerText(), /已退回/);
    assert.match(await clerk.locator('#decision-note').innerText(), /请核对后重新报送/);
    let fixed: { name: string; mimeType: string; buffer: Buffer };
    try {
      fixed = { name: `永安镇${year}年度报告（修改）.pdf`, mimeType: 'application/pdf', buffer: (await exportReport(report(), 'pdf')).bytes };
    } catch {
      fixed = { name: `永安镇${year}年度报告（修改）.html`, mimeType: 'text/html', buffer: (await exportReport(report(), 'html')).bytes };
    }
    await clerk.getByLabel('报告文件', { exact: true }).setInputFiles(fixed);
    await clerk.getByRole('button', { name: '上传修改后的文件' }).click();
    await clerk.waitForURL(/\/admin\/report-uploads\/\d+\?done=uploaded/);
    assert.doesNotMatch(await clerk.locator('main').innerText(), /项错误/);

    // Accepted.
    await reviewer.goto(`${env.baseUrl}/admin/report-uploads?year=${year}`);
    await reviewer.getByRole('row').filter({ hasText: '待我审核' }).getByRole('link').click();
    await reviewer.getByRole('button', { name: '接受（计入汇总）' }).click();
    await reviewer.waitForURL(/done=accepted/);
    assert.match(await reviewer.locator('dl.meta').innerText(), /已接受/);
    await clerk.goto(`${env.baseUrl}/admin/report-uploads?year=${year}`);
    assert.match(await clerk.getByRole('table').innerText(), /已接受/);
    // The page of the accepted file keeps the history: the first file, returned with its note.
    await clerk.getByRole('link', { name: fixed.name }).click();
    const history = await clerk.locator('#history').innerText();
    assert.match(history, /已退回/);
    assert.match(history, /请核对后重新报送/);
  });
});
