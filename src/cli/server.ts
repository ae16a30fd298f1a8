/**
 * `gongkai serve`, `gongkai db migrate`, `gongkai agency add`, `gongkai user add`, `gongkai search
 * reindex`, `gongkai files gc`: running the web application and preparing its database (the first
 * administrator of a production installation), rebuilding the search index, and removing stored
 * files no record refers to.
 */
import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { hashPassword, passwordProblem } from '../accounts/password.js';
import type { Role } from '../db/schema.js';
import { createUser, findUserByUsername, grantRole } from '../accounts/user.repository.js';
import { AmbiguousAgencyError, createAgency, findAgencyByName, AGENCY_KIND_LABELS } from '../agencies/agency.repository.js';
import { audit } from '../audit/audit.js';
import { collectGarbage } from '../attachments/gc.js';
import { createFileStore } from '../attachments/store.js';
import { reindexCatalogue } from '../catalogue/search-index.js';
import { ConfigError, loadConfig, unknownVariables, type Config } from '../config.js';
import { DatabaseConfigError } from '../db/database.js';
import { MigrationError } from '../db/migrate.js';
import { ROLE_LABELS } from '../accounts/policy.js';
import { isMailAddress } from '../mail/address.js';
import { openConfiguredDatabase, startServer } from '../server/main.js';
import { CliError, EXIT_FINDINGS, usageError } from './errors.js';
import { parseIntArg, type CliContext } from './program.js';

/** The configuration from the environment (a bad value: exit 2 with its reason). */
export function config(ctx: CliContext): Config {
  try {
    const cfg = loadConfig(ctx.env);
    for (const name of unknownVariables(ctx.env)) ctx.io.err(`gongkai: 警告：未知的环境变量 ${name}（拼写错误？）已忽略\n`);
    return cfg;
  } catch (e) {
    if (e instanceof ConfigError) throw usageError(e.message);
    throw e;
  }
}

/** Opens the configured database for one verb (a database that cannot be opened: exit 1). */
export async function withDb<T>(ctx: CliContext, fn: (db: Awaited<ReturnType<typeof openConfiguredDatabase>>) => Promise<T>): Promise<T> {
  let db;
  try {
    db = await openConfiguredDatabase(config(ctx));
  } catch (e) {
    if (e instanceof DatabaseConfigError || e instanceof MigrationError) throw new CliError(e.message, EXIT_FINDINGS);
    throw e;
  }
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

const ROLES = Object.keys(ROLE_LABELS) as Role[];
const KINDS = Object.keys(AGENCY_KIND_LABELS);

export function register(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('启动网站（公开门户与工作平台） (run the web application)')
    .addHelpText(
      'after',
      '\n环境变量 (environment): PORT (默认 3000), HOST (默认 127.0.0.1), GONGKAI_DATA (数据目录，默认 ./data),\n' +
        '  DATABASE_URL (postgres://…；不设置则用 SQLite), GONGKAI_DEMO (1/0：空库时载入演示数据；SQLite 默认 1),\n' +
        '  GONGKAI_CALENDAR, GONGKAI_SECURE_COOKIES (HTTPS 时设为 1), GONGKAI_TRUST_PROXY (反向代理后设为 1),\n' +
        '  GONGKAI_LOG_LEVEL (JSON 日志级别，默认 info；silent 关闭), GONGKAI_METRICS_TOKEN (/metrics 的访问令牌),\n' +
        '  GONGKAI_DRAIN_SECONDS (收到 SIGTERM 后 /readyz 先返回 503 的秒数，默认 5)',
    )
    .action(async () => {
      const cfg = config(ctx);
      let running;
      try {
        // Logs: GONGKAI_LOG_LEVEL (config.ts), JSON lines on stdout.
        running = await startServer(cfg, (s) => ctx.io.out(`${s}\n`));
      } catch (e) {
        if (e instanceof DatabaseConfigError || e instanceof MigrationError) throw new CliError(e.message, EXIT_FINDINGS);
        throw new CliError((e as Error).message, EXIT_FINDINGS);
      }
      await new Promise<void>((resolve) => {
        const stop = (sig: string) => {
          ctx.io.out(`收到 ${sig}，正在停止…\n`);
          void running.close().then(resolve);
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
    });

  const dbCmd = program.command('db').description('数据库 (database)');
  dbCmd
    .command('migrate')
    .description('把数据库结构升级到最新版本 (apply pending migrations)')
    .action(async () => {
      await withDb(ctx, async (db) => {
        ctx.io.out(`数据库已是最新结构（${db.dialect === 'sqlite' ? `SQLite ${db.location}` : `PostgreSQL ${db.location}`}）\n`);
      });
    });

  const searchCmd = program.command('search').description('全文检索索引 (the search index)');
  searchCmd
    .command('reindex')
    .description('重建主动公开信息的检索索引 (index every public catalogue item again)')
    .action(async () => {
      await withDb(ctx, async (db) => {
        const n = await reindexCatalogue(db);
        ctx.io.out(`已重建检索索引：${n} 条已公开的信息\n`);
      });
    });

  const filesCmd = program.command('files').description('附件存储 (the file store)');
  filesCmd
    .command('gc')
    .description('删除没有任何记录引用的附件文件和中断留下的临时文件 (remove stored files no record refers to)')
    .option('--dry-run', '只统计，不删除 (count only)')
    .option('--min-age-hours <HOURS>', '只删除至少这么多小时未修改的文件 (only files unmodified for this long)', '24')
    .action(async (opts: { dryRun?: boolean; minAgeHours: string }) => {
      const hours = parseIntArg(opts.minAgeHours, '--min-age-hours');
      const cfg = config(ctx);
      await withDb(ctx, async (db) => {
        const r = await collectGarbage(db, createFileStore(cfg.filesDir), { minAgeMs: hours * 3_600_000, dryRun: !!opts.dryRun });
        const mb = (r.removedBytes / 1024 / 1024).toFixed(1);
        ctx.io.out(`${r.dryRun ? '将删除' : '已删除'} ${r.removed} 个文件（${mb} MB）；有记录引用的 ${r.referenced} 个；未满 ${hours} 小时暂不删除的 ${r.young} 个\n`);
      });
    });

  const agency = program.command('agency').description('行政机关 (agencies)');
  agency
    .command('add')
    .description('登记一个行政机关 (register an agency)')
    .requiredOption('--name <NAME>', '机关全称')
    .requiredOption('--kind <KIND>', `类型：${KINDS.join(' | ')}`)
    .option('--parent <NAME>', '上级机关（全称或唯一的部分名称）')
    .option('--code <CODE>', '机构代码（用于索引号）')
    .action(async (opts: { name: string; kind: string; parent?: string; code?: string }) => {
      const name = opts.name.trim();
      if (!name || name.length > 100) throw usageError('--name 不能为空，且不超过 100 个字符');
      if (!KINDS.includes(opts.kind)) throw usageError(`--kind 必须是 ${KINDS.join(' | ')} 之一`);
      await withDb(ctx, async (db) => {
        const parent = opts.parent ? await resolveAgency(db.kysely, opts.parent) : null;
        if ((await findAgencyByName(db.kysely, name).catch(() => null))?.name === name) throw usageError(`机关「${name}」已存在`);
        const id = await createAgency(db.kysely, {
          parent_id: parent?.id ?? null,
          name,
          short_name: null,
          kind: opts.kind as never,
          code: opts.code ?? null,
          office_name: null,
          office_address: null,
          office_hours: null,
          office_phone: null,
          office_fax: null,
          office_email: null,
          postcode: null,
        });
        await audit(db.kysely, { userId: null, agencyId: id, action: 'agency.create.cli', subjectType: 'agency', subjectId: id, details: { name } });
        ctx.io.out(`已登记：${name}（编号 ${id}${parent ? `，上级 ${parent.name}` : ''}）\n`);
      });
    });

  const user = program.command('user').description('工作人员账号 (staff accounts)');
  user
    .command('add')
    .description('创建工作人员账号并授予一个角色，例如第一个管理员 (create a staff account with a role)')
    .requiredOption('--username <NAME>', '用户名（字母、数字、. _ -，3–64 个字符）')
    .requiredOption('--name <DISPLAY>', '姓名或显示名称')
    .requiredOption('--agency <AGENCY>', '所属机关（全称或唯一的部分名称）')
    .requiredOption('--role <ROLE>', `角色：${ROLES.map((r) => `${r}（${ROLE_LABELS[r]}）`).join(' | ')}`)
    .option('--password-stdin', '从标准输入读取密码（否则生成随机初始密码并显示一次）')
    .option('--email <ADDRESS>', '接收邮件提醒的电子邮箱（可选）')
    .action(async (opts: { username: string; name: string; agency: string; role: string; passwordStdin?: boolean; email?: string }) => {
      if (!/^[A-Za-z0-9._-]{3,64}$/.test(opts.username)) throw usageError('--username 只能包含字母、数字和 . _ -，长度 3–64');
      const display = opts.name.trim();
      if (!display || display.length > 50) throw usageError('--name 不能为空，且不超过 50 个字符');
      if (!ROLES.includes(opts.role as Role)) throw usageError(`--role 必须是 ${ROLES.join(' | ')} 之一`);
      const email = opts.email?.trim() || null;
      if (email !== null && !isMailAddress(email)) throw usageError(`--email 不是有效的电子邮箱（收到「${opts.email}」）`);
      let password: string;
      let generated = false;
      if (opts.passwordStdin) {
        password = (await readStdinLine()).replace(/\r?\n$/, '');
        const problem = passwordProblem(password);
        if (problem) throw usageError(`密码不符合要求：${problem}`);
      } else {
        password = randomBytes(12).toString('base64url');
        generated = true;
      }
      await withDb(ctx, async (db) => {
        const agencyRow = await resolveAgency(db.kysely, opts.agency);
        if (await findUserByUsername(db.kysely, opts.username)) throw usageError(`用户名「${opts.username}」已存在`);
        const hash = await hashPassword(password);
        const id = await db.kysely.transaction().execute(async (trx) => {
          // A generated password is the administrator's, not the user's: it must be changed at first login.
          const userId = await createUser(trx, { username: opts.username, displayName: display, passwordHash: hash, email, mustChangePassword: generated });
          await grantRole(trx, userId, agencyRow.id, opts.role as Role);
          await audit(trx, { userId: null, agencyId: agencyRow.id, action: 'user.create.cli', subjectType: 'user', subjectId: userId, details: { username: opts.username, role: opts.role } });
          return userId;
        });
        ctx.io.out(`已创建账号 ${opts.username}（编号 ${id}）：${agencyRow.name} ${ROLE_LABELS[opts.role as Role]}\n`);
        if (generated) ctx.io.out(`初始密码（只显示这一次，首次登录后须修改）：${password}\n`);
      });
    });
}

/** An agency by its full name or a unique part of it; usage error (exit 2) otherwise. */
export async function resolveAgency(db: Parameters<typeof findAgencyByName>[0], name: string) {
  try {
    const a = await findAgencyByName(db, name.trim());
    if (!a) throw usageError(`找不到机关「${name}」；先用 gongkai agency add 登记`);
    return a;
  } catch (e) {
    if (e instanceof AmbiguousAgencyError) throw usageError(e.message);
    throw e;
  }
}

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of process.stdin) {
    chunks.push(c as Buffer);
    n += (c as Buffer).length;
    if (n > 4096) break;
  }
  return Buffer.concat(chunks).toString('utf8').split('\n')[0] ?? '';
}
