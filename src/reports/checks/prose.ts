/**
 * Prose checks (DOMAIN §4.5), all warnings: P1 numbers in the prose agree with the tables, P2
 * copying (from last year's report, or traces of another agency's or another year's text), P3
 * sections 五 and 六 say something.
 *
 * The prose checks are deliberately conservative: a phrasing that is not clearly one of the known
 * ones is ignored, because a false alarm on a correct report costs more trust than a miss.
 */
import type { Finding } from '../finding.js';
import { FORMATS, PROSE_SECTION_IDS, REVIEW_LITIGATION_LABEL, type FormatId, type ProseSectionId } from '../format.js';
import type { Report } from '../report.js';
import { SECTION_NUMERALS, TABLES, finding, fmt, type CheckContext } from './context.js';
import { parseNumeral } from './numerals.js';

const sectionName = (ctx: CheckContext, id: ProseSectionId) => `第${SECTION_NUMERALS[id]}部分「${ctx.t.sectionLabel[id]}」`;
const proseWhere = (ctx: CheckContext, id: ProseSectionId | null) => ({
  section: id,
  labels: { section: id ? ctx.t.sectionLabel[id] : null },
});

// ---------------------------------------------------------------------------------------------
// Sentences and clauses

const SENTENCE_END = '。；;！？!?\n';
const CLAUSE_END = '。；;！？!?\n，,：:';

function backTo(text: string, i: number, stops: string): number {
  for (let j = i - 1; j >= 0; j--) if (stops.includes(text[j]!)) return j + 1;
  return 0;
}
function forwardTo(text: string, i: number, stops: string): number {
  for (let j = i; j < text.length; j++) if (stops.includes(text[j]!)) return j;
  return text.length;
}

/** The clause that ends at `to` (or contains [from, to)), trimmed and shortened for quoting. */
function fragment(text: string, from: number, to: number): string {
  const s = text.slice(backTo(text, from, CLAUSE_END), to).trim();
  return s.length > 50 ? `…${s.slice(-50)}` : s;
}

/**
 * Whether the sentence prefix before a statement puts it in another year: the last time word
 * decides (上年 — also in 上年结转 —, 去年/往年/累计/以来 or a year other than the report's →
 * another period; 本年/今年/全年/当年 or the report's year → this year). No time word → this year.
 * So 上年结转1件，收到申请5件 is skipped, 上年结转1件，本年新收申请5件 is checked.
 */
const TIME_WORD =
  /上一?年度?|去年|前年|往年|历年|累计|以来|本年度?|今年|全年|当年|((?:19|20)\d{2})年/g;
function otherPeriod(prefix: string, year: number | null): boolean {
  let other = false;
  TIME_WORD.lastIndex = 0;
  for (let m = TIME_WORD.exec(prefix); m; m = TIME_WORD.exec(prefix)) {
    const w = m[0];
    if (m[1]) other = year === null || Number(m[1]) !== year;
    else other = !(w.startsWith('本年') || w === '今年' || w === '全年' || w === '当年');
  }
  return other;
}

// ---------------------------------------------------------------------------------------------
// P1: numbers in the prose against the tables

type TargetKey = 'row1' | 'row2' | 'r31' | 'r32' | 'r33' | 'r34' | 'r35' | 'r37' | 'row4' | 'recon' | 'litig';

interface Target {
  section: '3' | '4';
  row: string | null;
  column: string;
  rowLabel: string;
  columnLabel: string;
  cells: readonly { row: string; column: string }[];
  /** How the cell (or the sum) is named in messages. */
  desc: string;
}

function buildTargets(id: FormatId): Record<TargetKey, Target> {
  const f = FORMATS[id];
  const t = TABLES[id];
  const total = t.appColumnLabel['total']!;
  const one = (row: string): Target => ({
    section: '3',
    row,
    column: 'total',
    rowLabel: t.appRowLabel[row]!,
    columnLabel: total,
    cells: [{ row, column: 'total' }],
    desc: `第三部分「${t.appRowLabel[row]}」行「${total}」列`,
  });
  const group = (label: string): Target => {
    const rows = f.applicationRows.filter((r) => r.group === label);
    return {
      section: '3',
      row: null,
      column: 'total',
      rowLabel: label,
      columnLabel: total,
      cells: rows.map((r) => ({ row: r.id, column: 'total' })),
      desc: `第三部分「${label}」各项（「${rows[0]!.label}」至「${rows[rows.length - 1]!.label}」）「${total}」列之和`,
    };
  };
  const rTotal = t.reviewColumnLabel['total']!;
  return {
    row1: one('1'),
    row2: one('2'),
    r31: one('3.1'),
    r32: one('3.2'),
    r33: group('（三）不予公开'),
    r34: group('（四）无法提供'),
    r35: group('（五）不予处理'),
    r37: one('3.7'),
    row4: one('4'),
    recon: {
      section: '4',
      row: 'reconsideration',
      column: 'total',
      rowLabel: t.reviewGroupLabel['reconsideration']!,
      columnLabel: rTotal,
      cells: [{ row: 'reconsideration', column: 'total' }],
      desc: `第四部分「${t.reviewGroupLabel['reconsideration']}」的「${rTotal}」栏`,
    },
    litig: {
      section: '4',
      row: null,
      column: 'total',
      rowLabel: REVIEW_LITIGATION_LABEL,
      columnLabel: rTotal,
      cells: [
        { row: 'litigation_direct', column: 'total' },
        { row: 'litigation_after', column: 'total' },
      ],
      desc: `第四部分「${REVIEW_LITIGATION_LABEL}」中「${t.reviewGroupLabel['litigation_direct']}」与「${t.reviewGroupLabel['litigation_after']}」的「${rTotal}」栏之和`,
    },
  };
}

const TARGETS: Readonly<Record<FormatId, Record<TargetKey, Target>>> = { '2019': buildTargets('2019'), '2021': buildTargets('2021') };

function targetValue(r: Report, t: Target): number | null {
  const table = t.section === '3' ? r.applications : r.reviews;
  let s = 0;
  for (const c of t.cells) {
    const v = table[c.row]?.[c.column];
    if (typeof v !== 'number') return null;
    s += v;
  }
  return s;
}

/** A count in the prose: a number and a unit. Not after 数/几/第/每 … (数十件, 第一件, 每一件). */
const COUNT =
  /(?<![数几余多每逐统唯任同单第这那哪某各整])([0-9０-９]+|[零〇一二两三四五六七八九十百千]+)\s?(件|起|宗|例|个|份)/g;
/** What may follow a count for it to be exact and a count of cases (not 10余件, 5个工作日 …). */
const AFTER_COUNT_BAD = /^(?:以上|以下|左右|余|多|次|工作日|月|小时|百分点|部门|单位)/;
/** Application counts use these units (条 is for proactive items, never applications). */
const APPLICATION_UNITS = new Set(['件', '个', '份']);

const FILL = '(?:共计?|合计|总计|累计)?(?:为|有|是|达)?';
const CL = '[^，,。；;！？!?：:\\d０-９、]';
/** Words that must not occur between 收到 and 申请 for the phrase to be about new applications. */
const ROW1_FILLER_BAD = /复议|诉讼|投诉|举报|结转|上年|去年|办结|答复|处理|办理|转办|咨询/;

/** A review count qualified by its outcome (尚未审结的行政复议1件, 被纠错的行政诉讼1件): not the total. */
const OUTCOME_BEFORE = /(?:审结|审理|维持|纠正|纠错|撤销|败诉|胜诉|改变)的?$/;

interface Phrase {
  target: TargetKey;
  /** Matched against the text before the number; must end at the number. */
  re: RegExp;
  /** Matched against the text after the unit (reverse word order: 收到15件申请). */
  after?: RegExp;
  /** Skip when the sentence puts the statement in another year (all but 上年结转). */
  temporal: boolean;
  /** Table 三 targets: the paragraph must be about applications (mention 申请). */
  application: boolean;
  /** Extra guard on the match and the clause text before it; true = skip. */
  skip?: (m: RegExpExecArray, clauseBefore: string) => boolean;
}

const PHRASES: readonly Phrase[] = [
  {
    target: 'row2',
    re: new RegExp(`上一?年度?结转(?:的|下来的|至本年度?|到本年度?)?(?:政府信息公开)?(?:申请)?${FILL}$`),
    temporal: false,
    application: true,
  },
  {
    target: 'row4',
    re: new RegExp(`结转(?:至|到)?(?:下一?年度?|次年度?)(?:继续)?(?:办理)?(?:的)?(?:政府信息公开)?(?:申请)?${FILL}$`),
    temporal: true,
    application: true,
  },
  {
    target: 'row1',
    re: new RegExp(`(?<![未没无])(?:收到|新收|接收|受理)(?:了)?(${CL}{0,14}?)申请(?:数量?|总数|件数)?${FILL}$`),
    temporal: true,
    application: true,
    skip: (m) => ROW1_FILLER_BAD.test(m[1] ?? ''),
  },
  {
    target: 'row1',
    re: /(?<![未没无])(?:收到|新收|接收|受理)(?:了)?(?:共计?|合计)?$/,
    after: /^(?:的)?(?:政府信息公开|信息公开|依申请公开)?申请(?!人)/,
    temporal: true,
    application: true,
  },
  { target: 'r31', re: new RegExp(`(?<![分不动])予以公开(?:的)?(?:申请)?${FILL}$`), temporal: true, application: true },
  { target: 'r32', re: new RegExp(`部分(?:予以)?公开(?:的)?(?:申请)?${FILL}$`), temporal: true, application: true },
  { target: 'r33', re: new RegExp(`不予(?:以)?公开(?:的)?(?:申请)?${FILL}$`), temporal: true, application: true },
  { target: 'r34', re: new RegExp(`无法提供(?:的)?(?:申请)?${FILL}$`), temporal: true, application: true },
  { target: 'r35', re: new RegExp(`不予(?:以)?处理(?:的)?(?:申请)?${FILL}$`), temporal: true, application: true },
  {
    target: 'r37',
    re: new RegExp(`(?<![未])(?:办结|答复)(?:了)?(?:政府信息公开)?(?:申请)?${FILL}$`),
    temporal: true,
    application: true,
  },
  {
    target: 'recon',
    re: new RegExp(`行政复议(?:案件|案|申请)?${FILL}$`),
    temporal: true,
    application: false,
    // 行政诉讼、行政复议共2件: a combined count; 尚未审结的行政复议1件: one outcome only.
    skip: (_m, before) => /(?:诉讼|起诉)(?:和|、|及|与|或|以及)$/.test(before) || OUTCOME_BEFORE.test(before),
  },
  {
    target: 'litig',
    re: new RegExp(`行政诉讼(?:案件|案)?${FILL}$`),
    temporal: true,
    application: false,
    // 复议后提起行政诉讼 / 直接提起行政诉讼: one group only; 行政复议、行政诉讼共2件: combined.
    skip: (_m, before) => /复议|直接/.test(before) || OUTCOME_BEFORE.test(before),
  },
  {
    target: 'recon',
    re: /(?:发生|收到|涉及|出现|被提起|被申请|提起)(?:了)?(?:共计?)?$/,
    after: /^(?:的)?(?:政府信息公开)?(?:类|方面)?(?:的)?行政复议/,
    temporal: true,
    application: false,
  },
  {
    target: 'litig',
    re: /(?:发生|收到|涉及|出现|被提起|提起)(?:了)?(?:共计?)?$/,
    after: /^(?:的)?(?:政府信息公开)?(?:类|方面)?(?:的)?行政诉讼/,
    temporal: true,
    application: false,
    skip: (_m, before) => /复议|直接/.test(before),
  },
];

/** 未收到政府信息公开申请 / 没有收到申请 / 无政府信息公开申请 → row 1 total 0. */
const NEG_APPLICATION = new RegExp(
  `(?:(?:未|没有|没)(?:收到|接到|受理)(?:过|到)?(${CL}{0,14}?)|无(?:新收)?(?:的)?(?:政府信息公开|依申请公开))申请(?!人)`,
  'g',
);
/** 未发生…行政复议 / 没有…行政诉讼 / 无行政复议 → totals 0 (scope: to the end of the clause). */
const NEG_REVIEW = /(?:(?:未|没有|没)(?:发生|收到|接到|出现|产生|涉及|被提起|被申请|有)(?:过)?([^，,。；;！？!?：:\d０-９]{0,20}?)|(?<!尚)无(?:政府信息公开)?(?:类|方面)?(?:的)?)行政(?:复议|诉讼)/g;
/** Words that turn a negation into one about the outcome (未发生行政复议被纠错的情况): skip. */
const OUTCOME_WORDS = /纠错|纠正|败诉|撤销|违法|被改变|维持/;
/** A negation whose clause also gives a count is not a plain "none": skip it. */
const NUMBER_IN_SCOPE = /[0-9０-９]|[一二两三四五六七八九十][件起宗例个]/;
/** 均获维持 / 均维持 / 全部维持 / 都被维持 → every non-zero review group is all upheld. */
const ALL_UPHELD = /(?<![非未不没])(?:均|全部|都)(?:已)?(?:获|被|予以|予|得到|获得)?(?:依法)?维持/g;

interface ProseClaim {
  target: Target;
  key: string;
  stated: number;
  quote: string;
  section: ProseSectionId;
}

/**
 * P1 (warning): numbers and statements in sections 一, 五, 六 against the tables. Recognised
 * (Arabic or Chinese numerals, units 件/个/份, for reviews also 起/宗/例):
 *   收到/新收/接收/受理 …申请 X件 (and 收到X件…申请) → row 1 total; 上年结转 X件 → row 2 total;
 *   予以公开 X件 → 3.1; 部分公开 X件 → 3.2; 不予公开 / 无法提供 / 不予处理 X件 → sums of 3.3.* / 3.4.* / 3.5.*;
 *   办结/答复 X件 → 3.7; 结转下年度 X件 → row 4; 行政复议 X件/起 → reconsideration total;
 *   行政诉讼 X件/起 → litigation_direct + litigation_after totals;
 *   未收到/没有收到 …申请 → row 1 total 0; 未发生/没有/未收到 …行政复议/行政诉讼 → totals 0;
 *   均获维持/均维持/全部维持 → every group with a non-zero total has total = upheld.
 * Guards: the paragraph must mention 申请 and the sentence not 主动 for table-三 numbers; statements about another year
 * (上年, 去年, 累计, 以来, another year number) are skipped; approximate counts (10余件, 近10件) and
 * counts of other things (主动公开…条, 咨询) never match; combined counts (行政复议、行政诉讼共2件)
 * and single litigation groups (复议后提起行政诉讼) are skipped.
 * `expected` is the number stated in the prose, `actual` the table value.
 */
export function checkP1(ctx: CheckContext): Finding[] {
  const { report } = ctx;
  const targets = TARGETS[report.format];
  const claims: ProseClaim[] = [];
  const upheld: Finding[] = [];
  const seen = new Set<string>();
  for (const sid of PROSE_SECTION_IDS) {
    const text = report.sections[sid];
    if (!text) continue;
    collectCounts(text, sid, report.year, targets, claims);
    collectNegations(text, sid, report.year, targets, claims);
    upheld.push(...checkAllUpheld(ctx, text, sid));
  }
  const out: Finding[] = [];
  for (const c of claims) {
    const actual = targetValue(report, c.target);
    if (actual === null || actual === c.stated) continue;
    const key = `${c.key}|${c.stated}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const t = c.target;
    out.push(
      finding(
        'P1',
        {
          section: t.section,
          row: t.row,
          column: t.column,
          labels: { section: ctx.t.sectionLabel[t.section], row: t.rowLabel, column: t.columnLabel },
        },
        `${sectionName(ctx, c.section)}写「${c.quote}」，但${t.desc}为 ${fmt(actual)}。请核对正文与表格，改正有误的一方。`,
        { expected: c.stated, actual },
      ),
    );
  }
  return out.concat(upheld);
}

function collectCounts(
  text: string,
  sid: ProseSectionId,
  year: number | null,
  targets: Record<TargetKey, Target>,
  claims: ProseClaim[],
): void {
  COUNT.lastIndex = 0;
  for (let m = COUNT.exec(text); m; m = COUNT.exec(text)) {
    const numStart = m.index;
    const unitEnd = m.index + m[0].length;
    const unit = m[2]!;
    if (AFTER_COUNT_BAD.test(text.slice(unitEnd, unitEnd + 4))) continue;
    const stated = parseNumeral(m[1]!);
    if (stated === null) continue;
    const sentStart = backTo(text, numStart, SENTENCE_END);
    const winStart = Math.max(sentStart, numStart - 40);
    const window = text.slice(winStart, numStart);
    const after = text.slice(unitEnd, unitEnd + 20);
    let paragraph: string | null = null;
    for (const p of PHRASES) {
      if (p.application && !APPLICATION_UNITS.has(unit)) continue;
      const pm = p.re.exec(window);
      if (!pm) continue;
      if (p.after && !p.after.test(after)) continue;
      const phraseStart = winStart + pm.index;
      const clauseBefore = text.slice(backTo(text, phraseStart, CLAUSE_END), phraseStart);
      if (p.skip?.(pm, clauseBefore)) break;
      if (p.temporal && otherPeriod(text.slice(sentStart, phraseStart), year)) break;
      if (p.application) {
        paragraph ??= text.slice(backTo(text, numStart, '\n'), forwardTo(text, unitEnd, '\n'));
        if (!paragraph.includes('申请')) break;
        // 对重要事项予以公开36件 in a sentence about proactive disclosure: not an outcome row.
        if (text.slice(sentStart, unitEnd).includes('主动')) break;
      }
      let quoteEnd = unitEnd;
      if (p.after) quoteEnd += p.after.exec(after)![0].length;
      claims.push({ target: targets[p.target], key: p.target, stated, quote: fragment(text, phraseStart, quoteEnd), section: sid });
      break;
    }
  }
}

function collectNegations(
  text: string,
  sid: ProseSectionId,
  year: number | null,
  targets: Record<TargetKey, Target>,
  claims: ProseClaim[],
): void {
  if (!text.includes('未') && !text.includes('没') && !text.includes('无')) return;
  NEG_APPLICATION.lastIndex = 0;
  for (let m = NEG_APPLICATION.exec(text); m; m = NEG_APPLICATION.exec(text)) {
    if (ROW1_FILLER_BAD.test(m[1] ?? '')) continue;
    if (otherPeriod(text.slice(backTo(text, m.index, SENTENCE_END), m.index), year)) continue;
    const end = m.index + m[0].length;
    claims.push({ target: targets.row1, key: 'row1', stated: 0, quote: fragment(text, m.index, end), section: sid });
  }
  NEG_REVIEW.lastIndex = 0;
  for (let m = NEG_REVIEW.exec(text); m; m = NEG_REVIEW.exec(text)) {
    if (OUTCOME_WORDS.test(m[1] ?? '')) continue;
    const clauseEnd = forwardTo(text, m.index + m[0].length, CLAUSE_END);
    const scope = text.slice(m.index, clauseEnd);
    NEG_REVIEW.lastIndex = clauseEnd;
    if (OUTCOME_WORDS.test(scope) || NUMBER_IN_SCOPE.test(scope)) continue;
    if (otherPeriod(text.slice(backTo(text, m.index, SENTENCE_END), m.index), year)) continue;
    const quote = fragment(text, m.index, clauseEnd);
    if (scope.includes('复议')) claims.push({ target: targets.recon, key: 'recon', stated: 0, quote, section: sid });
    if (scope.includes('诉讼')) claims.push({ target: targets.litig, key: 'litig', stated: 0, quote, section: sid });
  }
}

function checkAllUpheld(ctx: CheckContext, text: string, sid: ProseSectionId): Finding[] {
  if (!text.includes('维持')) return [];
  const { report, t } = ctx;
  const out: Finding[] = [];
  ALL_UPHELD.lastIndex = 0;
  for (let m = ALL_UPHELD.exec(text); m; m = ALL_UPHELD.exec(text)) {
    const sentStart = backTo(text, m.index, SENTENCE_END);
    const sentEnd = forwardTo(text, m.index, SENTENCE_END);
    const sentence = text.slice(sentStart, sentEnd);
    const recon = /行政复议|复议(?!后)/.test(sentence);
    const litig = /诉讼|起诉/.test(sentence);
    if (!recon && !litig) continue;
    if (otherPeriod(text.slice(sentStart, m.index), report.year)) continue;
    const quoted = text.slice(sentStart, m.index + m[0].length).trim();
    const quote = quoted.length > 50 ? `…${quoted.slice(-50)}` : quoted;
    const groups = t.format.reviewGroups.filter((g) => (g.id === 'reconsideration' ? recon : litig));
    for (const g of groups) {
      const cells = report.reviews[g.id];
      const total = cells?.['total'];
      const up = cells?.['upheld'];
      if (typeof total !== 'number' || typeof up !== 'number' || total <= 0 || up === total) continue;
      out.push(
        finding(
          'P1',
          { section: '4', row: g.id, column: 'upheld', labels: { section: t.sectionLabel['4'], row: g.label, column: t.reviewColumnLabel['upheld'] } },
          `${sectionName(ctx, sid)}写「${quote}」，但第四部分「${g.label}」的「总计」为 ${fmt(total)}，「结果维持」为 ${fmt(up)}。请核对正文与表格，改正有误的一方。`,
          { expected: total, actual: up },
        ),
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// P2: copying

/**
 * Whether a UTF-16 code unit is text for comparing and counting (not white space, punctuation or
 * a symbol): ASCII letters and digits, and everything outside the punctuation blocks (CJK
 * symbols and punctuation, general punctuation, full-width forms' punctuation, Latin-1 signs).
 */
function isTextChar(c: number): boolean {
  if (c < 0x80) return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  if (c <= 0xbf) return false; // Latin-1 space and signs
  if (c >= 0x2000 && c <= 0x2bff) return false; // general punctuation, arrows, maths, box drawing …
  if (c >= 0x3000 && c <= 0x303f) return false; // CJK symbols and punctuation
  if (c >= 0xfe10 && c <= 0xfe6f) return false; // vertical, compatibility and small forms
  if (c >= 0xff00 && c <= 0xffef)
    return (c >= 0xff10 && c <= 0xff19) || (c >= 0xff21 && c <= 0xff3a) || (c >= 0xff41 && c <= 0xff5a); // full-width alnum
  return c !== 0xfeff;
}

/** Characters of a text without white space and punctuation. */
function textLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (isTextChar(s.charCodeAt(i))) n++;
  return n;
}

interface Profile {
  /** Character bigrams (punctuation and white space removed, every run of digits one symbol). */
  bigrams: Set<number>;
  /** Characters without punctuation and white space. */
  length: number;
}

function profile(text: string): Profile {
  const out = new Set<number>();
  let prev = -1;
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (!isTextChar(c)) continue;
    length++;
    if ((c >= 0x30 && c <= 0x39) || (c >= 0xff10 && c <= 0xff19)) {
      if (prev === 0x23) continue; // a run of digits counts once: 2019 and 2020 are alike
      c = 0x23;
    }
    if (prev >= 0) out.add(prev * 0x10000 + c);
    prev = c;
  }
  return { bigrams: out, length };
}

/**
 * Similarity of two prose texts in [0, 1]: the Jaccard index of their character-bigram sets, after
 * removing punctuation and white space and reading every number as the same symbol (so a copy with
 * only the year and the figures changed scores 1). 0 when either text has no bigram.
 */
export function proseSimilarity(a: string, b: string): number {
  return jaccard(profile(a).bigrams, profile(b).bigrams);
}

function jaccard(a: Set<number>, b: Set<number>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let inter = 0;
  for (const x of small) if (large.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/** P2(a): a section (or the whole prose) at or above this similarity to last year's is a finding. */
export const COPY_THRESHOLD = 0.9;
/** Shorter texts (in characters without punctuation) are not compared: 无 is 无 every year. */
export const COPY_MIN_CHARS = 50;

function union(ps: readonly Profile[]): Profile {
  const bigrams = new Set<number>();
  let length = 0;
  for (const p of ps) {
    for (const x of p.bigrams) bigrams.add(x);
    length += p.length;
  }
  return { bigrams, length };
}

function copiedFromPrevious(ctx: CheckContext, prev: Report): Finding[] {
  const out: Finding[] = [];
  const { report } = ctx;
  let eligible = 0;
  const cur: Profile[] = [];
  const old: Profile[] = [];
  for (const id of PROSE_SECTION_IDS) {
    const a = report.sections[id] ? profile(report.sections[id]) : null;
    const b = prev.sections[id] ? profile(prev.sections[id]) : null;
    if (a) cur.push(a);
    if (b) old.push(b);
    if (!a || !b || a.length < COPY_MIN_CHARS || b.length < COPY_MIN_CHARS) continue;
    eligible++;
    const sim = jaccard(a.bigrams, b.bigrams);
    if (sim < COPY_THRESHOLD) continue;
    out.push(
      finding(
        'P2',
        proseWhere(ctx, id),
        `${sectionName(ctx, id)}与${prev.year ?? '上一'}年度报告的同一部分${percent(sim)}，疑似照抄上一年度报告。请按本年度的实际情况重写。`,
      ),
    );
  }
  // The whole prose (the sections' bigrams together): only when it adds something, i.e. not every
  // compared section is already flagged.
  if (eligible === 0 || out.length < eligible) {
    const a = union(cur);
    const b = union(old);
    const sim = a.length >= COPY_MIN_CHARS && b.length >= COPY_MIN_CHARS ? jaccard(a.bigrams, b.bigrams) : 0;
    if (sim >= COPY_THRESHOLD)
      out.push(
        finding(
          'P2',
          proseWhere(ctx, null),
          `正文（第一、五、六部分合计）与${prev.year ?? '上一'}年度报告${percent(sim)}，疑似照抄上一年度报告。请按本年度的实际情况重写。`,
        ),
      );
  }
  return out;
}

function percent(sim: number): string {
  return sim >= 1 ? '完全相同（相似度 100%）' : `相似度为 ${Math.floor(sim * 100)}%`;
}

type AgencyKind = 'town' | 'township' | 'street' | 'department' | 'government';
const KIND_NAME: Record<AgencyKind, string> = { town: '镇', township: '乡', street: '街道', department: '部门', government: '政府' };

/** The kind of agency by the end of its name (市中区永安镇政府 → town). */
export function agencyKind(agency: string | null): AgencyKind | null {
  if (!agency) return null;
  const a = agency.replace(/\s+/g, '');
  if (/街道(?:办事处|办|党工委)?$/.test(a)) return 'street';
  if (/镇(?:人民政府|政府)?$/.test(a)) return 'town';
  if (/乡(?:人民政府|政府)?$/.test(a)) return 'township';
  if (/(?:局|委员会|委|办公室|办|厅|署|中心|所)$/.test(a)) return 'department';
  if (/(?:省|市|区|县|旗|州|盟)(?:人民政府|政府)$/.test(a)) return 'government';
  return null;
}

interface Trace {
  re: RegExp;
  /** Whose text the trace comes from. */
  of: string;
}

const T_TOWN: Trace = { re: /我镇|本镇|(?<![健完齐安保成周])全镇/g, of: '镇' };
const T_TOWNSHIP: Trace = { re: /我乡/g, of: '乡' };
const T_STREET_SELF: Trace = { re: /我街|本街道|全街道|街道办/g, of: '街道' };
const T_BUREAU: Trace = { re: /我局|本局/g, of: '部门' };
/** Bare 街道 in a town's text, except listings (镇（街道）, 乡镇街道) and physical streets (街道两旁, 街道卫生). */
const T_STREET_ANY: Trace = { re: /(?<![镇乡（(、/])街道(?!两旁|两侧|路面|卫生|保洁|清扫|硬化|绿化|亮化|整治|环境)/g, of: '街道' };

/**
 * Other agencies' self-references, by the report's agency kind. Deliberately narrow: a government
 * report may speak of its 街道办事处 and 镇, a department of 全市; only "we"-words (我/本/全) of
 * another level count, except that a town's text mentioning 街道 at all is a trace (the seed's
 * 结合街道实际情况).
 */
const TRACES: Record<AgencyKind, readonly Trace[]> = {
  town: [T_STREET_ANY, T_TOWNSHIP, T_BUREAU],
  township: [T_STREET_ANY, T_TOWN, T_BUREAU],
  street: [T_TOWN, T_TOWNSHIP, T_BUREAU],
  department: [{ re: /我镇|本镇|(?<![健完齐安保成周])全镇/g, of: '镇' }, T_TOWNSHIP, T_STREET_SELF],
  government: [{ re: /我镇|本镇/g, of: '镇' }, T_TOWNSHIP, { re: /我街|本街道/g, of: '街道' }],
};

/** A paragraph opening with another year as the reporting year: 2018年，我镇… */
const PARA_YEAR = /(?:^|\n)[ \t\u3000]*(?:[（(]?[一二三四五六七八九十\d]{1,2}[)）、.．][ \t\u3000]*)?((?:19|20)\d{2})年度?[，,]?[ \t\u3000]*(?:我|本|全)/g;
/** The statistics period or the announced reporting year: 统计期限自2018年… / 现将2018年度… */
const PERIOD_YEAR = /统计期限自?((?:19|20)\d{2})年|现将((?:19|20)\d{2})年度?/g;

function copyTraces(ctx: CheckContext): Finding[] {
  const { report } = ctx;
  const out: Finding[] = [];
  const kind = agencyKind(report.agency);
  const traces = kind ? TRACES[kind] : [];
  for (const id of PROSE_SECTION_IDS) {
    const text = report.sections[id];
    if (!text) continue;
    // Another agency's words
    for (const tr of traces) {
      tr.re.lastIndex = 0;
      const m = tr.re.exec(text);
      if (!m) continue;
      let n = 1;
      while (tr.re.exec(text)) n++;
      const end = forwardTo(text, m.index + m[0].length, CLAUSE_END);
      out.push(
        finding(
          'P2',
          proseWhere(ctx, id),
          `${sectionName(ctx, id)}写有「${fragment(text, m.index, end)}」${n > 1 ? `（本部分共 ${n} 处）` : ''}：本报告的机关「${report.agency}」是${KIND_NAME[kind!]}，正文却出现“${m[0]}”，疑似照抄自${tr.of === '部门' ? '其他部门' : `某${tr.of}`}的报告。请核对，改写为本机关的实际情况。`,
        ),
      );
      break; // one finding per section for another agency's words
    }
    // Another year's words
    const y = report.year;
    if (y === null) continue;
    let hit: { at: number; end: number; year: number } | null = null;
    PARA_YEAR.lastIndex = 0;
    for (let m = PARA_YEAR.exec(text); m && !hit; m = PARA_YEAR.exec(text)) {
      const yr = Number(m[1]);
      if (yr < y - 1 || yr > y + 1) hit = { at: m.index + m[0].indexOf(m[1]!), end: m.index + m[0].length, year: yr };
    }
    PERIOD_YEAR.lastIndex = 0;
    for (let m = PERIOD_YEAR.exec(text); m && !hit; m = PERIOD_YEAR.exec(text)) {
      const yr = Number(m[1] ?? m[2]);
      if (yr !== y) hit = { at: m.index, end: m.index + m[0].length, year: yr };
    }
    if (hit) {
      const end = forwardTo(text, hit.end, CLAUSE_END);
      out.push(
        finding(
          'P2',
          proseWhere(ctx, id),
          `${sectionName(ctx, id)}写「${fragment(text, hit.at, Math.max(end, hit.end))}」，把${hit.year}年当作报告年度，但本报告是${y}年度报告，疑似沿用了其他年度报告的文字。请核对年度和内容。`,
        ),
      );
    }
  }
  return out;
}

/**
 * P2 (warning): copying. (a) With last year's report: each prose section, and the whole prose,
 * with `proseSimilarity` ≥ 0.9 (texts of at least 50 characters). Runs whatever the previous
 * report's year. (b) Always, on the report alone: another agency kind's self-references (a town
 * writing 街道, a street writing 我镇 …) and a year other than the report's used as the reporting
 * year (a paragraph opening 2018年，我镇… outside year−1…year+1; 统计期限自/现将 another year).
 */
export function checkP2(ctx: CheckContext): Finding[] {
  const out = ctx.previous ? copiedFromPrevious(ctx, ctx.previous) : [];
  return out.concat(copyTraces(ctx));
}

// ---------------------------------------------------------------------------------------------
// P3

const CONTENT_NONE = /^(?:无|暂无|没有|无问题|无其他需要报告的事项|无其他事项)$/;
const IMPROVEMENT = /下一步|将|加强|改进|问题|不足|完善|提升|提高|整改/;
/** (verify) DOMAIN §4: the 2021 format's section 六 reports information-processing fees; the exact wording is unverified. */
const FEES = /信息处理费|处理费|收费|收取|费用/;
const MIN_SECTION5_CHARS = 30;

/**
 * P3 (warning): section 五 says something concrete (not empty, not just 无, at least 30
 * characters, some word of improvement); section 六 is not empty (无 must be written); in the 2021
 * format section 六 mentions the information-processing fee (信息处理费/收费/收取 …, 未收取 counts).
 * A section that F2 reports missing is not reported again.
 */
export function checkP3(ctx: CheckContext): Finding[] {
  const { report } = ctx;
  const out: Finding[] = [];
  if (!ctx.missingSections.has('5')) {
    const text = report.sections['5'] ?? '';
    const length = textLength(text);
    const name = sectionName(ctx, '5');
    let msg: string | null = null;
    if (length === 0) msg = `${name}没有内容。请写明本年度政府信息公开工作存在的主要问题和具体改进措施。`;
    else if (length <= 12 && CONTENT_NONE.test(text.replace(/[\s。.！!；;，,]+/g, '')))
      msg = `${name}只写了「${text.trim()}」。这一部分须写明存在的主要问题和改进情况，请具体说明。`;
    else if (length < MIN_SECTION5_CHARS)
      msg = `${name}内容过于简单（仅 ${length} 字：「${text.trim()}」）。请具体写明存在的主要问题和改进措施。`;
    else if (!IMPROVEMENT.test(text))
      msg = `${name}没有写到问题或改进措施（未见“问题”“不足”“下一步”“加强”“改进”等表述）。请写明存在的主要问题和具体改进措施。`;
    if (msg) out.push(finding('P3', proseWhere(ctx, '5'), msg));
  }
  if (!ctx.missingSections.has('6')) {
    const text = report.sections['6'] ?? '';
    const name = sectionName(ctx, '6');
    const fees = report.format === '2021';
    if (textLength(text) === 0)
      out.push(
        finding(
          'P3',
          proseWhere(ctx, '6'),
          `${name}是空白。没有需要报告的事项时，应明确写“无”${fees ? '；2021版格式还应在此报告信息处理费的收取情况（如“本年度未收取信息处理费”）' : ''}。`,
        ),
      );
    else if (fees && !FEES.test(text))
      out.push(
        finding(
          'P3',
          proseWhere(ctx, '6'),
          `${name}没有报告信息处理费的收取情况。2021版格式要求在此说明本年度收取信息处理费的情况，未收取的也应写明（如“本年度未收取信息处理费”）。`,
        ),
      );
  }
  return out;
}
