/**
 * The information-processing fee (信息处理费) of 《政府信息公开条例》第42条 and
 * 国办函〔2020〕109号《政府信息公开信息处理费管理办法》.
 *
 * A fee is due only when the quantity or the frequency of the applications clearly exceeds a
 * reasonable range; the default is free. The agency chooses ONE method per application, never
 * both (109号):
 * - 按件计收 (by items): counted per applicant per calendar month, marginal bands: 1–10 free,
 *   11–30 100元 each, then from 31 on every further band of 10 costs 100元 more per item
 *   (31–40 200元, 41–50 300元, …, unbounded);
 * - 按量计收 (by pages, per application), marginal bands: 1–30 free, 31–100 10元/页,
 *   101–200 20元/页, over 200 40元/页.
 * Amounts are whole 元.
 */

export type FeeMethod = 'items' | 'pages';

export interface FeeBand {
  /** The part of the band actually used: first and last unit (item or page), inclusive. */
  from: number;
  to: number;
  count: number;
  /** 元 per item or page in this band (0 for a free band). */
  unitPrice: number;
  /** count × unitPrice, 元. */
  amount: number;
}

export interface FeeResult {
  method: FeeMethod;
  /** 件 or 页. */
  unit: '件' | '页';
  quantity: number;
  /** 元, an integer. */
  total: number;
  /** The bands actually used, in order, free bands included (amount 0). Empty when quantity is 0. */
  bands: FeeBand[];
  /** The rule applied, with its source. */
  basis: string;
}

/** Bad input for a fee computation; the message is Chinese. */
export class FeeInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeeInputError';
  }
}

export const FEE_BASIS: Record<FeeMethod, string> = {
  items:
    '国办函〔2020〕109号 按件计收：申请人一个自然月内累计申请10件以下（含10件）不收费；11–30件的部分100元/件；31件以上的部分以10件为一档，每增加一档收费标准提高100元/件',
  pages: '国办函〔2020〕109号 按量计收：30页以下（含30页）不收费；31–100页的部分10元/页；101–200页的部分20元/页；200页以上的部分40元/页',
};

/** Items: the first two bands, then unbounded bands of ITEM_TAIL_BAND starting at 31. */
const ITEM_FREE = 10;
const ITEM_FIRST_PAID_TO = 30;
const ITEM_FIRST_PAID_PRICE = 100;
const ITEM_TAIL_BAND = 10;
const ITEM_TAIL_START_PRICE = 200;
const ITEM_TAIL_STEP = 100;

/**
 * The largest monthly item count accepted: far beyond any real case (the fee exists precisely to
 * deter mass applications), it keeps the band list (one entry per 10 items) small and the total
 * an exact integer. Larger counts are rejected with a clear message instead of computing for long.
 */
export const MAX_ITEMS = 1_000_000;

/** Pages: [from, to (null = unbounded), price per page]. */
export const PAGE_BANDS: ReadonlyArray<readonly [number, number | null, number]> = [
  [1, 30, 0],
  [31, 100, 10],
  [101, 200, 20],
  [201, null, 40],
];

function checkQuantity(n: unknown, what: string, min = 0): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min) {
    throw new FeeInputError(`${what}应为${min > 0 ? '正' : '非负'}整数，收到「${String(n)}」`);
  }
  return n;
}

/** What the k-th application of the applicant in the calendar month costs (元), k ≥ 1. */
export function feeForNthItem(k: number): number {
  checkQuantity(k, '申请序号', 1);
  if (k <= ITEM_FREE) return 0;
  if (k <= ITEM_FIRST_PAID_TO) return ITEM_FIRST_PAID_PRICE;
  const band = Math.floor((k - ITEM_FIRST_PAID_TO - 1) / ITEM_TAIL_BAND);
  const price = ITEM_TAIL_START_PRICE + ITEM_TAIL_STEP * band;
  if (!Number.isSafeInteger(price)) throw new FeeInputError(`申请序号过大：${k}`);
  return price;
}

/** The total for n items in closed form (used to check the band list, and for the cap). */
export function itemsTotal(n: number): number {
  checkQuantity(n, '件数');
  if (n <= ITEM_FREE) return 0;
  if (n <= ITEM_FIRST_PAID_TO) return (n - ITEM_FREE) * ITEM_FIRST_PAID_PRICE;
  const m = n - ITEM_FIRST_PAID_TO;
  const full = Math.floor(m / ITEM_TAIL_BAND);
  const rest = m - full * ITEM_TAIL_BAND;
  const head = (ITEM_FIRST_PAID_TO - ITEM_FREE) * ITEM_FIRST_PAID_PRICE;
  // Σ_{b=0}^{full-1} 10 × (200 + 100 b) + rest × (200 + 100 full)
  const tail =
    ITEM_TAIL_BAND * (ITEM_TAIL_START_PRICE * full + (ITEM_TAIL_STEP * full * (full - 1)) / 2) +
    rest * (ITEM_TAIL_START_PRICE + ITEM_TAIL_STEP * full);
  return head + tail;
}

/** 按件计收: the fee for n applications by one applicant in one calendar month. */
export function feeByItems(n: number): FeeResult {
  checkQuantity(n, '件数');
  if (n > MAX_ITEMS) {
    throw new FeeInputError(`件数过大：${n}（一个自然月内超过 ${MAX_ITEMS} 件），请核实数据`);
  }
  const bands: FeeBand[] = [];
  const push = (from: number, to: number, unitPrice: number) => {
    if (to < from) return;
    const count = to - from + 1;
    bands.push({ from, to, count, unitPrice, amount: count * unitPrice });
  };
  push(1, Math.min(n, ITEM_FREE), 0);
  push(ITEM_FREE + 1, Math.min(n, ITEM_FIRST_PAID_TO), ITEM_FIRST_PAID_PRICE);
  let price = ITEM_TAIL_START_PRICE;
  for (let from = ITEM_FIRST_PAID_TO + 1; from <= n; from += ITEM_TAIL_BAND, price += ITEM_TAIL_STEP) {
    push(from, Math.min(n, from + ITEM_TAIL_BAND - 1), price);
  }
  const total = bands.reduce((s, b) => s + b.amount, 0);
  return { method: 'items', unit: '件', quantity: n, total, bands, basis: FEE_BASIS.items };
}

/** 按量计收: the fee for one application of n pages. */
export function feeByPages(n: number): FeeResult {
  checkQuantity(n, '页数');
  const bands: FeeBand[] = [];
  for (const [from, to, unitPrice] of PAGE_BANDS) {
    if (n < from) break;
    const last = to === null ? n : Math.min(n, to);
    const count = last - from + 1;
    bands.push({ from, to: last, count, unitPrice, amount: count * unitPrice });
  }
  const total = bands.reduce((s, b) => s + b.amount, 0);
  if (!Number.isSafeInteger(total)) throw new FeeInputError(`页数过大：${n}，金额超出可精确计算的范围，请核实数据`);
  return { method: 'pages', unit: '页', quantity: n, total, bands, basis: FEE_BASIS.pages };
}

/** One method, never both (109号): exactly one of items / pages must be given. */
export function computeFee(input: { items?: number | undefined; pages?: number | undefined }): FeeResult {
  const hasItems = input.items !== undefined && input.items !== null;
  const hasPages = input.pages !== undefined && input.pages !== null;
  if (hasItems && hasPages) throw new FeeInputError('按件计收和按量计收只能选择一种，不得同时使用（国办函〔2020〕109号）');
  if (!hasItems && !hasPages) throw new FeeInputError('请指定按件计收（件数）或按量计收（页数）之一');
  return hasItems ? feeByItems(input.items!) : feeByPages(input.pages!);
}
