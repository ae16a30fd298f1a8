/**
 * `gongkai restore FILE [--force]` and `gongkai restore --check FILE`.
 *
 * Nothing is touched before the whole archive has been checked: its structure (src/backup/tar.ts,
 * strict), the manifest against its own checksum, the list of parts against the archive's entries,
 * and every part's SHA-256 — the database, the stored files and the audit log's archive files
 * (verifyArchive; `--check` stops there). Then the refusals that need this program and the
 * target: a schema newer than this program's migrations, a database of the other kind, an audit
 * archive file of the same name but other content already in GONGKAI_AUDIT_ARCHIVE_DIR (never
 * overwritten: the operator moves it away first), the database in use by a running server, a
 * target that holds records (unless --force). Only then:
 *
 * 1. stored files into GONGKAI_FILES, each written to a temporary name, checked and renamed; a
 *    file already there with the right content is kept (the store is content-addressed, so the
 *    restore never removes or changes a good file);
 * 2. the audit log's archive files into GONGKAI_AUDIT_ARCHIVE_DIR (folder 0700, files 0600) the
 *    same way; one already there with the right content is kept;
 * 3. the database — SQLite: written beside the database file, its row counts checked against the
 *    manifest, migrated to this program's schema and the restore recorded in its audit log, then
 *    renamed over the database file; PostgreSQL: one transaction (src/backup/postgres.ts), then
 *    migrated and recorded.
 *
 * Every part is hashed again while it is extracted, so an archive changed since the check is
 * caught before its bytes are used.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { audit } from '../audit/audit.js';
import type { Config } from '../config.js';
import { openDatabase, type Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { SQLITE_FILE } from '../server/main.js';
import { storedPath, syncDir } from './backup.js';
import { auditArchiveName, BackupError, checkSchemaKnown, MANIFEST, MANIFEST_SUM, parseManifest, type Manifest, type Part } from './manifest.js';
import { inspectPostgres, restorePostgres } from './postgres.js';
import { checkSqliteCounts, hasRecords, lockSqlite, type DatabaseDescription, type SqliteLock } from './sqlite.js';
import { entryStream, hashStream, readTarIndex, TarFormatError, type TarEntry } from './tar.js';

const DIALECT_LABEL = { sqlite: 'SQLite', postgres: 'PostgreSQL' } as const;
/** A manifest larger than this is not ours (100,000 files take about 20 MB). */
const MANIFEST_MAX = 256 * 1024 * 1024;

export interface VerifiedArchive {
  path: string;
  size: number;
  manifest: Manifest;
  entries: Map<string, TarEntry>;
}

async function readEntry(path: string, entry: TarEntry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of entryStream(path, entry)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Checks an archive completely (structure, manifest, every checksum) without changing anything. */
export async function verifyArchive(path: string): Promise<VerifiedArchive> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new BackupError(`${path} 不是文件`, 'usage');
    size = st.size;
  } catch (e) {
    if (e instanceof BackupError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new BackupError(code === 'ENOENT' ? `找不到备份文件 ${path}` : `无法读取备份文件 ${path}：${(e as Error).message}`, 'usage');
  }
  let list: TarEntry[];
  try {
    list = await readTarIndex(path);
  } catch (e) {
    if (e instanceof TarFormatError) {
      const what = e.problem === 'not-tar' ? '不是 gongkai 备份文件' : e.problem === 'truncated' ? '备份文件不完整' : '备份文件已损坏';
      throw new BackupError(`${what}（${path}）：${e.message}`, 'usage');
    }
    throw new BackupError(`无法读取备份文件 ${path}：${(e as Error).message}`, 'usage');
  }
  const entries = new Map<string, TarEntry>();
  for (const e of list) {
    if (entries.has(e.name)) throw new BackupError(`备份文件已损坏（${path}）：条目「${e.name}」出现了两次`, 'usage');
    entries.set(e.name, e);
  }
  const manifestEntry = entries.get(MANIFEST);
  const sumEntry = entries.get(MANIFEST_SUM);
  if (!manifestEntry || !sumEntry) throw new BackupError(`不是 gongkai 备份文件（${path}）：归档中没有 ${MANIFEST}`, 'usage');
  if (manifestEntry.size > MANIFEST_MAX || sumEntry.size > 200) throw new BackupError(`不是 gongkai 备份文件（${path}）：清单大小不符`, 'usage');
  const manifestBytes = await readEntry(path, manifestEntry);
  const sum = /^([0-9a-f]{64}) {2}manifest\.json\n?$/.exec((await readEntry(path, sumEntry)).toString('utf8'));
  if (!sum || createHash('sha256').update(manifestBytes).digest('hex') !== sum[1]) {
    throw new BackupError(`备份文件已损坏（${path}）：清单 ${MANIFEST} 与其校验和不符`, 'usage');
  }
  const manifest = parseManifest(manifestBytes.toString('utf8'));
  const parts: Part[] = [manifest.database, ...manifest.files, ...manifest.auditArchives];
  const expected = new Set([MANIFEST, MANIFEST_SUM, ...parts.map((p) => p.path)]);
  if (expected.size !== parts.length + 2) throw new BackupError(`备份文件已损坏（${path}）：清单中有重复的条目`, 'usage');
  for (const name of entries.keys()) {
    if (!expected.has(name)) throw new BackupError(`备份文件已损坏（${path}）：归档含有清单之外的条目「${name}」`, 'usage');
  }
  for (const p of parts) {
    const e = entries.get(p.path);
    if (!e) throw new BackupError(`备份文件不完整（${path}）：缺少 ${p.path}`, 'usage');
    if (e.size !== p.size) throw new BackupError(`备份文件已损坏（${path}）：${p.path} 的大小 ${e.size} 与清单记录的 ${p.size} 不符`, 'usage');
    const h = await hashStream(entryStream(path, e));
    if (h.sha256 !== p.sha256) throw new BackupError(`备份文件已损坏（${path}）：${p.path} 的 SHA-256 与清单不符`, 'usage');
  }
  return { path, size, manifest, entries };
}

/** The configured database's kind. */
function dialectOf(config: Config): 'sqlite' | 'postgres' {
  return config.databaseUrl ? 'postgres' : 'sqlite';
}

/** Refusals that need only this program and the configuration (no database connection). */
export function checkRestorable(v: VerifiedArchive, config: Config | null): void {
  checkSchemaKnown(v.manifest);
  if (config && dialectOf(config) !== v.manifest.dialect) {
    throw new BackupError(
      `备份来自 ${DIALECT_LABEL[v.manifest.dialect]} 数据库，而当前配置的是 ${DIALECT_LABEL[dialectOf(config)]}（${config.databaseUrl ? '设置了 DATABASE_URL' : '没有设置 DATABASE_URL'}）：不能恢复到另一种数据库`,
      'usage',
    );
  }
}

export interface RestoreOptions {
  /** Replace a database that holds records. */
  force?: boolean;
}

export interface RestoreResult {
  manifest: Manifest;
  filesWritten: number;
  /** Files already present with the right content. */
  filesKept: number;
  /** Audit archive files written into GONGKAI_AUDIT_ARCHIVE_DIR. */
  auditArchivesWritten: number;
  /** Audit archive files already there with the right content. */
  auditArchivesKept: number;
  /** Migrations applied after the restore (an older backup brought up to date). */
  migrated: string[];
}

function rowsOf(d: DatabaseDescription): number {
  return Object.entries(d.tables).reduce((n, [t, c]) => n + (d.bookkeeping.has(t) ? 0 : c), 0);
}

function notEmpty(d: DatabaseDescription, where: string): BackupError {
  return new BackupError(
    `${where} 已有数据（共 ${rowsOf(d)} 行记录）：恢复会用备份替换全部数据。确认要覆盖请加 --force（建议先用 gongkai backup 备份现有数据）`,
    'usage',
  );
}

/** Writes one part to `dest` (a new file), hashing on the way; a mismatch leaves nothing behind. */
async function extract(archive: string, entry: TarEntry, part: Part, dest: string, mode = 0o640): Promise<void> {
  const fh = await open(dest, 'wx', mode);
  const hash = createHash('sha256');
  let ok = false;
  try {
    let pos = 0;
    for await (const chunk of entryStream(archive, entry)) {
      const b = chunk as Buffer;
      hash.update(b);
      let done = 0;
      while (done < b.length) done += (await fh.write(b, done, b.length - done, pos + done)).bytesWritten;
      pos += b.length;
    }
    await fh.sync();
    if (hash.digest('hex') !== part.sha256) throw new BackupError(`备份文件在恢复过程中被改动或已损坏：${part.path} 的 SHA-256 与清单不符`, 'usage');
    ok = true;
  } finally {
    await fh.close();
    if (!ok) await rm(dest, { force: true });
  }
}

/** Stored files into the file store: missing or damaged ones written, good ones kept. */
async function restoreFiles(v: VerifiedArchive, filesDir: string): Promise<{ written: number; kept: number }> {
  let written = 0;
  let kept = 0;
  for (const part of v.manifest.files) {
    const final = storedPath(filesDir, part.sha256);
    if (existsSync(final)) {
      const { sha256 } = await hashStream(createReadStream(final));
      if (sha256 === part.sha256) {
        kept++;
        continue;
      }
    }
    await mkdir(dirname(final), { recursive: true });
    // The store's own temporary-name pattern: `gongkai files gc` removes what a crash leaves.
    const tmp = `${final}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await extract(v.path, v.entries.get(part.path)!, part, tmp);
      await rename(tmp, final);
    } catch (e) {
      await rm(tmp, { force: true });
      if (e instanceof BackupError) throw e;
      throw new BackupError(`写入附件文件 ${final} 失败：${(e as Error).message}`);
    }
    written++;
  }
  return { written, kept };
}

/** The audit archive parts to write, and those already in place with the right content. */
interface AuditArchivePlan {
  write: Part[];
  keep: Part[];
}

/** What is at `file` compared with a part: nothing, the same bytes, or something else. */
async function compareExisting(file: string, part: Part): Promise<'absent' | 'same' | 'other'> {
  let isFile: boolean;
  try {
    isFile = (await stat(file)).isFile();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'absent';
    throw new BackupError(`无法读取审计日志归档目录中的 ${file}：${(e as Error).message}（GONGKAI_AUDIT_ARCHIVE_DIR）；现有数据未作任何改动`);
  }
  if (!isFile) return 'other';
  try {
    const h = await hashStream(createReadStream(file));
    return h.sha256 === part.sha256 && h.size === part.size ? 'same' : 'other';
  } catch (e) {
    throw new BackupError(`无法读取审计日志归档文件 ${file}：${(e as Error).message}（GONGKAI_AUDIT_ARCHIVE_DIR）；现有数据未作任何改动`);
  }
}

function auditConflict(dir: string, names: string[]): BackupError {
  return new BackupError(
    `审计日志归档目录 ${dir}（GONGKAI_AUDIT_ARCHIVE_DIR）中已有 ${names.length} 个与备份中的归档同名但内容不同的文件（${names.slice(0, 3).join('、')}${names.length > 3 ? ' 等' : ''}）：` +
      '恢复不会覆盖审计日志归档。请先把这些文件移到别处保存，再恢复；现有数据未作任何改动',
    'usage',
  );
}

/**
 * Compares the archive's audit archive files with GONGKAI_AUDIT_ARCHIVE_DIR before anything is
 * touched: a file of the same name with other content (or anything that is not a regular file)
 * refuses the restore.
 */
export async function planAuditArchives(v: VerifiedArchive, dir: string): Promise<AuditArchivePlan> {
  const plan: AuditArchivePlan = { write: [], keep: [] };
  const conflicts: string[] = [];
  for (const part of v.manifest.auditArchives) {
    const state = await compareExisting(join(dir, auditArchiveName(part)), part);
    if (state === 'absent') plan.write.push(part);
    else if (state === 'same') plan.keep.push(part);
    else conflicts.push(auditArchiveName(part));
  }
  if (conflicts.length) throw auditConflict(dir, conflicts);
  return plan;
}

/** The audit archive files into their folder (0700; files 0600): temporary name, flushed, renamed. */
async function restoreAuditArchives(v: VerifiedArchive, dir: string, plan: AuditArchivePlan): Promise<{ written: number; kept: number }> {
  let written = 0;
  let kept = plan.keep.length;
  if (!plan.write.length) return { written, kept };
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new BackupError(`无法创建审计日志归档目录 ${dir}（GONGKAI_AUDIT_ARCHIVE_DIR）：${(e as Error).message}`);
  }
  for (const part of plan.write) {
    const name = auditArchiveName(part);
    const final = join(dir, name);
    const tmp = join(dir, `.${name}.restore-${randomBytes(6).toString('hex')}.tmp`);
    try {
      await extract(v.path, v.entries.get(part.path)!, part, tmp, 0o600);
      // Looked at again just before the rename: a file that appeared meanwhile is never replaced.
      const state = await compareExisting(final, part);
      if (state === 'other') throw auditConflict(dir, [name]);
      if (state === 'same') {
        await rm(tmp, { force: true });
        kept++;
        continue;
      }
      await rename(tmp, final);
    } catch (e) {
      await rm(tmp, { force: true });
      if (e instanceof BackupError) throw e;
      throw new BackupError(`写入审计日志归档文件 ${final} 失败：${(e as Error).message}`);
    }
    written++;
  }
  await syncDir(dir);
  return { written, kept };
}

async function migrateAndRecord(db: Db, v: VerifiedArchive, details: Record<string, unknown>): Promise<string[]> {
  let migrated: string[];
  try {
    migrated = await migrateToLatest(db);
  } catch (e) {
    throw new BackupError(`恢复出的数据库无法升级到本程序的结构：${(e as Error).message}`);
  }
  await audit(db.kysely, {
    userId: null,
    action: 'backup.restore.cli',
    subjectType: 'backup',
    subjectId: basename(v.path),
    details: { ...details, createdAt: v.manifest.createdAt, latestMigration: v.manifest.latestMigration, migrated },
  });
  return migrated;
}

export async function restoreBackup(config: Config, archive: string, opts: RestoreOptions = {}): Promise<RestoreResult> {
  const v = await verifyArchive(archive);
  checkRestorable(v, config);
  const audits = await planAuditArchives(v, config.auditArchiveDir);
  const m = v.manifest;
  if (m.dialect === 'sqlite') return restoreSqlite(config, v, audits, opts);
  return restorePg(config, v, audits, opts);
}

async function restoreSqlite(config: Config, v: VerifiedArchive, audits: AuditArchivePlan, opts: RestoreOptions): Promise<RestoreResult> {
  const dbPath = join(config.dataDir, SQLITE_FILE);
  await mkdir(config.dataDir, { recursive: true });
  let lock: SqliteLock | null = lockSqlite(dbPath);
  const tmp = join(config.dataDir, `.${SQLITE_FILE}.restore-${randomBytes(6).toString('hex')}.tmp`);
  let renamed = false;
  try {
    if (lock && hasRecords(lock.description) && !opts.force) throw notEmpty(lock.description, `数据库 ${dbPath}`);
    const files = await restoreFiles(v, config.filesDir);
    const archives = await restoreAuditArchives(v, config.auditArchiveDir, audits);
    await extract(v.path, v.entries.get(v.manifest.database.path)!, v.manifest.database, tmp);
    checkSqliteCounts(tmp, v.manifest.tables);
    const db = await openDatabase({ sqlitePath: tmp });
    let migrated: string[];
    try {
      migrated = await migrateAndRecord(db, v, counts(files, archives, opts));
    } finally {
      await db.close(); // checkpoints: the file stands alone, without -wal
    }
    const fh = await open(tmp, 'r+');
    await fh.sync();
    await fh.close();
    lock?.release();
    lock = null;
    // The old database's -wal went with the lock's connection; one here now belongs to a process
    // that opened the database meanwhile, and must not meet the new file.
    if (existsSync(`${dbPath}-wal`)) throw new BackupError(`恢复期间有其他程序打开了数据库 ${dbPath}：请先停止服务器再恢复（数据库未改动）`);
    await rm(`${dbPath}-shm`, { force: true });
    await rename(tmp, dbPath);
    renamed = true;
    await syncDir(config.dataDir);
    return result(v, files, archives, migrated);
  } finally {
    lock?.release();
    if (!renamed) for (const p of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) await rm(p, { force: true });
  }
}

type Written = { written: number; kept: number };

/** The audit entry's counts. */
function counts(files: Written, archives: Written, opts: RestoreOptions): Record<string, unknown> {
  return { filesWritten: files.written, filesKept: files.kept, auditArchivesWritten: archives.written, auditArchivesKept: archives.kept, force: !!opts.force };
}

function result(v: VerifiedArchive, files: Written, archives: Written, migrated: string[]): RestoreResult {
  return { manifest: v.manifest, filesWritten: files.written, filesKept: files.kept, auditArchivesWritten: archives.written, auditArchivesKept: archives.kept, migrated };
}

async function restorePg(config: Config, v: VerifiedArchive, audits: AuditArchivePlan, opts: RestoreOptions): Promise<RestoreResult> {
  const url = config.databaseUrl!;
  const target = await inspectPostgres(url);
  if (target.schema !== v.manifest.pgSchema) {
    throw new BackupError(`备份的是 PostgreSQL 模式「${v.manifest.pgSchema}」，而当前连接使用的模式是「${target.schema}」：请让 DATABASE_URL 使用同名模式`, 'usage');
  }
  if (target.otherSessions > 0) {
    throw new BackupError(`还有 ${target.otherSessions} 个其他连接在使用这个数据库（gongkai serve 可能正在运行）：请先停止服务器再恢复`);
  }
  if (hasRecords(target.description) && !opts.force) throw notEmpty(target.description, '目标数据库');
  const files = await restoreFiles(v, config.filesDir);
  const archives = await restoreAuditArchives(v, config.auditArchiveDir, audits);
  await restorePostgres(url, v.manifest, entryStream(v.path, v.entries.get(v.manifest.database.path)!));
  const db = await openDatabase({ databaseUrl: url, poolSize: 1 });
  try {
    const migrated = await migrateAndRecord(db, v, counts(files, archives, opts));
    return result(v, files, archives, migrated);
  } finally {
    await db.close();
  }
}
