/**
 * `gongkai keys generate | encrypt-existing | rotate`: the data keys that encrypt applicants' and
 * complainants' personal data (src/crypto).
 *
 * - generate prints a new key item `<id>:<base64>` on stdout (nothing else there, so it can be
 *   piped into a secret store) and how to use it on stderr. It touches no database.
 * - encrypt-existing encrypts the values still stored in plaintext (from before encryption; the
 *   server also does it at every start).
 * - rotate re-encrypts every value not sealed under the current (first) key, after a new key was
 *   put first; then the old keys are only needed for old backups.
 *
 * Both database verbs take the keys as the server does (GONGKAI_DATA_KEYS, GONGKAI_DATA_KEY_FILE,
 * or the embedded default's key file; PostgreSQL without keys is refused), are idempotent and safe
 * while the site runs (compare-and-set per row: src/crypto/existing.ts), and end with how the
 * stored values stand per key.
 *
 * Exit codes: 0 done; 1 a value could not be decrypted, the keys do not match the data, or rows
 * kept changing (run again); 2 bad usage or configuration.
 */
import type { Command } from 'commander';
import { encryptExisting, keyUsage, type ExistingMode, type TableResult } from '../crypto/existing.js';
import { DataDecryptionError } from '../crypto/field-cipher.js';
import { DataKeyConfigError, generateKeyItem, setUpDataKeys } from '../crypto/keys.js';
import { CliError, EXIT_FINDINGS, usageError } from './errors.js';
import { parseIntArg, type CliContext } from './program.js';
import { config, withDb } from './server.js';

const TABLE_LABELS = { applications: '申请（applications）', feedback: '投诉（feedback）' } as const;

export function register(program: Command, ctx: CliContext): void {
  const cmd = program.command('keys').description('个人信息加密密钥：生成、加密存量数据、轮换 (data encryption keys)');

  cmd
    .command('generate')
    .description('生成一个新的数据加密密钥，输出「编号:密钥」 (print a new key item)')
    .option('--id <id>', '密钥编号（字母、数字、- 和 _，最多 32 个字符；默认 k+日期+随机数）')
    .action((opts: { id?: string }) => {
      let item: string;
      try {
        item = generateKeyItem(opts.id !== undefined ? { id: opts.id } : {});
      } catch (e) {
        if (e instanceof DataKeyConfigError) throw usageError(e.message);
        throw e;
      }
      ctx.io.out(`${item}\n`);
      ctx.io.err(
        '把它放在 GONGKAI_DATA_KEYS（逗号分隔）或 GONGKAI_DATA_KEY_FILE 文件（每行一个）的第一位：第一个密钥用于加密，其余只用于解密。\n' +
          '多台服务器时，先把新密钥放在末位让所有节点都能解密，全部重启后再移到第一位；然后运行 gongkai keys rotate。\n' +
          '密钥须与数据库分开备份保管。\n',
      );
    });

  const batchOption = (c: Command) => c.option('--batch <n>', '每批处理的记录数 (rows per batch)', '500');

  batchOption(cmd.command('encrypt-existing').description('加密以明文保存的存量个人信息；可重复运行 (encrypt plaintext values, idempotent)')).action(
    async (opts: { batch: string }) => run(ctx, 'encrypt', parseIntArg(opts.batch, '--batch', { min: 1 })),
  );

  batchOption(cmd.command('rotate').description('用第一个（最新的）密钥重新加密全部个人信息 (re-encrypt everything under the newest key)')).action(
    async (opts: { batch: string }) => run(ctx, 'rotate', parseIntArg(opts.batch, '--batch', { min: 1 })),
  );
}

async function run(ctx: CliContext, mode: ExistingMode, batchSize: number): Promise<void> {
  const cfg = config(ctx);
  await withDb(ctx, async (db) => {
    let results: TableResult[];
    let currentId: string;
    try {
      const keys = await setUpDataKeys(db, { configured: cfg.dataKeys, dataDir: cfg.dataDir, log: (s) => ctx.io.err(`${s}\n`) });
      currentId = keys.currentId;
      results = await encryptExisting(db, keys, { mode, batchSize });
    } catch (e) {
      if (e instanceof DataKeyConfigError || e instanceof DataDecryptionError) throw new CliError(e.message, EXIT_FINDINGS);
      throw e;
    }
    const verb = mode === 'rotate' ? `用密钥「${currentId}」重新加密` : '加密';
    for (const r of results) {
      ctx.io.out(`${TABLE_LABELS[r.table]}：${verb} ${r.rows} 条记录的 ${r.values} 个字段${r.retried ? `（${r.retried} 次因同时修改而重读）` : ''}\n`);
    }
    const usage = await keyUsage(db);
    ctx.io.out('现状（按字段计） (stored values)：\n');
    for (const u of usage) {
      const parts = [`明文 ${u.plaintext}`, ...Object.entries(u.byKey).map(([kid, n]) => `密钥「${kid}」${n}`)];
      ctx.io.out(`  ${TABLE_LABELS[u.table]}：${parts.join('，')}\n`);
    }
    const others = [...new Set(usage.flatMap((u) => Object.keys(u.byKey)))].filter((k) => k !== currentId);
    if (mode === 'rotate' && others.length === 0) {
      ctx.io.out(`全部数据已使用密钥「${currentId}」加密。旧密钥只在恢复以前的备份时还需要：请与那些备份一起保管，不再需要时从配置中删除。\n`);
    }
    if (results.some((r) => r.values > 0)) {
      ctx.io.out(
        '注意：被替换的旧值可能仍留在数据库的空闲页（SQLite：请执行 VACUUM）或旧行版本（PostgreSQL：请执行 VACUUM）以及以前的备份中，请按规定处置旧备份。\n',
      );
    }
    const skipped = results.reduce((n, r) => n + r.skipped, 0);
    if (skipped > 0) {
      ctx.io.err(`gongkai: ${skipped} 条记录在处理时反复被同时修改，暂未处理：请稍后再运行一次\n`);
      ctx.exitCode = EXIT_FINDINGS;
    }
  });
}
