/**
 * `gongkai backup`: one archive file (ustar, src/backup/tar.ts) holding the database and every
 * stored file it refers to, described by manifest.json (src/backup/manifest.ts).
 *
 * Order matters for a backup taken while the server runs: the database snapshot is taken first
 * (SQLite online backup, or pg_dump of one exported snapshot), and the stored files are copied
 * after it — every file the snapshot refers to, found by its SHA-256. That is safe because stored
 * files are content-addressed and never modified in place: a file a record of the snapshot names
 * has those bytes for as long as it exists (the garbage collector only removes files no record
 * refers to, and only after 24 hours). Files uploaded after the snapshot are not needed by it.
 * A referenced file missing from disk is an error unless the caller allows it (it is then listed
 * in the manifest's missingFiles).
 *
 * The audit log's archive files (src/audit/retention.ts; GONGKAI_AUDIT_ARCHIVE_DIR) go in as
 * audit-archive/<name>: those the snapshot's audit_retention rows record, each checked against its
 * recorded SHA-256 before anything is written. Same reasoning: the purge writes and renames the
 * file before it records the row, and never changes it after, so every file the snapshot records
 * is there with its bytes. A name that is not a plain file name is refused; a file missing or
 * with other bytes is an error unless the caller allows missing files (then it is listed in the
 * manifest's missingAuditArchives).
 *
 * The archive is written under a temporary name in the target folder and renamed only when
 * complete and flushed, so a failed or interrupted backup never leaves a file that looks whole.
 * A finished backup is recorded in the audit log ('backup.create.cli'), after the snapshot.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { audit } from '../audit/audit.js';
import type { Config } from '../config.js';
import { openDatabase } from '../db/database.js';
import { SQLITE_FILE } from '../server/main.js';
import {
  auditArchivePartName,
  BackupError,
  DATABASE_PART,
  filePartName,
  FORMAT,
  FORMAT_VERSION,
  isAuditArchiveName,
  MANIFEST,
  MANIFEST_SUM,
  printable,
  programVersion,
  type Manifest,
  type Part,
} from './manifest.js';
import { snapshotPostgres } from './postgres.js';
import { snapshotSqlite, type AuditArchiveRecord } from './sqlite.js';
import { hashStream, TarWriter } from './tar.js';

export interface BackupOptions {
  /** The archive's path; default gongkai-backup-YYYYMMDD-HHMMSS.tar (China time) in `cwd`. */
  output?: string | undefined;
  cwd?: string;
  /**
   * Write the archive even if stored files the database refers to, or audit archive files it
   * records, are missing (or, for audit archives, changed): they are listed in the manifest.
   */
  allowMissingFiles?: boolean;
  now?: () => Date;
}

export interface BackupResult {
  path: string;
  /** The archive's size in bytes. */
  size: number;
  manifest: Manifest;
  /** Set when the backup is complete but could not be recorded in the audit log. */
  auditProblem?: string;
}

/** gongkai-backup-20261128-153000.tar: the time in China, sortable. */
export function defaultBackupName(now: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  return `gongkai-backup-${parts.year}${parts.month}${parts.day}-${parts.hour}${parts.minute}${parts.second}.tar`;
}

/** Where a stored file lives (src/attachments/store.ts's layout). */
export function storedPath(filesDir: string, sha256: string): string {
  return join(filesDir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

function writeProblem(target: string, e: unknown): BackupError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new BackupError(`无法写入 ${target}：目录 ${dirname(target)} 不存在`, 'usage');
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new BackupError(`无法写入 ${target}：没有写入权限`, 'usage');
  if (code === 'EISDIR') return new BackupError(`无法写入 ${target}：这是一个目录`, 'usage');
  if (code === 'EEXIST') return new BackupError(`${target} 已存在：请换一个文件名，或先移走旧文件`, 'usage');
  if (code === 'ENOSPC') return new BackupError(`写入 ${target} 失败：磁盘空间不足`);
  return new BackupError(`写入 ${target} 失败：${(e as Error).message}`);
}

export async function createBackup(config: Config, opts: BackupOptions = {}): Promise<BackupResult> {
  const now = (opts.now ?? (() => new Date()))();
  const target = resolve(opts.cwd ?? process.cwd(), opts.output ?? defaultBackupName(now));
  const dir = dirname(target);
  try {
    await stat(target);
    throw new BackupError(`${target} 已存在：请换一个文件名，或先移走旧文件`, 'usage');
  } catch (e) {
    if (e instanceof BackupError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw writeProblem(target, e);
  }
  // Everything is written beside the target (same file system: the rename is atomic), under
  // hidden temporary names removed whatever happens.
  const tmp = join(dir, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  let writer: TarWriter;
  try {
    writer = await TarWriter.create(tmp, now);
  } catch (e) {
    throw writeProblem(target, e);
  }
  let work: string | null = null;
  let renamed = false;
  try {
    work = await mkdtemp(join(dir, `.${basename(target)}.work-`));
    const dialect = config.databaseUrl ? 'postgres' : 'sqlite';
    const dbFile = join(work, DATABASE_PART[dialect]);

    // 1. The database snapshot.
    const snap = config.databaseUrl
      ? await snapshotPostgres(config.databaseUrl, dbFile)
      : { ...(await snapshotSqlite(join(config.dataDir, SQLITE_FILE), dbFile)), schema: null };

    // 2. Every stored file the snapshot refers to must be on disk (checked before writing).
    const present: { sha256: string; size: number }[] = [];
    const missing: string[] = [];
    for (const sha of snap.referenced) {
      try {
        const st = await stat(storedPath(config.filesDir, sha));
        if (st.isFile()) present.push({ sha256: sha, size: st.size });
        else missing.push(sha);
      } catch {
        missing.push(sha);
      }
    }
    if (missing.length && !opts.allowMissingFiles) {
      throw new BackupError(
        `数据库引用的 ${missing.length} 个附件文件在 ${config.filesDir} 中找不到（例如 ${missing.slice(0, 3).join('、')}）：` +
          '请检查 GONGKAI_FILES 是否正确；确认缺失无法补回时，可加 --allow-missing-files 仍然备份（缺失的文件会记在清单中）',
      );
    }

    // 2b. Every audit archive file the snapshot records, with its recorded SHA-256 (checked before writing).
    const audits = await checkAuditArchives(snap.auditArchives, config.auditArchiveDir);
    if (audits.problems.length && !opts.allowMissingFiles) {
      throw new BackupError(
        `数据库记录的 ${audits.problems.length} 个审计日志归档文件无法备份（${audits.problems.slice(0, 3).join('；')}${audits.problems.length > 3 ? ' 等' : ''}）：` +
          `请检查 GONGKAI_AUDIT_ARCHIVE_DIR 是否正确（当前为 ${config.auditArchiveDir}），或从其他副本找回原文件；` +
          '确认无法找回时，可加 --allow-missing-files 仍然备份（缺失的归档会记在清单中）',
      );
    }

    // 3. The archive: database, files, audit archives, manifest, manifest checksum.
    const dbSize = (await stat(dbFile)).size;
    const database: Part = { path: DATABASE_PART[dialect], size: dbSize, sha256: await writer.add(DATABASE_PART[dialect], dbSize, createReadStream(dbFile)) };
    await rm(dbFile, { force: true });
    const files: Part[] = [];
    for (const f of present) {
      const path = filePartName(f.sha256);
      let sha: string;
      try {
        sha = await writer.add(path, f.size, createReadStream(storedPath(config.filesDir, f.sha256)));
      } catch (e) {
        throw new BackupError(`读取附件文件 ${storedPath(config.filesDir, f.sha256)} 失败：${(e as Error).message}`);
      }
      if (sha !== f.sha256) throw new BackupError(`附件文件 ${storedPath(config.filesDir, f.sha256)} 已损坏（内容与其 SHA-256 名称不符）：请从其他副本找回后再备份`);
      files.push({ path, size: f.size, sha256: sha });
    }
    const auditArchives: Part[] = [];
    for (const a of audits.present) {
      const path = auditArchivePartName(a.name);
      const file = join(config.auditArchiveDir, a.name);
      let sha: string;
      try {
        sha = await writer.add(path, a.size, createReadStream(file));
      } catch (e) {
        throw new BackupError(`读取审计日志归档文件 ${file} 失败：${(e as Error).message}（GONGKAI_AUDIT_ARCHIVE_DIR）`);
      }
      if (sha !== a.sha256) throw new BackupError(`审计日志归档文件 ${file} 在备份过程中被改动（内容与数据库记录的 SHA-256 不符）：请检查 GONGKAI_AUDIT_ARCHIVE_DIR 中的文件后再备份`);
      auditArchives.push({ path, size: a.size, sha256: sha });
    }
    const manifest: Manifest = {
      format: FORMAT,
      version: FORMAT_VERSION,
      createdAt: now.toISOString(),
      program: programVersion(),
      dialect,
      pgSchema: snap.schema,
      latestMigration: snap.migrations.at(-1) ?? null,
      migrations: snap.migrations,
      tables: snap.tables,
      database,
      files,
      missingFiles: missing,
      auditArchives,
      missingAuditArchives: audits.missing,
    };
    const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    const manifestSha = await writer.addBuffer(MANIFEST, manifestBytes);
    await writer.addBuffer(MANIFEST_SUM, Buffer.from(`${manifestSha}  ${MANIFEST}\n`));
    await writer.finish().catch((e: unknown) => {
      throw writeProblem(target, e);
    });
    const size = (await stat(tmp)).size;
    try {
      await rename(tmp, target);
    } catch (e) {
      throw writeProblem(target, e);
    }
    renamed = true;
    await syncDir(dir);
    const auditProblem = await recordInAudit(config, manifest, target, size);
    return { path: target, size, manifest, ...(auditProblem ? { auditProblem } : {}) };
  } catch (e) {
    await writer.abort();
    if (e instanceof BackupError) throw e;
    if (/^E[A-Z]+$/.test((e as NodeJS.ErrnoException).code ?? '')) throw writeProblem(target, e); // the file system's errors
    throw new BackupError(`备份失败：${(e as Error).message}`);
  } finally {
    if (!renamed) await rm(tmp, { force: true });
    if (work) await rm(work, { recursive: true, force: true });
  }
}

const SHA256 = /^[0-9a-f]{64}$/;

interface AuditArchiveCheck {
  /** Files to archive: on disk with the recorded SHA-256. */
  present: { name: string; sha256: string; size: number }[];
  /** Names of the records whose file is missing, changed or cannot be checked. */
  missing: string[];
  /** One Chinese phrase per missing name (for the refusal). */
  problems: string[];
}

/**
 * Checks the audit archive files the snapshot records against GONGKAI_AUDIT_ARCHIVE_DIR: each must
 * be a plain file name (anything else is refused outright: it would reach the file system and the
 * archive's names), a regular file there, with the recorded SHA-256.
 */
async function checkAuditArchives(records: AuditArchiveRecord[], dir: string): Promise<AuditArchiveCheck> {
  const byName = new Map<string, string | null>();
  for (const r of records) {
    const name = r.name as unknown;
    if (typeof name !== 'string' || !isAuditArchiveName(name)) {
      throw new BackupError(
        `数据库的 audit_retention 记录了无效的审计日志归档文件名「${printable(String(name))}」（只能是不含路径、不含“..”的普通文件名）：拒绝备份`,
      );
    }
    const sha = typeof r.sha256 === 'string' ? r.sha256 : null;
    if (byName.has(name) && byName.get(name) !== sha) {
      throw new BackupError(`数据库的 audit_retention 为同一个审计日志归档文件 ${name} 记录了不同的 SHA-256：拒绝备份`);
    }
    byName.set(name, sha);
  }
  const out: AuditArchiveCheck = { present: [], missing: [], problems: [] };
  for (const name of [...byName.keys()].sort()) {
    const sha = byName.get(name)!;
    const file = join(dir, name);
    const lack = (problem: string) => {
      out.missing.push(name);
      out.problems.push(problem);
    };
    if (!sha || !SHA256.test(sha)) {
      lack(`${name} 的 SHA-256 记录无效，无法核对`);
      continue;
    }
    let isFile: boolean;
    try {
      isFile = (await stat(file)).isFile();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new BackupError(`读取审计日志归档文件 ${file} 失败：${(e as Error).message}（GONGKAI_AUDIT_ARCHIVE_DIR）`);
      isFile = false;
    }
    if (!isFile) {
      lack(`${file} 不存在`);
      continue;
    }
    let h: { sha256: string; size: number };
    try {
      h = await hashStream(createReadStream(file));
    } catch (e) {
      throw new BackupError(`读取审计日志归档文件 ${file} 失败：${(e as Error).message}（GONGKAI_AUDIT_ARCHIVE_DIR）`);
    }
    if (h.sha256 !== sha) lack(`${file} 的内容与记录的 SHA-256 不符（被改动或已损坏）`);
    else out.present.push({ name, sha256: sha, size: h.size });
  }
  return out;
}

/** Flushes a directory entry (the rename) to disk; not every file system allows it. */
export async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* best effort */
  }
}

/**
 * The audit log entry of a finished backup (in the live database, after the snapshot). The backup
 * is complete either way: a failure here is returned as a message, not thrown.
 */
async function recordInAudit(config: Config, m: Manifest, path: string, size: number): Promise<string | null> {
  try {
    const db = await openDatabase({ databaseUrl: config.databaseUrl, sqlitePath: join(config.dataDir, SQLITE_FILE), poolSize: 1 });
    try {
      await audit(db.kysely, {
        userId: null,
        action: 'backup.create.cli',
        subjectType: 'backup',
        subjectId: basename(path),
        details: {
          path,
          size,
          dialect: m.dialect,
          latestMigration: m.latestMigration,
          files: m.files.length,
          missingFiles: m.missingFiles.length,
          auditArchives: m.auditArchives.length,
          missingAuditArchives: m.missingAuditArchives.length,
        },
      });
    } finally {
      await db.close();
    }
    return null;
  } catch (e) {
    return `备份已完成，但未能记入审计日志：${(e as Error).message}`;
  }
}
