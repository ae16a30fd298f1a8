/**
 * The cells of section 二 (主动公开) by format, under the ids of DOMAIN.md §4.1: a cell id is
 * `<row id>.<column id>` (licensing.decisions, procurement.amount, fees.amount_wan_yuan …).
 *
 * Section 二 has two kinds of cells:
 * - 第二十条第（一）项 (规章, 规范性文件) is computed from the catalogue (counting.ts); an office may
 *   still enter a figure there, which then replaces the computed one (its source note says why);
 * - every other block (许可, 处罚, 强制, 收费, 采购) has no records in the system: the office enters the
 *   figure with its source (entries.ts).
 *
 * Values are parsed here from what a form or the API sends, into exact canonical decimal text
 * (stored as is) — never through a float. Pure: no I/O.
 */
import { FORMATS, type ColumnDef, type FormatId, type ProactiveBlock, type RowDef, type ValueKind } from '../format.js';

/** One cell of section 二. */
export interface ProactiveCellDef {
  /** `<row id>.<column id>`. */
  id: string;
  rowId: string;
  columnId: string;
  kind: ValueKind;
  block: ProactiveBlock;
  row: RowDef;
  column: ColumnDef;
  /** Computed from the catalogue (第二十条第（一）项) unless a figure is entered. */
  fromCatalogue: boolean;
  /** 第二十条第（五）项 行政许可「处理决定数量」 */
  label: string;
}

/** The block whose cells the catalogue gives. */
export const CATALOGUE_BLOCK = '20.1';

function build(format: FormatId): ProactiveCellDef[] {
  const out: ProactiveCellDef[] = [];
  for (const block of FORMATS[format].proactive) {
    for (const row of block.rows) {
      for (const column of block.columns) {
        out.push({
          id: `${row.id}.${column.id}`,
          rowId: row.id,
          columnId: column.id,
          kind: column.kind,
          block,
          row,
          column,
          fromCatalogue: block.id === CATALOGUE_BLOCK,
          label: `${block.label} ${row.label}「${column.label}」`,
        });
      }
    }
  }
  return out;
}

const CELLS: Record<FormatId, readonly ProactiveCellDef[]> = { '2019': build('2019'), '2021': build('2021') };
const BY_ID: Record<FormatId, ReadonlyMap<string, ProactiveCellDef>> = {
  '2019': new Map(CELLS['2019'].map((c) => [c.id, c])),
  '2021': new Map(CELLS['2021'].map((c) => [c.id, c])),
};

/** Every cell of section 二 of a format, in table order. */
export function proactiveCells(format: FormatId): readonly ProactiveCellDef[] {
  return CELLS[format];
}

/** A cell of section 二 by id, or undefined. */
export function proactiveCell(format: FormatId, id: string): ProactiveCellDef | undefined {
  return BY_ID[format].get(id);
}

/** Units accepted for the 2019 format's 采购总金额 (the format leaves the unit open). */
export const AMOUNT_UNITS = ['元', '万元'] as const;
export type AmountUnit = (typeof AMOUNT_UNITS)[number];

/**
 * Decimal places allowed: 万元 amounts to the 元 (4 places) in the 2021 （八） column; 采购总金额
 * to the 分 in its unit (元: 2, 万元: 6; without a unit: 6).
 */
export function maxDecimals(kind: ValueKind, unit: string | null): number {
  if (kind === 'amount_wan_yuan') return 4;
  if (kind === 'amount') return unit === '元' ? 2 : 6;
  return 0;
}

/** A value could not be read: the Chinese message names the cell. */
export class CellValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CellValueError';
  }
}

/**
 * Reads an entered value for a cell: a JSON number or a form's text (full-width digits, spaces,
 * a leading ＋/－/− and thousands separators are accepted). Returns the canonical decimal text
 * (no leading zeros, no trailing fraction zeros, no '-0'). Throws CellValueError (Chinese):
 * counts must be whole numbers ≥ 0, 本年增/减 a whole number (may be negative), amounts ≥ 0 with
 * at most `maxDecimals` places.
 */
export function parseCellValue(cell: ProactiveCellDef, raw: unknown, unit: string | null = null): string {
  const name = cell.label;
  let text: string;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) throw new CellValueError(`${name}应为数字`);
    text = numberText(raw);
  } else if (typeof raw === 'string') {
    text = raw
      .normalize('NFKC')
      .replace(/[\s,，]/g, '')
      .replace(/^[−–—]/, '-');
  } else {
    throw new CellValueError(raw === undefined || raw === null ? `请填写${name}` : `${name}应为数字`);
  }
  if (text === '') throw new CellValueError(`请填写${name}`);
  const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new CellValueError(`${name}「${String(raw)}」不是数字`);
  const negative = m[1] === '-';
  const whole = m[2]!.replace(/^0+(?=\d)/, '');
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  const isZero = /^0+$/.test(whole) && fraction === '';
  switch (cell.kind) {
    case 'count':
      if (fraction !== '' || (negative && !isZero)) throw new CellValueError(`${name}应为非负整数（件数、项数不能为负数或小数）`);
      break;
    case 'change':
      if (fraction !== '') throw new CellValueError(`${name}应为整数（减少时写负数，如 -2）`);
      break;
    case 'amount':
    case 'amount_wan_yuan': {
      if (negative && !isZero) throw new CellValueError(`${name}不能为负数`);
      const places = maxDecimals(cell.kind, unit);
      if (fraction.length > places) {
        throw new CellValueError(
          cell.kind === 'amount_wan_yuan'
            ? `${name}以万元为单位，最多保留${places}位小数（精确到元），收到「${String(raw)}」`
            : `${name}${unit ? `以${unit}为单位` : ''}最多保留${places}位小数，收到「${String(raw)}」`,
        );
      }
      break;
    }
  }
  if (whole.length > 15) throw new CellValueError(`${name}「${String(raw)}」过大`);
  if (isZero) return '0';
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** A number as plain decimal text (no exponent), for JSON numbers sent to parseCellValue. */
function numberText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}
