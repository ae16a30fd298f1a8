/**
 * Opening the database: SQLite (the embedded default, a file in the data folder) or PostgreSQL
 * (DATABASE_URL=postgres://…). The same typed queries run on both; code branches on `dialect`
 * only where SQL really differs.
 */
import SQLite from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type PostgresPool,
  type PostgresPoolClient,
  type SqliteDatabase,
  type SqliteDialectConfig,
} from 'kysely';
import { createHash } from 'node:crypto';
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
  /** PostgreSQL: the connection pool now (for /metrics); SQLite has none. */
  poolStats?: () => PoolStats;
  close(): Promise<void>;
}

export interface PoolStats {
  /** Connections open (idle and in use). */
  total: number;
  idle: number;
  /** Queries waiting for a connection: the pool is too small, or the database too slow. */
  waiting: number;
  max: number;
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
      max: opts.poolSize ?? 10, // (poolStats)
      ...(opts.pgSchema ? { options: `-c search_path=${opts.pgSchema}` } : {}),
    });
    // An idle connection that the server drops (a restart, a failover, an administrator's
    // pg_terminate_backend) makes the pool emit 'error'; unhandled, that event ends the process.
    // The pool has already discarded the connection and opens a new one for the next query, so the
    // node serves errors while the database is away and recovers when it is back
    // (test/multinode/faults.test.ts kills the server under load).
    pool.on('error', (e) => process.emitWarning(`PostgreSQL 空闲连接已断开：${e.message}`, { code: 'GONGKAI_PG_IDLE' }));
    try {
      const c = await pool.connect();
      c.release();
    } catch (e) {
      await pool.end();
      throw new DatabaseConfigError(`无法连接 PostgreSQL（${redact(url)}）：${(e as Error).message}`);
    }
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparing(pool) }) });
    const max = opts.poolSize ?? 10;
    return {
      kysely,
      dialect: 'postgres',
      location: redact(url),
      pgSchema: opts.pgSchema ?? 'public',
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max }),
      close: () => kysely.destroy(),
    };
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
  const kysely = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }) });
  return { kysely, dialect: 'sqlite', location: path, pgSchema: null, close: () => kysely.destroy() };
}

/**
 * Transactions on SQLite start with BEGIN IMMEDIATE (Kysely's driver says BEGIN, i.e. DEFERRED):
 * a deferred transaction reads first and asks for the write lock only at its first write, and
 * when another process has written in between SQLite cannot wait for it (the snapshot is stale)
 * and fails at once with "database is locked", whatever busy_timeout says. Several processes on
 * one database file (two app nodes, a CLI command beside the server) then fail writes under load;
 * measured with two nodes taking applications: 25–35 of about 550 refused with 500
 * (test/multinode/faults.test.ts). IMMEDIATE takes the write lock first, waiting up to
 * busy_timeout; within one process transactions already run one at a time (one connection).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly config: SqliteDialectConfig) {
    super(config);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.config);
  }
}

/** Prepared statements kept per SQL text (least recently used dropped beyond this many). */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * better-sqlite3 behind Kysely, reusing prepared statements: Kysely prepares every query it runs,
 * and preparing costs more than running a small indexed query. A statement is reused only when
 * idle (a streamed query still iterating gets a fresh one), and SQLite re-prepares a cached
 * statement by itself after a schema change.
 */
export function withStatementCache(sqlite: SQLite.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      const hit = cache.get(text);
      if (hit && !hit.busy) {
        // Map order is insertion order: move the hit to the end (most recently used).
        cache.delete(text);
        cache.set(text, hit);
        return hit;
      }
      const stmt = sqlite.prepare(text);
      if (!hit) {
        cache.set(text, stmt);
        if (cache.size > size) cache.delete(cache.keys().next().value!);
      }
      return stmt;
    },
  };
}

/**
 * SQL starting with this comment runs as a named prepared statement on PostgreSQL: parsed and
 * planned once per connection instead of on every execution (for the hot queries compiled once,
 * src/db/compiled.ts; planning their subqueries costs several times their execution). SQLite
 * ignores the comment (its statements are always prepared, see withStatementCache).
 */
export const PREPARED_MARK = '/* prepared */ ';

/**
 * Read-only statements sent with SQL's PREPARE and EXECUTE, so that the round trip that runs one
 * can also begin (and end) its transaction: `BEGIN …; SET LOCAL …; EXECUTE name(…)[; COMMIT]` is one
 * message. The statement is prepared once per connection; its values become literals (sqlLiteral).
 * In that transaction statements get their generic plan (planned once, not at every execution)
 * and no JIT compilation: they are meant for short index lookups, which take less time to run
 * than to plan, and whose generic plan's estimates could pass jit_above_cost (JIT then costs
 * 15–25 ms; seen with the search's first statement).
 *
 * SNAPSHOT_MARK (then PREPARED_MARK): begins a repeatable-read, read-only transaction with the
 * statement; the caller sends the next statements and ends it on the same connection (Kysely's
 * `connection()`), and must not be in a transaction already.
 * ALONE_MARK (then PREPARED_MARK): the statement in a read-only transaction of its own, ended in
 * the same round trip.
 * When the statement fails, the transaction is already rolled back.
 */
export const SNAPSHOT_MARK = '/* snapshot */ ';
export const ALONE_MARK = '/* alone */ ';

/** The settings of those transactions (SET LOCAL: they end with it). */
const READ_SETTINGS = 'SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL jit = off';

/** Bumped when PostgreSQL refuses a cached plan (a column added under a running node): new names re-prepare. */
let preparedGeneration = 0;

/**
 * A value as an SQL literal of unknown type ('…': PostgreSQL reads it as the parameter's type),
 * the way the driver would send it: arrays as array literals, bytes as hex.
 */
export function sqlLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'string') return pg.escapeLiteral(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`sqlLiteral: ${v}`);
    return `'${v}'`;
  }
  if (typeof v === 'bigint' || typeof v === 'boolean') return `'${v}'`;
  if (v instanceof Uint8Array) return pg.escapeLiteral(`\\x${Buffer.from(v.buffer, v.byteOffset, v.length).toString('hex')}`);
  if (Array.isArray(v)) {
    const element = (x: unknown): string => {
      if (x === null || x === undefined) return 'NULL';
      if (typeof x === 'number' && !Number.isFinite(x)) throw new TypeError(`sqlLiteral: ${x}`);
      if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'bigint' && typeof x !== 'boolean') throw new TypeError(`sqlLiteral: an array of ${typeof x}`);
      return `"${String(x).replace(/[\\"]/g, '\\$&')}"`;
    };
    return pg.escapeLiteral(`{${v.map(element).join(',')}}`);
  }
  throw new TypeError(`sqlLiteral: ${typeof v}`);
}

/** The pool as Kysely sees it, with PREPARED_MARK statements sent as named prepared statements. */
function preparing(pool: pg.Pool): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  /** A statement's name on a connection: its text's hash and the generation (see below). */
  const nameOf = (prefix: string, text: string) => `${prefix}_${createHash('sha1').update(text).digest('hex').slice(0, 32)}_${preparedGeneration}`;
  /** Runs `send` again, under new names, when PostgreSQL refuses a cached plan. */
  const reprepared = async (send: () => Promise<pg.QueryResult>): Promise<pg.QueryResult> => {
    try {
      return await send();
    } catch (e) {
      // 0A000 "cached plan must not change result type": the table changed; prepare afresh.
      if ((e as { code?: string }).code !== '0A000') throw e;
      preparedGeneration++;
      return send();
    }
  };
  /** The statements each connection has prepared with SQL's PREPARE (SNAPSHOT_MARK, ALONE_MARK). */
  const sqlPrepared = new WeakMap<pg.PoolClient, Set<string>>();
  const inTransaction = (c: pg.PoolClient, text: string, values: unknown[], alone: boolean) =>
    reprepared(async () => {
      const name = nameOf('gs', text);
      let names = sqlPrepared.get(c);
      if (!names) sqlPrepared.set(c, (names = new Set()));
      if (!names.has(name)) {
        await c.query(`PREPARE ${name} AS ${text}`);
        names.add(name);
      }
      const execute = `EXECUTE ${name}${values.length ? `(${values.map(sqlLiteral).join(', ')})` : ''}`;
      const begin = alone ? 'BEGIN READ ONLY' : 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';
      try {
        const results = (await c.query(`${begin}; ${READ_SETTINGS}; ${execute}${alone ? '; COMMIT' : ''}`)) as unknown as pg.QueryResult[];
        return results[3]!;
      } catch (e) {
        // The BEGIN ran (the statements of one query string run in order): end the transaction.
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  const run = (c: pg.PoolClient, text: string, values: unknown[]) => reprepared(() => c.query({ name: nameOf('gk', text), text, values }));
  return {
    async connect() {
      const c = await pool.connect();
      let w = clients.get(c);
      if (!w) {
        // A connection that dies while checked out (between the statements of a transaction)
        // emits 'error' on its client, where the pool listens only while the client is idle:
        // unhandled, that ends the process (seen in test/multinode/faults.test.ts). The failure
        // reaches the caller through its next statement, and the pool drops the broken client
        // when it is released; nothing more to do here.
        c.on('error', () => undefined);
        w = {
          query: ((q: unknown, values?: readonly unknown[]) => {
            if (typeof q !== 'string') return c.query(q as string, values as unknown[]);
            const args = [...(values ?? [])];
            if (q.startsWith(SNAPSHOT_MARK)) return inTransaction(c, q.slice(SNAPSHOT_MARK.length), args, false);
            if (q.startsWith(ALONE_MARK)) return inTransaction(c, q.slice(ALONE_MARK.length), args, true);
            if (q.startsWith(PREPARED_MARK)) return run(c, q, args);
            return c.query(q, args);
          }) as unknown as PostgresPoolClient['query'],
          release: (destroy?: boolean) => c.release(destroy),
        };
        clients.set(c, w);
      }
      return w;
    },
    end: () => pool.end(),
  };
}

/** A URL without its password, for messages and logs. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
