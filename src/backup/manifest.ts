/**
 * What a backup archive holds and how it is described: manifest.json (format, time, dialect, the
 * schema's migrations, row counts per table, size and SHA-256 of every part: the database, the
 * stored files, the audit log's archive files), written last in the archive because its checksums
 * are computed while the parts are written, followed by manifest.json.sha256 (`sha256sum` format)
 * so that the manifest itself is checked too.
 *
 * The manifest is outside input when restoring (a file could come from anywhere): it is validated
 * strictly, and the names it gives (tables, schema, paths) are checked against patterns before
 * any of them reaches SQL or the file system.
 *
 * Fields added later (auditArchives, missingAuditArchives) have defaults: an archive written before
 * them (the same FORMAT_VERSION) simply has none, and still verifies and restores.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MIGRATIONS } from '../db/migrate.js';

export const FORMAT = 'gongkai-backup';
export const FORMAT_VERSION = 1;
export const MANIFEST = 'manifest.json';
export const MANIFEST_SUM = 'manifest.json.sha256';
/** The database part's name in the archive, per dialect. */
export const DATABASE_PART = { sqlite: 'database.sqlite', postgres: 'database.pgdump' } as const;

const SHA256 = /^[0-9a-f]{64}$/;
/** Table and schema names as the migrations create them: nothing that needs quoting. */
export const SQL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A stored file's path inside the archive (the file store's own layout under files/). */
export function filePartName(sha256: string): string {
  return `files/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}
export const FILE_PART = /^files\/([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{64})$/;

/** The folder of the audit log's archive files inside the archive. */
export const AUDIT_ARCHIVE_FOLDER = 'audit-archive';
/**
 * An audit archive file's name (src/audit/retention.ts writes audit-<date>-<id>-<id>.jsonl): a
 * plain file name — no path separator, no leading dot, printable ASCII a tar header holds, short
 * enough for `audit-archive/<name>` to fit the 100-byte name field. '..' anywhere is refused too.
 */
const AUDIT_ARCHIVE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,85}$/;
export function isAuditArchiveName(name: string): boolean {
  return AUDIT_ARCHIVE_NAME.test(name) && !name.includes('..');
}
/** audit-archive/<name>, the name checked (the caller has checked it; this only asserts). */
export function auditArchivePartName(name: string): string {
  if (!isAuditArchiveName(name)) throw new BackupError(`审计日志归档文件名「${printable(name)}」无效`);
  return `${AUDIT_ARCHIVE_FOLDER}/${name}`;
}
/** The file name of an audit archive part (its path checked by parseManifest). */
export function auditArchiveName(part: Part): string {
  return part.path.slice(AUDIT_ARCHIVE_FOLDER.length + 1);
}
/** A name from outside shown on one line. */
export function printable(name: string): string {
  return name.replace(/[\x00-\x1f\x7f]/g, '?').slice(0, 200);
}

const part = z.object({ path: z.string().min(1).max(100), size: z.number().int().nonnegative(), sha256: z.string().regex(SHA256) });

const manifestSchema = z.object({
  format: z.literal(FORMAT),
  version: z.number().int().positive(),
  createdAt: z.string(),
  program: z.string(),
  dialect: z.enum(['sqlite', 'postgres']),
  pgSchema: z.string().regex(SQL_NAME).nullable(),
  latestMigration: z.string().nullable(),
  migrations: z.array(z.string().max(200)),
  tables: z.record(z.string().regex(SQL_NAME), z.number().int().nonnegative()),
  database: part,
  files: z.array(part),
  missingFiles: z.array(z.string().regex(SHA256)),
  /** The audit log's archive files (audit-archive/<name>); absent in archives written before them. */
  auditArchives: z.array(part).default([]),
  /** Archive files the database recorded that were missing or changed at backup time (names). */
  missingAuditArchives: z.array(z.string().max(86)).default([]),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type Part = z.infer<typeof part>;

/** Unreadable or foreign backup input (CLI exit 2) and failures (exit 1), with a Chinese message. */
export class BackupError extends Error {
  constructor(
    message: string,
    /** 'usage': bad input or a refusal the user can fix by other arguments; 'failed': the work failed. */
    readonly kind: 'usage' | 'failed' = 'failed',
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

/** The manifest's JSON checked: a foreign or damaged manifest is a BackupError('usage'). */
export function parseManifest(text: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BackupError('备份文件的清单（manifest.json）不是有效的 JSON，文件已损坏或不是 gongkai 备份', 'usage');
  }
  const format = (json as { format?: unknown; version?: unknown } | null)?.format;
  if (format !== FORMAT) throw new BackupError('不是 gongkai 的备份文件（清单格式不符）', 'usage');
  const version = (json as { version?: unknown }).version;
  if (typeof version === 'number' && version > FORMAT_VERSION) {
    throw new BackupError(`备份文件的格式版本为 ${version}，本程序只支持到 ${FORMAT_VERSION}：请先升级 gongkai 再恢复`, 'usage');
  }
  const r = manifestSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new BackupError(`备份文件的清单（manifest.json）内容不完整或已损坏（${issue ? `${issue.path.join('.')}：${issue.message}` : '格式不符'}）`, 'usage');
  }
  const m = r.data;
  if (m.database.path !== DATABASE_PART[m.dialect]) throw new BackupError('备份文件的清单与数据库类型不符，文件已损坏', 'usage');
  for (const f of m.files) {
    const match = FILE_PART.exec(f.path);
    if (!match || match[3] !== f.sha256 || !f.path.startsWith(`files/${f.sha256.slice(0, 2)}/${f.sha256.slice(2, 4)}/`)) {
      throw new BackupError(`备份文件的清单含有无效的附件路径「${f.path}」`, 'usage');
    }
  }
  const auditNames = new Set<string>();
  for (const a of m.auditArchives) {
    const name = a.path.startsWith(`${AUDIT_ARCHIVE_FOLDER}/`) ? a.path.slice(AUDIT_ARCHIVE_FOLDER.length + 1) : '';
    if (!isAuditArchiveName(name)) throw new BackupError(`备份文件的清单含有无效的审计日志归档路径「${printable(a.path)}」`, 'usage');
    if (auditNames.has(name)) throw new BackupError(`备份文件的清单中审计日志归档「${name}」出现了两次，文件已损坏`, 'usage');
    auditNames.add(name);
  }
  for (const name of m.missingAuditArchives) {
    if (!isAuditArchiveName(name) || auditNames.has(name)) throw new BackupError(`备份文件的清单含有无效的缺失审计日志归档名「${printable(name)}」`, 'usage');
  }
  if (m.dialect === 'postgres' && !m.pgSchema) throw new BackupError('备份文件的清单缺少 PostgreSQL 模式名，文件已损坏', 'usage');
  return m;
}

/**
 * Refuses a backup whose schema this program does not know: a migration applied in the backed-up
 * database that is not in src/db/migrate.ts means the backup was made by a newer program.
 */
export function checkSchemaKnown(m: Manifest, known: Record<string, unknown> = MIGRATIONS): void {
  const unknown = m.migrations.filter((name) => !Object.hasOwn(known, name));
  if (unknown.length) {
    throw new BackupError(
      `备份来自更新版本的 gongkai（数据库结构含本程序不认识的迁移：${unknown.slice(0, 3).join('、')}${unknown.length > 3 ? ` 等 ${unknown.length} 个` : ''}）：请先升级 gongkai 再恢复`,
      'usage',
    );
  }
}

/** This program's name and version, for the manifest. */
export function programVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    return `gongkai ${pkg.version}`;
  } catch {
    return 'gongkai';
  }
}
