/**
 * Opening the database: SQLite (the embedded default, a file in the data folder) or PostgreSQL
 * (DATABASE_URL=postgres://…). The same typed queries run on both; code branches on `dialect`
 * only where SQL really differs.
 */
import SQLite from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** Where it is: the SQLite file, or the PostgreSQL URL without password. */
  location: string;
  /** PostgreSQL: the schema the tables live in ('public' unless configured). */
  pgSchema: string | null;
  close(): Promise<void>;
}

export class DatabaseConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseConfigError';
  }
}

// PostgreSQL returns int8 (count(*), sums) as strings: parse them, they stay far below 2^53 here.
pg.types.setTypeParser(20, (v: string) => Number.parseInt(v, 10));
// NUMERIC as number too (amounts; never currency arithmetic in the database).
pg.types.setTypeParser(1700, (v: string) => Number.parseFloat(v));

export interface OpenOptions {
  /** postgres://… or postgresql://…; absent: SQLite at sqlitePath. */
  databaseUrl?: string | undefined;
  sqlitePath?: string;
  /** PostgreSQL schema to use (tests run each suite in its own schema). */
  pgSchema?: string;
  poolSize?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<Db> {
  const url = opts.databaseUrl?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new DatabaseConfigError(`DATABASE_URL 只支持 PostgreSQL（postgres://…），收到「${redact(url)}」`);
    }
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.poolSize ?? 10,
      ...(opts.pgSchema ? { options: `-c search_path=${opts.pgSchema}` } : {}),
    });
    try {
      const c = await pool.connect();
      c.release();
    } catch (e) {
      await pool.end();
      throw new DatabaseConfigError(`无法连接 PostgreSQL（${redact(url)}）：${(e as Error).message}`);
    }
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { kysely, dialect: 'postgres', location: redact(url), pgSchema: opts.pgSchema ?? 'public', close: () => kysely.destroy() };
  }
  const path = opts.sqlitePath ?? ':memory:';
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let sqlite: SQLite.Database;
  try {
    sqlite = new SQLite(path);
  } catch (e) {
    throw new DatabaseConfigError(`无法打开 SQLite 数据库 ${path}：${(e as Error).message}`);
  }
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { kysely, dialect: 'sqlite', location: path, pgSchema: null, close: () => kysely.destroy() };
}

/** A URL without its password, for messages and logs. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
