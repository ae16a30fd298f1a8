/**
 * Starting the web application: configuration, database (migrated at start), demo data on an
 * empty embedded database, then listen. SIGTERM/SIGINT close the server and the database cleanly.
 */
import { join } from 'node:path';
import { WorkCalendar } from '../calendar/calendar.js';
import type { Config } from '../config.js';
import { openDatabase, type Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { DEMO_PASSWORD, DEMO_USERS, isEmpty, seedDemo } from '../demo/seed.js';
import { seedDemoCatalogue } from '../demo/catalogue.js';
import { buildApp } from './app.js';
import { createFileStore } from '../attachments/store.js';

export const SQLITE_FILE = 'gongkai.sqlite';

/** Opens and migrates the configured database. */
export async function openConfiguredDatabase(config: Config): Promise<Db> {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, sqlitePath: join(config.dataDir, SQLITE_FILE) });
  try {
    await migrateToLatest(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}

export interface Running {
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config, log: (s: string) => void, opts: { logger?: boolean } = {}): Promise<Running> {
  const calendar = WorkCalendar.load({ GONGKAI_CALENDAR: config.calendarFile });
  const db = await openConfiguredDatabase(config);
  let seeded = false;
  if (config.demo && (await isEmpty(db.kysely))) {
    await seedDemo(db.kysely);
    await seedDemoCatalogue(db, calendar);
    seeded = true;
  }
  const app = await buildApp({
    db,
    calendar,
    files: createFileStore(config.filesDir),
    maxUploadBytes: config.maxUploadBytes,
    secureCookies: config.secureCookies,
    trustProxy: config.trustProxy,
    logger: opts.logger ?? false,
    rateLimits: config.rateLimits,
    pageCache: config.pageCache,
    ...(config.staticDir ? { staticDir: config.staticDir } : {}),
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    ...(config.mail ? { mail: config.mail } : {}),
    reminderTime: config.reminderTime,
    columnStaleDays: config.columnStaleDays,
  });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    await app.close();
    await db.close();
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new Error(`端口 ${config.port} 已被占用，请用 PORT=… 指定其他端口`);
    throw e;
  }
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${shown}:${config.port}/`;
  log(`Gongkai 已启动：${url}`);
  log(`数据库：${db.dialect === 'sqlite' ? `SQLite ${db.location}` : `PostgreSQL ${db.location}`}`);
  if (config.demo) {
    log(`${seeded ? '已载入' : '使用'}演示数据。工作人员登录：${url}login ，演示账号（密码均为 ${DEMO_PASSWORD}）：`);
    for (const u of DEMO_USERS) log(`  ${u.username.padEnd(11)} ${u.displayName}`);
  }
  return {
    url,
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}
