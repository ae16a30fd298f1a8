/**
 * `gongkai audit export|purge` and `gongkai security role|unlock`: the audit log's export and its
 * retention purge (src/audit; the same purge the scheduled jobs call), and the operations an
 * installation needs before anyone can log in as a security officer — appointing the first
 * 安全保密管理员 and 安全审计员 (三员分立), and lifting a lock. Each is audited as done from the
 * command line (no acting user).
 *
 * Exit codes: 0 done; 1 the database refused (e.g. a second platform role); 2 bad usage.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { PLATFORM_ROLE_LABELS } from '../accounts/policy.js';
import { findUserByUsername } from '../accounts/user.repository.js';
import { audit } from '../audit/audit.js';
import { auditRows, beginAuditExport, csvFields, CSV_HEADER, jsonLine, parseAuditFilter } from '../audit/audit-log.js';
import { purgeAuditLog } from '../audit/retention.js';
import type { PlatformRole } from '../db/schema.js';
import { ValidationError } from '../validation.js';
import { BOM, csvLine } from '../server/views/applications/csv.js';
import { CliError, EXIT_FINDINGS, usageError } from './errors.js';
import type { CliContext } from './program.js';
import { config, withDb } from './server.js';

const PLATFORM_ROLES = Object.keys(PLATFORM_ROLE_LABELS) as PlatformRole[];

export function register(program: Command, ctx: CliContext): void {
  const auditCmd = program.command('audit').description('审计日志 (the audit log)');
  auditCmd
    .command('export')
    .description('导出审计日志（CSV 或 JSON Lines；导出本身记入审计日志） (export the audit log)')
    .option('--from <DATE>', '起始日期（北京时间，含当日）')
    .option('--to <DATE>', '截止日期（北京时间，含当日）')
    .option('--actor <USERNAME>', '操作人的用户名')
    .option('--action <ACTION>', '操作（以 . 结尾表示前缀，例如 login.）')
    .option('--format <FORMAT>', 'csv | jsonl', 'jsonl')
    .option('-o, --output <FILE>', '写入文件（默认标准输出）')
    .action(async (opts: { from?: string; to?: string; actor?: string; action?: string; format: string; output?: string }) => {
      if (opts.format !== 'csv' && opts.format !== 'jsonl') throw usageError(`--format 只能是 csv 或 jsonl（收到「${opts.format}」）`);
      const format = opts.format;
      let filter;
      try {
        filter = parseAuditFilter({ from: opts.from, to: opts.to, actor: opts.actor, action: opts.action });
      } catch (e) {
        if (e instanceof ValidationError) throw usageError(Object.values(e.fields).join('；'));
        throw e;
      }
      await withDb(ctx, async (db) => {
        const rows = await beginAuditExport(db.kysely, null, filter, format, null, 'cli').catch((e: unknown) => {
          if (e instanceof ValidationError) throw new CliError(Object.values(e.fields).join('；'), EXIT_FINDINGS);
          throw e;
        });
        const file = opts.output ? createWriteStream(opts.output, { flags: 'wx', mode: 0o640 }) : null;
        const write = async (s: string) => {
          if (!file) return ctx.io.out(s);
          if (!file.write(s)) await once(file, 'drain');
        };
        if (format === 'csv') await write(BOM + csvLine(CSV_HEADER));
        for await (const r of auditRows(db.kysely, filter)) await write(format === 'csv' ? csvLine(csvFields(r)) : jsonLine(r));
        if (file) {
          await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())));
          ctx.io.err(`已导出 ${rows} 条审计记录到 ${opts.output}\n`);
        }
      });
    });

  auditCmd
    .command('purge')
    .description('把超过保存期限的审计记录归档到文件后清理（不少于 180 天） (archive and remove audit rows older than the retention)')
    .option('--dry-run', '只统计，不归档、不删除 (count only)')
    .addHelpText('after', '\n环境变量 (environment): GONGKAI_AUDIT_RETENTION_DAYS (保存天数，默认 365，不得少于 180), GONGKAI_AUDIT_ARCHIVE_DIR (归档目录，默认 <GONGKAI_DATA>/audit-archive)')
    .action(async (opts: { dryRun?: boolean }) => {
      const cfg = config(ctx);
      await withDb(ctx, async (db) => {
        const r = await purgeAuditLog(db.kysely, { retentionDays: cfg.auditRetentionDays, archiveDir: cfg.auditArchiveDir, dryRun: !!opts.dryRun });
        if (r.dryRun) ctx.io.out(`早于 ${r.cutoff} 的审计记录 ${r.rows} 条（保存期限 ${cfg.auditRetentionDays} 天）；未归档、未删除\n`);
        else if (r.rows === 0) ctx.io.out(`没有早于 ${r.cutoff} 的审计记录（保存期限 ${cfg.auditRetentionDays} 天）\n`);
        else ctx.io.out(`已归档并清理 ${r.rows} 条早于 ${r.cutoff} 的审计记录：${r.archive}（SHA-256 ${r.sha256}）\n`);
      });
    });

  const sec = program.command('security').description('三员分立与账号安全 (platform roles and account security)');
  sec
    .command('role')
    .description('任免三员角色，例如安装后的第一个安全保密管理员和安全审计员 (assign or remove a platform role)')
    .requiredOption('--username <NAME>', '用户名')
    .requiredOption('--role <ROLE>', `${PLATFORM_ROLES.map((r) => `${r}（${PLATFORM_ROLE_LABELS[r]}）`).join(' | ')} | none（撤销）`)
    .action(async (opts: { username: string; role: string }) => {
      const role = opts.role === 'none' ? null : (opts.role as PlatformRole);
      if (role !== null && !PLATFORM_ROLES.includes(role)) throw usageError(`--role 必须是 ${PLATFORM_ROLES.join(' | ')} | none 之一`);
      await withDb(ctx, async (db) => {
        const user = await findUserByUsername(db.kysely, opts.username);
        if (!user) throw usageError(`没有用户名为「${opts.username}」的账号`);
        const current = await db.kysely.selectFrom('platform_roles').select('role').where('user_id', '=', user.id).executeTakeFirst();
        if (role && current && current.role !== role) throw new CliError(`「${opts.username}」已担任${PLATFORM_ROLE_LABELS[current.role]}：一个账号只能担任三员中的一个，请先用 --role none 撤销`, EXIT_FINDINGS);
        if (role && role !== 'sysadmin') {
          const grants = await db.kysely.selectFrom('user_roles').select('role').where('user_id', '=', user.id).limit(1).execute();
          if (grants.length) throw new CliError(`「${opts.username}」持有机关业务角色，不能担任${PLATFORM_ROLE_LABELS[role]}（三员分立）`, EXIT_FINDINGS);
        }
        if ((current?.role ?? null) === role) return void ctx.io.out('无需改变\n');
        await db.kysely.transaction().execute(async (trx) => {
          if (role) await trx.insertInto('platform_roles').values({ user_id: user.id, role, granted_by: null, granted_at: new Date().toISOString() }).execute();
          else await trx.deleteFrom('platform_roles').where('user_id', '=', user.id).execute();
          await audit(trx, { userId: null, action: role ? 'platform_role.grant.cli' : 'platform_role.revoke.cli', subjectType: 'user', subjectId: user.id, details: { role: role ?? current?.role } });
        });
        ctx.io.out(role ? `「${opts.username}」现担任${PLATFORM_ROLE_LABELS[role]}\n` : `已撤销「${opts.username}」的三员角色\n`);
      });
    });

  sec
    .command('unlock')
    .description('解除账号的登录锁定 (lift a login lock)')
    .requiredOption('--username <NAME>', '用户名')
    .action(async (opts: { username: string }) => {
      await withDb(ctx, async (db) => {
        const r = await db.kysely.deleteFrom('account_lockouts').where('username', '=', opts.username).executeTakeFirst();
        if (!Number(r.numDeletedRows)) throw new CliError(`「${opts.username}」没有被锁定`, EXIT_FINDINGS);
        const user = await findUserByUsername(db.kysely, opts.username);
        await audit(db.kysely, { userId: null, action: 'account.unlock.cli', subjectType: 'user', subjectId: user?.id ?? null, details: { username: opts.username } });
        ctx.io.out(`已解锁「${opts.username}」\n`);
      });
    });
}
