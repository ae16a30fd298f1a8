import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { findUserByUsername, loadActor } from '../../src/accounts/user.repository.js';
import { chinaDate, confirmReceipt } from '../../src/applications/application.service.js';
import { WorkCalendar } from '../../src/calendar/calendar.js';
import { formatChineseDate, parseIsoDate } from '../../src/calendar/date.js';
import { PERSON } from '../support/application-fixtures.js';
import { noBrowser, startBrowserEnv, type BrowserEnv } from '../support/browser.js';

describe('browser: a citizen applies online and tracks the case', { skip: noBrowser }, () => {
  let env: BrowserEnv;
  before(async () => {
    env = await startBrowserEnv();
  });
  after(async () => {
    await env?.close();
  });

  /** The page fits the phone's width: nothing to scroll sideways. */
  async function assertFitsWidth(page: Page): Promise<void> {
    const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(scroll <= client, `no horizontal scrolling (${scroll} > ${client})`);
  }

  async function lookUp(page: Page, trackingNumber: string, secret: string): Promise<void> {
    await page.goto(`${env.baseUrl}/track`);
    await page.getByLabel('申请编号').fill(trackingNumber);
    await page.getByLabel('查询码').fill(secret);
    await page.getByRole('button', { name: '查询' }).click();
  }

  test('on a phone without JavaScript: apply (fixing a missing field), note the codes, track, see the reply due date after confirmation', async () => {
    // A phone-sized window with scripts off: the public pages must work without them.
    const context = await env.browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/`);
    await page.getByRole('main').getByRole('link', { name: '在线申请', exact: true }).click();
    await page.waitForURL(`${env.baseUrl}/apply`);
    assert.match(await page.locator('h1').innerText(), /在线申请/);
    await assertFitsWidth(page);

    await page.getByLabel('受理机关').selectOption({ label: '永安镇人民政府' });
    await page.getByLabel('自然人').check();
    // The name is left out on purpose.
    await page.getByLabel('证件类型').selectOption({ label: '居民身份证' });
    await page.getByLabel('证件号码').fill(PERSON.idNumber);
    await page.getByLabel('联系电话').fill(PERSON.contactPhone);
    await page.getByLabel('电子邮箱').fill(PERSON.contactEmail);
    await page.getByLabel('所需政府信息的名称').fill(PERSON.description);
    await page.getByLabel('电子文件').check();
    await page.getByLabel('电子邮件').check();
    await page.getByRole('button', { name: '提交申请' }).click();

    const alert = page.getByRole('alert');
    assert.match(await alert.innerText(), /请填写申请人姓名或名称/);
    assert.match(await page.title(), /^错误：/);
    const name = page.getByLabel('申请人姓名或名称');
    assert.equal(await name.getAttribute('aria-invalid'), 'true');
    const describedBy = (await name.getAttribute('aria-describedby')) ?? '';
    assert.match(await page.locator(`#${describedBy.split(' ').pop()}`).innerText(), /请填写申请人姓名或名称/);
    // The summary links to the field; what was typed is still there.
    assert.equal(await alert.getByRole('link', { name: /请填写申请人姓名或名称/ }).getAttribute('href'), '#f-applicantName');
    assert.equal(await page.getByLabel('证件号码').inputValue(), PERSON.idNumber);
    assert.equal(await page.getByLabel('所需政府信息的名称').inputValue(), PERSON.description);
    assert.equal(await page.getByLabel('电子邮件').isChecked(), true);
    await assertFitsWidth(page);

    await name.fill(PERSON.applicantName);
    await page.getByRole('button', { name: '提交申请' }).click();
    // Post/Redirect/Get: the result is a GET page of its own.
    await page.waitForURL(`${env.baseUrl}/apply/done`);
    await page.getByRole('heading', { name: '申请已提交' }).waitFor();
    const trackingNumber = (await page.locator('#tracking-number').innerText()).trim();
    const secret = (await page.locator('#tracking-secret').innerText()).trim();
    assert.match(trackingNumber, /^\d+-\d{4}-\d{6}$/);
    assert.match(secret, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    assert.ok(!page.url().includes(secret.slice(0, 4)), 'the 查询码 is not in the URL');
    await assertFitsWidth(page);

    // Reloading the result page sends no form again (no resubmission), creates nothing, and does
    // not show the 查询码 a second time.
    const submitted = () => env.db.kysely.selectFrom('applications').select('id').where('description', '=', PERSON.description).execute();
    assert.equal((await submitted()).length, 1);
    await page.reload();
    assert.equal(page.url(), `${env.baseUrl}/apply/done`);
    await page.getByRole('heading', { name: '申请编号和查询码已显示过' }).waitFor();
    const reloaded = await page.locator('main').innerText();
    assert.ok(!reloaded.includes(secret) && !reloaded.includes(trackingNumber), 'shown once');
    assert.match(reloaded, /刷新本页不会重复提交申请/);
    assert.equal((await submitted()).length, 1, 'one application');
    await assertFitsWidth(page);

    await page.getByRole('main').getByRole('link', { name: '查询办理情况' }).click();
    await page.waitForURL(`${env.baseUrl}/track`);
    await page.getByLabel('申请编号').fill(trackingNumber);
    await page.getByLabel('查询码').fill(secret);
    await page.getByRole('button', { name: '查询' }).click();
    assert.equal((await page.locator('#case-state').innerText()).trim(), '待确认收到');
    assert.equal((await page.locator('#case-agency').innerText()).trim(), '永安镇人民政府');
    assert.match(await page.locator('#case-reply-due').innerText(), /确认收到申请后计算/);
    const text = await page.locator('main').innerText();
    for (const v of Object.values(PERSON)) assert.ok(!text.includes(v), `no personal data on the page (${v})`);
    assert.ok(!page.url().includes(secret.slice(0, 4)));
    await assertFitsWidth(page);

    // A clerk of 永安镇 confirms receipt today (through the service; the back office does the same).
    const row = await env.db.kysely.selectFrom('applications').select(['id', 'version']).where('tracking_number', '=', trackingNumber).executeTakeFirstOrThrow();
    const clerk = (await loadActor(env.db.kysely, (await findUserByUsername(env.db.kysely, 'clerk'))!.id))!;
    await confirmReceipt(env.db, { calendar: WorkCalendar.builtin() }, clerk, { applicationId: row.id, version: row.version, confirmedOn: chinaDate(new Date()) });
    const due = (await env.db.kysely.selectFrom('applications').select('reply_due_on').where('id', '=', row.id).executeTakeFirstOrThrow()).reply_due_on!;

    await lookUp(page, trackingNumber, secret.replace('-', '').toLowerCase());
    assert.equal((await page.locator('#case-state').innerText()).trim(), '已登记');
    assert.match(await page.locator('#case-reply-due').innerText(), new RegExp(formatChineseDate(parseIsoDate(due))));
    assert.match(await page.locator('#case-received').innerText(), new RegExp(formatChineseDate(parseIsoDate(chinaDate(new Date())))));
    assert.match(await page.locator('main').innerText(), /收到申请回执/);
    await context.close();

    // Someone else, with the number but a wrong 查询码, learns nothing.
    const other = await env.browser.newPage();
    await lookUp(other, trackingNumber, 'ABCD-EFGH');
    assert.match(await other.getByRole('alert').innerText(), /未找到，请核对申请编号和查询码/);
    assert.equal(await other.locator('#case-state').count(), 0);
    await other.close();
  });
});
