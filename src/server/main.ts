/**
 * Starting the web application: configuration, database (migrated at start), the data keys of
 * personal data (src/crypto: checked against the stored data; refused on PostgreSQL without
 * them), demo data on an empty embedded database, plaintext personal data encrypted, then listen. SIGTERM/SIGINT close the server and the database cleanly:
 * /readyz answers 503 at once and, if a load balancer has been probing it, the node keeps serving
 * for GONGKAI_DRAIN_SECONDS so that the balancer takes it out before it stops listening.
 */
import { join } from 'node:path';
import { WorkCalendar } from '../calendar/calendar.js';
import type { Config } from '../config.js';
import { openDatabase, type Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { DEMO_PASSWORD, DEMO_USERS, isEmpty, seedDemo } from '../demo/seed.js';
import { seedDemoCatalogue } from '../demo/catalogue.js';
import { buildApp } from './app.js';
import type { LogSettings } from './observability/logging.js';
import { createFileStore } from '../attachments/store.js';
import { installDataKeys, setUpDataKeys } from '../crypto/keys.js';
import { encryptAtStart } from '../crypto/existing.js';

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

export async function startServer(config: Config, log: (s: string) => void, opts: { logger?: boolean | LogSettings } = {}): Promise<Running> {
  const calendar = WorkCalendar.load({ GONGKAI_CALENDAR: config.calendarFile });
  const db = await openConfiguredDatabase(config);
  // The keys of personal data (src/crypto/keys.ts): checked against the data before anything is
  // served; PostgreSQL without configured keys does not start.
  const dataKeys = await setUpDataKeys(db, { configured: config.dataKeys, dataDir: config.dataDir, log }).catch(async (e: unknown) => {
    await db.close();
    throw e;
  });
  installDataKeys(dataKeys);
  let seeded = false;
  // One node seeds (seedDemo's lock); the demo catalogue follows only on that node.
  if (config.demo && (await isEmpty(db.kysely)) && (await seedDemo(db.kysely))) {
    await seedDemoCatalogue(db, calendar);
    seeded = true;
  }
  await encryptAtStart(db, dataKeys, log);
  const app = await buildApp({
    db,
    calendar,
    files: createFileStore(config.filesDir),
    maxUploadBytes: config.maxUploadBytes,
    secureCookies: config.secureCookies,
    trustProxy: config.trustProxy,
    logger: opts.logger ?? (config.logLevel === 'silent' ? false : { level: config.logLevel }),
    housekeeping: true,
    auditRetention: { retentionDays: config.auditRetentionDays, archiveDir: config.auditArchiveDir },
    ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
    rateLimits: config.rateLimits,
    pageCache: config.pageCache,
    ...(config.staticDir ? { staticDir: config.staticDir } : {}),
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    ...(config.mail ? { mail: config.mail } : {}),
    reminderTime: config.reminderTime,
    columnStaleDays: config.columnStaleDays,
    security: config.security,
    sessionTimeouts: config.sessionTimeouts,
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
      app.readiness.drain();
      if (app.readiness.probed && config.drainSeconds > 0) await new Promise((r) => setTimeout(r, config.drainSeconds * 1000));
      await app.close();
      await db.close();
    },
  };
}
