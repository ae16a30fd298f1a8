/**
 * An installation for tests that run the program as an operator would — the CLI in-process, or
 * real `gongkai serve` processes (nodes.ts): a data folder and, when TEST_DATABASE_URL is set, a
 * PostgreSQL database of its own (the CLI and the server take a URL, which names no schema, so
 * openTestDb's per-file schema does not serve them). close() drops both.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Db } from '../../src/db/database.js';
import { SQLITE_FILE } from '../../src/server/main.js';
import { TEST_DATABASE_URL } from './db.js';

export interface Installation {
  /** GONGKAI_DATA, and DATABASE_URL on PostgreSQL. */
  env: Record<string, string>;
  dataDir: string;
  /** PostgreSQL: the database's URL; SQLite: undefined (the file in dataDir). */
  databaseUrl: string | undefined;
  /** A handle on the installation's database (what the program stored; the caller closes it). */
  open(): Promise<Db>;
  close(): Promise<void>;
}

/** `databaseUrl`: the PostgreSQL server to make the database on (default TEST_DATABASE_URL; none: SQLite). */
export async function installation(opts: { prefix?: string; databaseUrl?: string } = {}): Promise<Installation> {
  const dataDir = mkdtempSync(join(tmpdir(), opts.prefix ?? 'gongkai-install-'));
  const server = opts.databaseUrl ?? TEST_DATABASE_URL;
  let databaseUrl: string | undefined;
  let name: string | undefined;
  if (server) {
    name = `inst_${randomBytes(6).toString('hex')}`;
    await adminQuery(server, `CREATE DATABASE ${name}`);
    const url = new URL(server);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  }
  return {
    env: { GONGKAI_DATA: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
    dataDir,
    databaseUrl,
    open: () => openDatabase(databaseUrl ? { databaseUrl, poolSize: 2 } : { sqlitePath: join(dataDir, SQLITE_FILE) }),
    close: async () => {
      if (server && name) await adminQuery(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(url: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}
