/**
 * PostgreSQL's side of backup and restore, with the PostgreSQL client programs (pg_dump,
 * pg_restore, psql; Debian: postgresql-client, of the server's major version or newer).
 *
 * Backup: one REPEATABLE READ transaction exports its snapshot (pg_export_snapshot), describes the
 * database in it (migrations, row counts, referenced stored files, the audit archive files recorded
 * in audit_retention) and stays open while `pg_dump --format=custom --snapshot=…` dumps exactly
 * that snapshot: the manifest's counts are those of the dump even while the server keeps writing.
 * Only the application's schema is dumped (the connection's current schema, `public` unless
 * configured otherwise).
 *
 * Restore: `pg_restore --clean --if-exists --no-owner` turns the dump into SQL, which psql runs in
 * ONE transaction that begins by dropping the schema (CASCADE: tables a newer migration added to
 * the target, which the dump does not know, go too), recreates everything from the dump, checks
 * every table's row count against the manifest, and commits only if the dump's bytes had the
 * manifest's SHA-256. Any error rolls everything back: the database is as before. (pg_restore
 * --single-transaction straight into the database cannot drop what is not in the dump, so an older
 * backup could not be restored into a database a newer program had already migrated.)
 *
 * The password never appears on a command line: it is passed to the programs as PGPASSWORD.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { redact } from '../db/database.js';
import { BackupError, SQL_NAME, type Manifest } from './manifest.js';
import { AUDIT_ARCHIVES_SQL, type AuditArchiveRecord, type DatabaseDescription } from './sqlite.js';

/** The URL without its password, and the environment that carries the password. */
function libpq(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  u.password = '';
  return { dbname: u.toString(), env: { ...process.env, ...(password !== undefined ? { PGPASSWORD: password } : {}), PGCONNECT_TIMEOUT: '10' } };
}

async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  try {
    await c.connect();
  } catch (e) {
    await c.end().catch(() => {});
    throw new BackupError(`无法连接 PostgreSQL（${redact(url)}）：${(e as Error).message}`);
  }
  return c;
}

const q = (name: string) => `"${name}"`;

/** Describes the database as the client's current transaction sees it. */
async function describe(c: pg.Client, schema: string): Promise<DatabaseDescription> {
  const names = (
    await c.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
      [schema],
    )
  ).rows.map((r) => r.name);
  const withSha = new Set(
    (await c.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.columns WHERE table_schema = $1 AND column_name = 'sha256'`, [schema])).rows.map(
      (r) => r.name,
    ),
  );
  const tables: Record<string, number> = {};
  const bookkeeping = new Set<string>();
  const referenced = new Set<string>();
  for (const name of names) {
    if (!SQL_NAME.test(name)) throw new BackupError(`数据库中有无法处理的表名「${name}」`);
    tables[name] = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${q(schema)}.${q(name)}`)).rows[0]!.n);
    if (name.startsWith('schema_migrations')) bookkeeping.add(name);
    if (withSha.has(name)) {
      for (const r of (await c.query<{ s: string }>(`SELECT DISTINCT sha256 AS s FROM ${q(schema)}.${q(name)} WHERE sha256 IS NOT NULL`)).rows) {
        if (/^[0-9a-f]{64}$/.test(r.s)) referenced.add(r.s);
      }
    }
  }
  const migrations = 'schema_migrations' in tables ? (await c.query<{ name: string }>(`SELECT name FROM ${q(schema)}.schema_migrations ORDER BY name`)).rows.map((r) => r.name) : [];
  const auditArchives = 'audit_retention' in tables ? (await c.query<AuditArchiveRecord>(AUDIT_ARCHIVES_SQL(`${q(schema)}.audit_retention`))).rows : [];
  return { migrations, tables, bookkeeping, referenced: [...referenced].sort(), auditArchives };
}

async function currentSchema(c: pg.Client): Promise<string> {
  const schema = (await c.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]?.s;
  if (!schema || !SQL_NAME.test(schema)) throw new BackupError(`无法处理当前的 PostgreSQL 模式「${schema ?? ''}」`);
  return schema;
}

interface Finished {
  code: number | null;
  stderr: string;
}

/** Starts a client program; a missing program is a BackupError naming the package. */
function start(cmd: string, args: string[], env: NodeJS.ProcessEnv, stdin: 'pipe' | 'ignore') {
  const child = spawn(cmd, args, { env, stdio: [stdin, 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => {
    stderr = (stderr + s).slice(-4000);
  });
  const done = new Promise<Finished>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') reject(new BackupError(`找不到 ${cmd}：请安装 PostgreSQL 客户端程序（Debian: apt-get install postgresql-client），版本不低于数据库服务器`));
      else reject(new BackupError(`无法运行 ${cmd}：${e.message}`));
    });
    child.on('close', (code) => resolve({ code, stderr: stderr.trim().replace(/\s*\n\s*/g, ' | ') }));
  });
  return { child, done };
}

/** Dumps the configured database into `target` and describes the dumped snapshot. */
export async function snapshotPostgres(url: string, target: string): Promise<DatabaseDescription & { schema: string }> {
  const c = await connect(url);
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = (await c.query<{ s: string }>('SELECT pg_export_snapshot() AS s')).rows[0]!.s;
    const schema = await currentSchema(c);
    const description = await describe(c, schema);
    const { dbname, env } = libpq(url);
    const dump = start('pg_dump', ['--format=custom', `--snapshot=${snapshot}`, `--schema=${schema}`, '--no-password', `--file=${target}`, `--dbname=${dbname}`], env, 'ignore');
    dump.child.stdout!.resume();
    const r = await dump.done;
    if (r.code !== 0) throw new BackupError(`pg_dump 失败（退出码 ${r.code}）：${r.stderr || '没有输出'}`);
    await c.query('COMMIT');
    return { ...description, schema };
  } finally {
    await c.end().catch(() => {});
  }
}

export interface PostgresTarget {
  schema: string;
  description: DatabaseDescription;
  /** Other sessions of the same user on the database (a running server). */
  otherSessions: number;
}

/** What is in the configured database now (before a restore). */
export async function inspectPostgres(url: string): Promise<PostgresTarget> {
  const c = await connect(url);
  try {
    const schema = await currentSchema(c);
    const description = await describe(c, schema);
    const otherSessions = Number(
      (
        await c.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND usename = current_user AND backend_type = 'client backend'`,
        )
      ).rows[0]!.n,
    );
    return { schema, description, otherSessions };
  } finally {
    await c.end().catch(() => {});
  }
}

/**
 * Restores a dump (streamed from the archive) into the configured database in one transaction.
 * `source` delivers the dump's bytes; they must hash to `manifest.database.sha256` or nothing is
 * committed.
 */
export async function restorePostgres(url: string, manifest: Manifest, source: AsyncIterable<Uint8Array>): Promise<void> {
  const schema = manifest.pgSchema!;
  const { dbname, env } = libpq(url);
  const restore = start('pg_restore', ['--clean', '--if-exists', '--no-owner', '--file=-'], env, 'pipe');
  const psql = start('psql', ['-X', '-q', '--no-password', '-v', 'ON_ERROR_STOP=1', `--dbname=${dbname}`, '--file=-'], env, 'pipe');
  const psqlIn = psql.child.stdin!;
  const restoreIn = restore.child.stdin!;
  // A child that exits early closes its stdin: the write errors are reported through its exit.
  psqlIn.on('error', () => {});
  restoreIn.on('error', () => {});
  psql.child.stdout!.resume();
  // Failures are read when awaited below; until then they must not count as unhandled.
  restore.done.catch(() => {});
  psql.done.catch(() => {});
  // psql stopping early (an error in the SQL, ON_ERROR_STOP) stops pg_restore and the feeding.
  let psqlExited = false;
  psql.child.on('close', () => {
    psqlExited = true;
    restore.child.kill();
    restoreIn.destroy();
  });

  psqlIn.write(`SET client_min_messages = warning;\nBEGIN;\nDROP SCHEMA IF EXISTS ${q(schema)} CASCADE;\n`);
  restore.child.stdout!.pipe(psqlIn, { end: false });

  const hash = createHash('sha256');
  let size = 0;
  const feeding = (async () => {
    for await (const chunk of source) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (!restoreIn.write(chunk)) await new Promise<void>((resolve) => restoreIn.once('drain', resolve).once('close', resolve));
      if (restoreIn.destroyed) break;
    }
    restoreIn.end();
  })();

  let failure: string | null = null;
  try {
    await feeding;
  } catch (e) {
    failure = `读取备份文件失败：${(e as Error).message}`;
    restoreIn.destroy();
  }
  const r = await restore.done.catch(async (e: Error) => {
    psqlIn.end();
    await psql.done.catch(() => {});
    throw e;
  });
  const out = restore.child.stdout!;
  await new Promise<void>((resolve) => (out.readableEnded || out.destroyed ? resolve() : out.once('end', resolve).once('close', resolve)));
  if (psqlExited) {
    const p = await psql.done;
    throw new BackupError(`psql 恢复失败（退出码 ${p.code}），数据库未作任何改动：${p.stderr || '没有输出'}`);
  }
  if (!failure && r.code !== 0) failure = `pg_restore 失败（退出码 ${r.code}）：${r.stderr || '没有输出'}`;
  if (!failure && (size !== manifest.database.size || hash.digest('hex') !== manifest.database.sha256)) failure = '数据库部分的 SHA-256 与清单不符（备份文件在恢复过程中被改动或已损坏）';
  if (failure) {
    psqlIn.end(); // without COMMIT: psql ends, the transaction is rolled back
    await psql.done.catch(() => {});
    throw new BackupError(`${failure}；数据库未作任何改动`);
  }
  // Row counts inside the same transaction: a mismatch raises, and psql stops before COMMIT.
  const checks = Object.entries(manifest.tables)
    .map(
      ([t, n]) =>
        `  SELECT count(*) INTO n FROM ${q(schema)}.${q(t)};\n  IF n <> ${n} THEN RAISE EXCEPTION 'gongkai restore: table ${t} has % rows, the backup manifest says ${n}', n; END IF;`,
    )
    .join('\n');
  const tableCount = Object.keys(manifest.tables).length;
  psqlIn.end(
    `\nDO $gongkai$ DECLARE n bigint; BEGIN\n${checks}\n` +
      `  SELECT count(*) INTO n FROM information_schema.tables WHERE table_schema = '${schema}' AND table_type = 'BASE TABLE';\n` +
      `  IF n <> ${tableCount} THEN RAISE EXCEPTION 'gongkai restore: % tables, the backup manifest lists ${tableCount}', n; END IF;\n` +
      `END $gongkai$;\nCOMMIT;\n`,
  );
  const p = await psql.done;
  if (p.code !== 0) throw new BackupError(`psql 恢复失败（退出码 ${p.code}），数据库未作任何改动：${p.stderr || '没有输出'}`);
}
