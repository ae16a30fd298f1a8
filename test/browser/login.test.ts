import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loginAs, noBrowser, startBrowserEnv, type BrowserEnv } from '../support/browser.js';

describe('browser: staff login and logout', { skip: noBrowser }, () => {
  let env: BrowserEnv;
  before(async () => {
    env = await startBrowserEnv();
  });
  after(async () => {
    await env?.close();
  });

  test('a clerk logs in, sees the back office, logs out; a wrong password shows a Chinese error', async () => {
    const page = await env.browser.newPage();
    await page.goto(`${env.baseUrl}/`);
    assert.match(await page.title(), /政府信息公开/);
    await page.getByRole('link', { name: '工作人员登录' }).click();
    await page.getByLabel('用户名').fill('clerk');
    await page.getByLabel('密码').fill('not-the-password');
    await page.getByRole('button', { name: '登录' }).click();
    assert.match(await page.getByRole('alert').innerText(), /用户名或密码不正确/);

    await loginAs(page, env.baseUrl, 'clerk');
    assert.match(await page.locator('h1').innerText(), /工作台/);
    assert.match(await page.content(), /永安镇人民政府/);
    await page.getByRole('button', { name: '退出' }).click();
    await page.waitForURL(`${env.baseUrl}/`);
    await page.goto(`${env.baseUrl}/admin`);
    assert.match(page.url(), /\/login\?next=/);
    await page.close();
  });
});
