/**
 * Factories for annual reports used by tests and benchmarks: consistent random reports of either
 * format (tables that add up, prose that quotes them), optionally with injected errors, and the
 * three text layouts offices produce (pipe rows, tab-separated rows, one cell per line).
 */
import { FORMATS, type FormatId } from '../../src/reports/format.js';
import { emptyReport, type Report } from '../../src/reports/report.js';

/** A small seeded PRNG (mulberry32) so that corpora are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;
const int = (r: Rng, max: number) => Math.floor(r() * (max + 1));
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
/** Mostly zeros, sometimes small numbers: like real town and department reports. */
const small = (r: Rng, max = 5) => (r() < 0.6 ? 0 : int(r, max));

const PLACES = ['市中区', '永安镇', '高新区', '东城街道', '临河县', '青山乡', '南湖区', '西关街道', '北林县', '新华镇'];
const BODIES = ['人民政府', '政府', '发展和改革局', '教育局', '民政局', '自然资源局', '卫生健康委员会', '人民政府办公室', '街道办事处', '生态环境局'];

export function randomAgency(r: Rng): string {
  const p = pick(r, PLACES);
  const q = pick(r, PLACES.filter((x) => x !== p));
  return (r() < 0.4 ? q : '') + p + pick(r, BODIES);
}

const PROSE_1 = [
  '（一）主动公开情况',
  '一是健全组织网络，形成齐抓共管合力。按照上级部署，进一步规范政府信息公开分类，不断健全和完善政府信息公开目录。',
  '二是规范公开程序，确保信息真实准确。建立了政府信息公开审查程序，对公开的政务信息严格把关。',
  '（二）依申请公开情况',
  '（三）政府信息管理',
  '严格落实公开前保密审查，全年未发生泄密事件。',
  '（四）平台建设',
  '依托政府门户网站政府信息公开专栏，及时更新各类信息，方便群众查询。',
  '（五）监督保障',
  '将政务公开纳入年度考核，定期开展检查，督促各部门及时更新政务信息。',
];
const PROSE_5 = [
  '存在的主要问题：一是公开内容的全面性和时效性有待提高；二是工作人员业务水平有待加强。',
  '下一步，我们将加强队伍建设，定期开展业务培训，进一步提升政府信息公开工作水平。',
  '改进措施：规范做好重点工程进度、统计数据信息等的公开，及时回应社会关切。',
];

function prose1(r: Rng, rep: Report): string {
  const lines = PROSE_1.filter(() => r() < 0.8);
  const received = rep.applications['1']!.total ?? 0;
  lines.splice(
    Math.min(lines.length, 4),
    0,
    received === 0
      ? '本年度未收到政府信息公开申请。'
      : `本年度共收到政府信息公开申请${received}件，均已按时答复。`,
  );
  return lines.join('\n');
}

/**
 * A random report whose tables add up (T1–T4 hold) and whose prose quotes them, for a year that
 * matches the format.
 */
export function randomReport(r: Rng, format: FormatId = r() < 0.5 ? '2019' : '2021'): Report {
  const year = format === '2019' ? 2019 + int(r, 1) : 2021 + int(r, 4);
  const rep = emptyReport(format, randomAgency(r), year);
  const f = FORMATS[format];
  for (const b of f.proactive)
    for (const row of b.rows)
      for (const c of b.columns) {
        const v =
          c.kind === 'change'
            ? int(r, 6) - 3
            : c.kind === 'amount'
              ? { value: r() < 0.5 ? 0 : Math.round(r() * 5000000) / 100, unit: pick(r, ['元', '万元', null]) }
              : c.kind === 'amount_wan_yuan'
                ? Math.round(r() * 50000) / 100
                : small(r, 40);
        rep.proactive[row.id]![c.id] = v;
      }
  const applicant = ['natural_person', 'commercial', 'research', 'public_interest', 'legal_services', 'other'];
  const outcomes = f.applicationRows.filter((x) => x.outcome).map((x) => x.id);
  for (const col of applicant) {
    let closed = 0;
    for (const o of outcomes) {
      const v = col === 'natural_person' ? small(r, 8) : r() < 0.9 ? 0 : int(r, 2);
      rep.applications[o]![col] = v;
      closed += v;
    }
    const carriedIn = r() < 0.7 ? 0 : int(r, Math.min(closed, 3));
    const carriedOut = r() < 0.7 ? 0 : int(r, 3);
    rep.applications['2']![col] = carriedIn;
    rep.applications['3.7']![col] = closed;
    rep.applications['4']![col] = carriedOut;
    rep.applications['1']![col] = closed + carriedOut - carriedIn;
  }
  for (const row of f.applicationRows) {
    const cells = rep.applications[row.id]!;
    cells.total = applicant.reduce((s, c) => s + (cells[c] ?? 0), 0);
  }
  for (const g of f.reviewGroups) {
    const cells = rep.reviews[g.id]!;
    cells.upheld = small(r, 3);
    cells.corrected = small(r, 1);
    cells.other = small(r, 1);
    cells.pending = small(r, 2);
    cells.total = cells.upheld + cells.corrected + cells.other + cells.pending;
  }
  rep.sections['1'] = prose1(r, rep);
  rep.sections['5'] = PROSE_5.filter(() => r() < 0.8).join('\n') || PROSE_5[1]!;
  rep.sections['6'] =
    format === '2021' ? pick(r, ['本年度未收取信息处理费。', '无。本年度未发出收费通知，未收取信息处理费。']) : '无';
  return rep;
}

/** Injects one typical error: a blank cell, a wrong total, or a negative count. */
export function injectError(r: Rng, rep: Report): string {
  const kind = int(r, 2);
  if (kind === 0) {
    rep.proactive['enforcement']!['decisions'] = null;
    return 'C1';
  }
  if (kind === 1) {
    rep.applications['3.7']!.total = (rep.applications['3.7']!.total ?? 0) + 1 + int(r, 3);
    return 'T';
  }
  rep.reviews['reconsideration']!.upheld = -1;
  return 'C2';
}

export type TextLayout = 'pipe' | 'tab' | 'cells';

/**
 * Rewrites the official pipe layout (renderReportText's output) into another layout offices
 * produce: `tab` — tab-separated rows; `cells` — the seed's layout, one TAB-prefixed cell per line
 * and an empty line after each row.
 */
export function relayout(pipeText: string, layout: TextLayout): string {
  if (layout === 'pipe') return pipeText;
  const out: string[] = [];
  for (const line of pipeText.split('\n')) {
    if (!line.includes('|')) {
      out.push(line);
      continue;
    }
    const cells = line
      .replace(/^\s*\|/, '')
      .replace(/\|\s*$/, '')
      .split('|')
      .map((c) => c.trim());
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue; // markdown separator row
    if (layout === 'tab') out.push(cells.join('\t'));
    else {
      for (const c of cells) out.push(`\t${c}`);
      out.push('');
    }
  }
  return out.join('\n');
}
