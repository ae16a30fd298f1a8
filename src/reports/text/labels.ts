/**
 * Recognising the label cells of tables 二, 三 and 四 in either format, before the format is
 * known. Every label of both layouts is precomputed once; a cell text is normalized once and the
 * answer is cached (labels repeat across reports), so classifying a cell is a map lookup.
 */
import {
  FORMAT_2019,
  FORMAT_2021,
  normalizeLabel,
  type ColumnDef,
  type FormatId,
  type ProactiveBlockId,
  type RowDef,
} from '../format.js';

export type LabelHit =
  | { t: 'block'; id: ProactiveBlockId } // 第二十条第（一）项
  | { t: 'prow'; id: string } // a section-二 row (规章 …)
  | { t: 'pcol' } // a section-二 column header (matched against the format later)
  | { t: 'pheader' } // 信息内容
  | { t: 'arow'; id: string } // a section-三 row (incl. （六）其他处理, a row in 2019 and a group in 2021)
  | { t: 'agroup' } // 三、本年度办理结果, （三）不予公开 …
  | { t: 'acol'; id: string } // 自然人 …
  | { t: 'aheader' } // the identity cell, 申请人情况, 法人或其他组织
  | { t: 'rgroup'; id: string } // 行政复议, 未经复议直接起诉, 复议后起诉
  | { t: 'rheader' } // 行政诉讼
  | { t: 'rcol'; id: string } // 结果维持 …
  | { t: 'total' } // 总计: a column header, or row （七）总计 — decided by context
  | { t: 'other' }; // 其他: a column header, or row 3.其他 — decided by context

export interface LabelInfo {
  /** normalizeLabel(text), with 增减 / 增(减) unified to 增/减. */
  n: string;
  /** n without its leading numbering (一、 （三） 3.). */
  core: string;
  numbered: boolean;
  hit: LabelHit | null;
  /** The format markers (ReportFormat.markers) the text contains. */
  markers: Record<FormatId, readonly string[]>;
}

const NONE: readonly string[] = [];

function uniqueById<T extends { id: string }>(xs: readonly T[]): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => (seen.has(x.id) ? false : (seen.add(x.id), true)));
}

const BLOCKS = uniqueById([...FORMAT_2019.proactive, ...FORMAT_2021.proactive]);
const PROACTIVE_ROWS: readonly RowDef[] = uniqueById(BLOCKS.flatMap((b) => b.rows));
const PROACTIVE_COLUMN_KEYS: readonly (readonly string[])[] = [...FORMAT_2019.proactive, ...FORMAT_2021.proactive].flatMap((b) =>
  b.columns.map((c) => c.keys),
);
/** Section-三 rows matched by key fragments (3.6.3 其他 and 3.7 总计 are the context-dependent cases). */
const APPLICATION_ROWS = uniqueById([...FORMAT_2019.applicationRows, ...FORMAT_2021.applicationRows]).filter(
  (r) => !r.exact && r.id !== '3.7',
);
const APPLICATION_COLUMNS = FORMAT_2021.applicationColumns.filter((c) => c.id !== 'other' && c.id !== 'total');
const REVIEW_GROUPS = FORMAT_2021.reviewGroups;
const REVIEW_COLUMNS = FORMAT_2021.reviewColumns.filter((c) => c.id !== 'total');
const APPLICATION_GROUP_CORES = new Set(['不予公开', '无法提供', '不予处理']);

const NUMBERING_RES = [/^[一二三四五六七八九十]+[、.]/, /^\([一二三四五六七八九十\d]+\)/, /^\d+\./];

/** Normalized text for matching: normalizeLabel plus the common spellings of 增/减. */
export function matchText(s: string): string {
  const n = normalizeLabel(s);
  return n.indexOf('增') === -1 ? n : n.replace(/增(?:\(减\)|减)/, '增/减');
}

function stripNumbering(n: string): string {
  for (const re of NUMBERING_RES) {
    const m = re.exec(n);
    if (m) return n.slice(m[0].length);
  }
  return n;
}

const hasAll = (n: string, keys: readonly string[]) => keys.every((k) => n.includes(k));

function classifyNormalized(n: string, core: string): LabelHit | null {
  if (n.length === 0 || n.length > 70 || n.includes('。')) return null;
  if (core === '总计') return { t: 'total' };
  if (core === '其他') return { t: 'other' };
  if (n.startsWith('第二十条')) {
    for (const b of BLOCKS) if (hasAll(n, b.keys)) return { t: 'block', id: b.id };
    return null;
  }
  if (n.includes('勾稽关系') || n.includes('第一项加第二项之和')) return { t: 'aheader' };
  if (core === '申请人情况' || n.includes('法人或其他组织')) return { t: 'aheader' };
  if (core === '信息内容') return { t: 'pheader' };
  if (core === '行政诉讼') return { t: 'rheader' };
  for (const g of REVIEW_GROUPS) if (hasAll(n, g.keys)) return { t: 'rgroup', id: g.id };
  for (const c of REVIEW_COLUMNS) if (hasAll(n, c.keys)) return { t: 'rcol', id: c.id };
  if (n.includes('本年度办理结果')) return { t: 'agroup' };
  for (const r of APPLICATION_ROWS) if (hasAll(n, r.keys)) return { t: 'arow', id: r.id };
  if (APPLICATION_GROUP_CORES.has(core)) return { t: 'agroup' };
  for (const c of APPLICATION_COLUMNS) if (hasAll(n, c.keys)) return { t: 'acol', id: c.id };
  for (const r of PROACTIVE_ROWS) {
    if (r.exact ? core === r.keys[0] : hasAll(n, r.keys)) return { t: 'prow', id: r.id };
  }
  for (const keys of PROACTIVE_COLUMN_KEYS) if (hasAll(n, keys)) return { t: 'pcol' };
  return null;
}

function markersOf(n: string, markers: readonly string[]): readonly string[] {
  let out: string[] | null = null;
  for (const m of markers) if (n.includes(m)) (out ??= []).push(m);
  return out ?? NONE;
}

const CACHE_LIMIT = 20000;
const cache = new Map<string, LabelInfo>();

/** Classifies a (trimmed) cell text. Cached. */
export function classifyLabel(text: string): LabelInfo {
  const hit = cache.get(text);
  if (hit) return hit;
  const n = matchText(text);
  const core = stripNumbering(n);
  const info: LabelInfo = {
    n,
    core,
    numbered: core !== n,
    hit: classifyNormalized(n, core),
    markers: { '2019': markersOf(n, FORMAT_2019.markers), '2021': markersOf(n, FORMAT_2021.markers) },
  };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, info);
  return info;
}

/** Whether a header text (already `matchText`-normalized) names the given column. */
export function headerMatchesColumn(n: string, core: string, c: ColumnDef): boolean {
  if (c.id === 'other' && c.label === '其他') return core === '其他';
  if (c.id === 'total') return core === '总计';
  return hasAll(n, c.keys);
}
