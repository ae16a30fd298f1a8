/**
 * SQLite's side of backup and restore.
 *
 * Backup: SQLite's online backup API (better-sqlite3 `backup()`) copies the live database into a
 * new file while the server may keep running — never a copy of the live file, which may be
 * mid-write and whose recent transactions may still be in the -wal file. All pages are copied in
 * one step, inside one read transaction, so the copy is one consistent snapshot even while others
 * write (in WAL mode a reader blocks no writer). The copy is switched to a rollback journal so the
 * archived file stands alone, then described (migrations, row counts, referenced stored files, the
 * audit log's archive files recorded in audit_retention) from the copy itself — the manifest
 * describes exactly what is in the archive.
 *
 * Restore: the server must be stopped. A connection in EXCLUSIVE locking mode that begins an
 * exclusive transaction fails while any other connection (another process, or this one) has the
 * database open in WAL mode, which is how a running server is detected; the lock is held while the
 * new file is prepared beside the database and released just before the new file is renamed over
 * it. Closing the lock's connection checkpoints and removes the old database's -wal file, which
 * must never be applied to the restored file.
 */
import SQLite from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { BackupError, SQL_NAME } from './manifest.js';

export interface DatabaseDescription {
  /** Applied migrations (schema_migrations), by name. */
  migrations: string[];
  /** Rows per table (base tables; FTS5's own storage tables included, virtual tables not). */
  tables: Record<string, number>;
  /** Tables whose rows are the schema's bookkeeping or a search index's storage, not records. */
  bookkeeping: Set<string>;
  /** SHA-256 of every stored file a row refers to (any column named sha256). */
  referenced: string[];
  /**
   * The audit log's archive files recorded in audit_retention (rows without an archive skipped),
   * as the database has them — names and checksums are checked by the backup, not here.
   */
  auditArchives: AuditArchiveRecord[];
}

/** One audit_retention row's archive file: its name in GONGKAI_AUDIT_ARCHIVE_DIR and its SHA-256. */
export interface AuditArchiveRecord {
  name: string;
  sha256: string | null;
}

/** The audit_retention table's archive files (both dialects; the backup sorts them). */
export const AUDIT_ARCHIVES_SQL = (table: string) => `SELECT archive AS name, archive_sha256 AS sha256 FROM ${table} WHERE archive IS NOT NULL`;

const SHA = /^[0-9a-f]{64}$/;

/** Whether a database described so holds records (anything beyond what migrations create). */
export function hasRecords(d: DatabaseDescription): boolean {
  return Object.entries(d.tables).some(([t, n]) => n > 0 && !d.bookkeeping.has(t));
}

/** Describes a SQLite database (a backup copy, or a restore target). */
export function describeSqlite(db: SQLite.Database): DatabaseDescription {
  const rows = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`).all() as {
    name: string;
    sql: string | null;
  }[];
  const virtual = rows.filter((r) => /^\s*CREATE\s+VIRTUAL\s+TABLE/i.test(r.sql ?? '')).map((r) => r.name);
  const tables: Record<string, number> = {};
  const bookkeeping = new Set<string>();
  const referenced = new Set<string>();
  for (const { name, sql } of rows) {
    if (/^\s*CREATE\s+VIRTUAL\s+TABLE/i.test(sql ?? '')) continue;
    if (!SQL_NAME.test(name)) throw new BackupError(`数据库中有无法处理的表名「${name}」`);
    tables[name] = (db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n;
    if (name.startsWith('schema_migrations') || virtual.some((v) => name.startsWith(`${v}_`))) bookkeeping.add(name);
    const columns = db.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as { name: string }[];
    if (columns.some((c) => c.name === 'sha256')) {
      for (const r of db.prepare(`SELECT DISTINCT sha256 AS s FROM "${name}" WHERE sha256 IS NOT NULL`).all() as { s: string }[]) {
        if (SHA.test(r.s)) referenced.add(r.s);
      }
    }
  }
  const migrations =
    'schema_migrations' in tables ? (db.prepare('SELECT name FROM schema_migrations ORDER BY name').all() as { name: string }[]).map((r) => r.name) : [];
  const auditArchives = 'audit_retention' in tables ? (db.prepare(AUDIT_ARCHIVES_SQL('audit_retention')).all() as AuditArchiveRecord[]) : [];
  return { migrations, tables, bookkeeping, referenced: [...referenced].sort(), auditArchives };
}

/** Copies the live database at `dbPath` into `target` (a new file) and describes the copy. */
export async function snapshotSqlite(dbPath: string, target: string): Promise<DatabaseDescription> {
  if (!existsSync(dbPath)) throw new BackupError(`找不到 SQLite 数据库文件 ${dbPath}（GONGKAI_DATA 是否指向数据目录？）`);
  let src: SQLite.Database;
  try {
    src = new SQLite(dbPath, { fileMustExist: true, timeout: 5000 });
  } catch (e) {
    throw new BackupError(`无法打开 SQLite 数据库 ${dbPath}：${(e as Error).message}`);
  }
  try {
    // The first step only counts the pages; the progress callback then asks for all of them at
    // once, so the whole copy is made inside one read transaction.
    await src.backup(target, { progress: () => 0x7fffffff });
  } catch (e) {
    throw new BackupError(`SQLite 在线备份失败：${(e as Error).message}`);
  } finally {
    src.close();
  }
  const copy = new SQLite(target, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    return describeSqlite(copy);
  } finally {
    copy.close();
  }
}

export interface SqliteLock {
  description: DatabaseDescription;
  /** Ends the exclusive transaction and closes (checkpointing and removing the -wal file). */
  release(): void;
}

/**
 * Takes the database at `dbPath` for a restore: an exclusive lock that fails while any other
 * connection has it open (a running server). Null when there is no database file yet.
 */
export function lockSqlite(dbPath: string): SqliteLock | null {
  if (!existsSync(dbPath)) return null;
  let db: SQLite.Database;
  try {
    db = new SQLite(dbPath, { fileMustExist: true, timeout: 200 });
  } catch (e) {
    throw new BackupError(`无法打开现有的 SQLite 数据库 ${dbPath}：${(e as Error).message}`);
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    const code = (e as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      throw new BackupError(`数据库 ${dbPath} 正在被使用（gongkai serve 或其他程序可能正在运行）：请先停止服务器再恢复`);
    }
    throw new BackupError(`无法锁定现有的 SQLite 数据库 ${dbPath}：${(e as Error).message}`);
  }
  let description: DatabaseDescription;
  try {
    description = describeSqlite(db);
  } catch (e) {
    db.close();
    if (e instanceof BackupError) throw e;
    throw new BackupError(`无法读取现有的 SQLite 数据库 ${dbPath}：${(e as Error).message}`);
  }
  return {
    description,
    release: () => {
      try {
        db.exec('ROLLBACK');
      } finally {
        db.close();
      }
    },
  };
}

/** Checks a restored copy's row counts against the manifest before it replaces anything. */
export function checkSqliteCounts(dbPath: string, expected: Record<string, number>): void {
  const db = new SQLite(dbPath, { fileMustExist: true });
  try {
    const actual = describeSqlite(db).tables;
    const names = new Set([...Object.keys(actual), ...Object.keys(expected)]);
    for (const t of names) {
      if (actual[t] !== expected[t]) {
        throw new BackupError(`恢复出的数据库与备份清单不符：表 ${t} 有 ${actual[t] ?? '（不存在）'} 行，清单记录 ${expected[t] ?? '（没有这张表）'} 行`);
      }
    }
  } finally {
    db.close();
  }
}
