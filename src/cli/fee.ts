/**
 * `gongkai fee --items N | --pages N`: the information-processing fee of 国办函〔2020〕109号
 * (src/applications/fee.ts), with its breakdown by band.
 */
import type { Command } from 'commander';
import { FeeInputError, computeFee, type FeeResult } from '../applications/fee.js';
import { usageError } from './errors.js';
import { parseIntArg, type CliContext } from './program.js';
import { displayWidth } from './table.js';

interface FeeOptions {
  items?: string;
  pages?: string;
}

function pad(s: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return align === 'left' ? s + fill : fill + s;
}

/** The breakdown as an aligned table (档次 / 数量 / 单价 / 金额), last line 合计. */
export function feeTable(r: FeeResult): string[] {
  const rows: string[][] = [['档次', '数量', '单价', '金额']];
  for (const b of r.bands) {
    rows.push([`${b.from === b.to ? b.from : `${b.from}–${b.to}`}${r.unit}`, String(b.count), `${b.unitPrice}元/${r.unit}`, `${b.amount}元`]);
  }
  rows.push(['合计', String(r.quantity), '', `${r.total}元`]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => displayWidth(row[i]!))));
  const aligns: Array<'left' | 'right'> = ['left', 'right', 'right', 'right'];
  return rows.map((row) => row.map((cell, i) => pad(cell, widths[i]!, aligns[i]!)).join('  ').trimEnd());
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('fee')
    .description('计算政府信息公开信息处理费（国办函〔2020〕109号），按件或按量，二者只能选一 (information-processing fee)')
    .option('--items <n>', '按件计收：申请人一个自然月内累计申请件数 (applications by one applicant in a calendar month)')
    .option('--pages <n>', '按量计收：本次申请提供信息的页数 (pages of one application)')
    .option('--json', '输出 JSON 对象 (print a JSON object)')
    .addHelpText(
      'after',
      '\n收费标准 (rates, marginal bands):\n' +
        '  按件：1–10件免费；11–30件 100元/件；31件起每10件为一档，每档提高100元/件（31–40件 200元，41–50件 300元 …）\n' +
        '  按量：1–30页免费；31–100页 10元/页；101–200页 20元/页；200页以上 40元/页\n' +
        '  仅在申请数量、频次明显超过合理范围时收费（条例第42条）；两种方式不得同时使用。\n' +
        '示例 (example):\n  gongkai fee --items 45    # 5500元',
    )
    .action((opts: FeeOptions & { json?: boolean }) => {
      const hasItems = opts.items !== undefined;
      const hasPages = opts.pages !== undefined;
      if (hasItems && hasPages) {
        throw usageError('--items（按件）和 --pages（按量）只能选一个，两种方式不得同时使用（国办函〔2020〕109号） (use one of --items / --pages)');
      }
      if (!hasItems && !hasPages) throw usageError('请指定 --items N（按件）或 --pages N（按量） (give --items or --pages)');
      let result: FeeResult;
      try {
        result = hasItems
          ? computeFee({ items: parseIntArg(opts.items!, '--items（件数）') })
          : computeFee({ pages: parseIntArg(opts.pages!, '--pages（页数）') });
      } catch (e) {
        if (e instanceof FeeInputError) throw usageError(e.message);
        throw e;
      }
      if (opts.json) {
        ctx.io.out(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const method = result.method === 'items' ? '按件计收' : '按量计收';
      const lines = [`信息处理费：${result.total}元（${method}，${result.quantity}${result.unit}）`, ...feeTable(result), `依据：${result.basis}`];
      ctx.io.out(`${lines.join('\n')}\n`);
    });
}
