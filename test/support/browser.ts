/**
 * Browser tests: Debian's Chromium driven by playwright-core, against the real server listening
 * on a free loopback port with a fresh database (SQLite in a temp folder, or a PostgreSQL schema
 * when TEST_DATABASE_URL is set) holding the demo data.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileStore } from '../../src/attachments/store.js';
import { WorkCalendar } from '../../src/calendar/calendar.js';
import type { Db } from '../../src/db/database.js';
import { seedDemo, DEMO_PASSWORD } from '../../src/demo/seed.js';
import { buildApp } from '../../src/server/app.js';
import { openTestDb } from './db.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Why browser tests cannot run here (no Chromium), or false. */
export const noBrowser: string | false = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`;

export interface BrowserEnv {
  browser: Browser;
  baseUrl: string;
  /** The server's database (for steps a test does through the services, e.g. a clerk's action). */
  db: Db;
  close(): Promise<void>;
}

export async function startBrowserEnv(): Promise<BrowserEnv> {
  const db = await openTestDb();
  await seedDemo(db.kysely);
  const app = await buildApp({ db, calendar: WorkCalendar.builtin(), files: createFileStore(mkdtempSync(join(tmpdir(), 'gongkai-files-'))), maxUploadBytes: 5 * 1024 * 1024 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return {
    browser,
    baseUrl: `http://127.0.0.1:${port}`,
    db,
    close: async () => {
      await browser.close();
      await app.close();
      await db.close();
    },
  };
}

/** Logs a demo user in through the login form. */
export async function loginAs(page: Page, baseUrl: string, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${baseUrl}/admin`);
}
