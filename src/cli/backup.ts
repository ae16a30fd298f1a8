/**
 * `gongkai backup [-o FILE] [--allow-missing-files]`, `gongkai restore FILE [--force]` and
 * `gongkai restore --check FILE`: one archive file with the database and the stored files it
 * refers to (src/backup). The database and the files folder are those the server uses
 * (DATABASE_URL or GONGKAI_DATA, GONGKAI_FILES).
 *
 * Exit codes: 0 done (a checked archive is sound); 1 the work failed (database unreachable,
 * pg_dump missing, stored files missing without --allow-missing-files, the database in use by a
 * running server); 2 bad usage or unreadable input (output folder missing or not writable, a
 * corrupt, truncated or foreign archive, a backup of a newer schema or of the other kind of
 * database, a target holding records without --force).
 */
import type { Command } from 'commander';
import { createBackup } from '../backup/backup.js';
import { BackupError, type Manifest } from '../backup/manifest.js';
import { checkRestorable, restoreBackup, verifyArchive } from '../backup/restore.js';
import { CliError, EXIT_FINDINGS, EXIT_USAGE, usageError } from './errors.js';
import type { CliContext } from './program.js';
import { config } from './server.js';

const DIALECT_LABEL = { sqlite: 'SQLite', postgres: 'PostgreSQL' } as const;

function asCliError(e: unknown): never {
  if (e instanceof BackupError) throw new CliError(e.message, e.kind === 'usage' ? EXIT_USAGE : EXIT_FINDINGS);
  throw e;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function summary(m: Manifest): string {
  const rows = Object.values(m.tables).reduce((a, b) => a + b, 0);
  const fileBytes = m.files.reduce((a, f) => a + f.size, 0);
  return (
    `  数据库：${DIALECT_LABEL[m.dialect]}，${Object.keys(m.tables).length} 张表共 ${rows} 行，结构版本 ${m.latestMigration ?? '（空）'}\n` +
    `  附件：${m.files.length} 个（${mb(fileBytes)}）${m.missingFiles.length ? `；备份时缺失 ${m.missingFiles.length} 个` : ''}\n` +
    `  审计日志归档：${m.auditArchives.length} 个${m.missingAuditArchives.length ? `；备份时缺失或内容不符 ${m.missingAuditArchives.length} 个` : ''}\n` +
    `  备份时间：${m.createdAt}（${m.program}）\n`
  );
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('backup')
    .description('备份数据库和附件到一个归档文件，服务器运行时也可以备份 (back up the database and attachments into one archive)')
    .option('-o, --output <FILE>', '归档文件路径（默认：当前目录下的 gongkai-backup-年月日-时分秒.tar）')
    .option('--allow-missing-files', '数据库引用的附件文件缺失时仍然备份（缺失的记入清单） (back up even if referenced files are missing)')
    .addHelpText(
      'after',
      '\n归档（tar）包含 manifest.json（格式、时间、数据库类型、结构版本、各表行数、每部分的大小和 SHA-256）、\n' +
        '数据库（SQLite 在线备份的副本，或 PostgreSQL 的 pg_dump --format=custom）和数据库引用的全部附件。\n' +
        '检查一个归档：gongkai restore --check FILE。环境变量：DATABASE_URL / GONGKAI_DATA、GONGKAI_FILES',
    )
    .action(async (opts: { output?: string; allowMissingFiles?: boolean }) => {
      if (opts.output !== undefined && !opts.output.trim()) throw usageError('-o 不能为空');
      const cfg = config(ctx);
      const r = await createBackup(cfg, { output: opts.output, allowMissingFiles: !!opts.allowMissingFiles }).catch(asCliError);
      ctx.io.out(`已写入备份：${r.path}（${mb(r.size)}）\n${summary(r.manifest)}`);
      if (r.manifest.missingFiles.length) {
        ctx.io.err(`gongkai: 警告：数据库引用的 ${r.manifest.missingFiles.length} 个附件文件缺失，未能备份：${r.manifest.missingFiles.slice(0, 5).join('、')}${r.manifest.missingFiles.length > 5 ? ' …' : ''}\n`);
      }
      if (r.manifest.missingAuditArchives.length) {
        ctx.io.err(`gongkai: 警告：数据库记录的 ${r.manifest.missingAuditArchives.length} 个审计日志归档文件缺失或内容不符，未能备份：${r.manifest.missingAuditArchives.slice(0, 5).join('、')}${r.manifest.missingAuditArchives.length > 5 ? ' …' : ''}\n`);
      }
      if (r.auditProblem) ctx.io.err(`gongkai: 警告：${r.auditProblem}\n`);
    });

  program
    .command('restore')
    .description('从 gongkai backup 的归档恢复数据库和附件（先停止服务器） (restore the database and attachments from a backup)')
    .argument('<FILE>', '备份归档文件')
    .option('--force', '目标数据库已有数据时仍然恢复（用备份替换全部数据） (replace a database that holds records)')
    .option('--check', '只检查归档（结构、清单、每部分的 SHA-256、能否被本程序恢复），不做任何改动 (check the archive only)')
    .addHelpText(
      'after',
      '\n恢复前会完整检查归档；损坏、不完整、来自更新版本或另一种数据库的备份都会被拒绝，现有数据不受影响。\n' +
        'SQLite：数据库在使用中（服务器在运行）时拒绝恢复。PostgreSQL：在一个事务中恢复（需要 pg_restore 和 psql）。\n' +
        '恢复后自动升级到本程序的数据库结构。环境变量：DATABASE_URL / GONGKAI_DATA、GONGKAI_FILES',
    )
    .action(async (file: string, opts: { force?: boolean; check?: boolean }) => {
      if (opts.check && opts.force) throw usageError('--check 与 --force 不能同时使用');
      if (opts.check) {
        const v = await verifyArchive(file).catch(asCliError);
        try {
          checkRestorable(v, null);
        } catch (e) {
          asCliError(e);
        }
        ctx.io.out(`备份文件完好：${v.path}（${mb(v.size)}），${v.manifest.files.length + v.manifest.auditArchives.length + 1} 个部分的 SHA-256 均与清单一致，本程序可以恢复\n${summary(v.manifest)}`);
        return;
      }
      const cfg = config(ctx);
      const r = await restoreBackup(cfg, file, { force: !!opts.force }).catch(asCliError);
      ctx.io.out(
        `已从 ${file} 恢复：\n${summary(r.manifest)}` +
          `  附件：写入 ${r.filesWritten} 个，已存在且内容一致 ${r.filesKept} 个（${cfg.filesDir}）\n` +
          `  审计日志归档：写入 ${r.auditArchivesWritten} 个，已存在且内容一致 ${r.auditArchivesKept} 个（${cfg.auditArchiveDir}）\n` +
          (r.migrated.length ? `  已升级数据库结构：${r.migrated.join('、')}\n` : ''),
      );
    });
}
