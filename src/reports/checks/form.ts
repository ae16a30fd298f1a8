/**
 * Form checks (DOMAIN §4.5): F1 format matches the year, F2 six sections in order, F3 every row and
 * column present, F4 the title.
 */
import type { Finding } from '../finding.js';
import { FORMATS, PROSE_SECTION_IDS, SECTION_IDS, formatForYear, type FormatId, type SectionId } from '../format.js';
import type { HeadingNote } from '../parse-info.js';
import { SECTION_NUMERALS, finding, formatsOfLabel, type CheckContext } from './context.js';

const quoteAll = (xs: readonly string[], max = 5): string =>
  xs.slice(0, max).map((x) => `「${x}」`).join('') + (xs.length > max ? `等${xs.length}个标签` : '');

// ---------------------------------------------------------------------------------------------
// F1

/**
 * F1: the layout must be the one for the report year (2019 format for 2019–2020, 2021 format from
 * 2021); labels of both layouts in one document (info.foreignLabels) are also F1. A report without
 * a year is left to F4; a year before 2019 has no current national format and is an F1 error.
 */
export function checkF1(ctx: CheckContext): Finding[] {
  const { report, t, info } = ctx;
  const year = report.year;
  if (year === null) return [];
  const where = { section: null } as const;
  const expected = formatForYear(year);
  if (expected === null) {
    return [
      finding(
        'F1',
        where,
        `报告年度为${year}年：现行全国统一格式（国办公开办函〔2019〕60号、国办公开办函〔2021〕30号）只适用于2019年度起的报告，${year}年度没有适用的现行全国格式，无法按格式核查。请核对报告年度是否写错。`,
      ),
    ];
  }
  const foreign = info?.foreignLabels ?? [];
  const used: FormatId = report.format;
  if (expected !== used) {
    // Name the labels that give the layout away: those the importer saw, else the layout's own.
    const classified = foreign.map((l) => ({ l, fs: formatsOfLabel(l) }));
    const ofUsed = classified.filter((x) => x.fs.includes(used)).map((x) => x.l);
    const ofExpected = classified.filter((x) => x.fs.includes(expected) && !x.fs.includes(used)).map((x) => x.l);
    const evidence = ofUsed.length > 0 ? ofUsed : t.distinctiveLabels;
    const mixed = ofExpected.length > 0 ? `文中同时混有${expected}版的标签${quoteAll(ofExpected)}。` : '';
    return [
      finding(
        'F1',
        where,
        `${year}年度的报告应使用${expected}版格式（${FORMATS[expected].source}），但本报告的表格使用的是${used}版格式（${FORMATS[used].source}），例如${quoteAll(evidence, 4)}。${mixed}请按${expected}版格式重新制作第二、三、四部分的表格。`,
      ),
    ];
  }
  if (foreign.length > 0) {
    const other: FormatId = used === '2019' ? '2021' : '2019';
    const ofOther = foreign.every((l) => formatsOfLabel(l).includes(other));
    return [
      finding(
        'F1',
        where,
        `本报告使用${used}版格式，但文中混有${ofOther ? `${other}版` : '另一版'}格式的标签${quoteAll(foreign)}，两版格式不能混用。请统一改为${used}版格式（${FORMATS[used].source}）的规定标签。`,
      ),
    ];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// F2

const sectionName = (ctx: CheckContext, id: SectionId) => `第${SECTION_NUMERALS[id]}部分「${ctx.t.sectionLabel[id]}」`;

/**
 * F2: all six sections present, in order. From the headings the importer saw when there is a
 * document (missing, duplicated, out of order, misnumbered); for a JSON report only the prose
 * sections can be missing (null), as 二/三/四 are always there structurally.
 */
export function checkF2(ctx: CheckContext): Finding[] {
  const { t, doc } = ctx;
  const out: Finding[] = [];
  const at = (id: SectionId) => ({ section: id, labels: { section: t.sectionLabel[id] } });
  const missing = (id: SectionId, extra = '') => {
    ctx.missingSections.add(id);
    out.push(
      finding(
        'F2',
        at(id),
        `缺少${sectionName(ctx, id)}。年度报告须依次包含六个部分（《政府信息公开条例》第五十条）${extra}，请补上这一部分${id === '6' ? '（没有需要报告的事项时写“无”）' : ''}。`,
      ),
    );
  };
  if (!doc) {
    for (const id of PROSE_SECTION_IDS) if (ctx.report.sections[id] === null) missing(id);
    return out;
  }
  const byId = new Map<SectionId, HeadingNote[]>();
  for (const h of doc.headings) {
    const list = byId.get(h.section);
    if (list) list.push(h);
    else byId.set(h.section, [h]);
  }
  const trunc = doc.truncated ? `；文档在第${doc.truncated.line}行中断（${doc.truncated.message}）` : '';
  for (const id of SECTION_IDS) if (!byId.has(id)) missing(id, trunc);
  for (const id of SECTION_IDS) {
    const list = byId.get(id);
    if (list && list.length > 1)
      out.push(
        finding(
          'F2',
          at(id),
          `${sectionName(ctx, id)}的标题出现了${list.length}次（${list.map((h) => `第${h.line}行「${h.text}」`).join('、')}），每个部分只应出现一次。请删去重复的部分或改正标题。`,
        ),
      );
  }
  const firsts = [...byId.values()].map((l) => l[0]!).sort((a, b) => a.line - b.line);
  if (firsts.some((h, i) => i > 0 && h.section < firsts[i - 1]!.section)) {
    out.push(
      finding(
        'F2',
        { section: null },
        `六个部分应按一至六的顺序排列，本报告中的顺序为：${firsts.map((h) => SECTION_NUMERALS[h.section]).join('、')}（按出现先后）。请按规定顺序调整。`,
      ),
    );
  }
  for (const h of doc.headings) {
    if (h.numeral !== null && h.numeral !== SECTION_NUMERALS[h.section])
      out.push(
        finding(
          'F2',
          at(h.section),
          `第${h.line}行的标题「${h.text}」是${sectionName(ctx, h.section)}，编号却是“${h.numeral}”。请改为“${SECTION_NUMERALS[h.section]}、”。`,
        ),
      );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// F3

/**
 * F3: every row and column of tables 二/三/四 with the official labels, from what the importer
 * could not find. Local extra rows (info.extraRows) are allowed. A JSON report has its structure
 * enforced by validateReportJson, so without ParseInfo there is nothing to check.
 */
export function checkF3(ctx: CheckContext): Finding[] {
  const { t, info } = ctx;
  if (!info) return [];
  const out: Finding[] = [];
  for (const m of info.missingRows) {
    const label = t.rowLabel.get(`${m.section}|${m.row}`) ?? m.label;
    out.push(
      finding(
        'F3',
        { section: m.section, row: m.row, labels: { section: t.sectionLabel[m.section], row: label } },
        `第${SECTION_NUMERALS[m.section]}部分缺少「${label}」${m.section === '4' ? '一组' : '行'}（或其标签与规定不符，未能识别）。请按规定格式补上并填写数字，没有则填 0。`,
      ),
    );
  }
  for (const m of info.missingColumns) {
    const block = m.block ? t.format.proactive.find((b) => b.id === m.block) : undefined;
    const def =
      m.section === '2'
        ? block?.columns.find((c) => c.id === m.column)
        : (m.section === '3' ? t.format.applicationColumns : t.format.reviewColumns).find((c) => c.id === m.column);
    const label = def?.label ?? m.label;
    const where = block ? `第二部分「${block.label}」` : `第${SECTION_NUMERALS[m.section]}部分`;
    out.push(
      finding(
        'F3',
        { section: m.section, column: m.column, labels: { section: t.sectionLabel[m.section], column: label } },
        `${where}缺少「${label}」列（或其表头与规定不符，未能识别）。请按规定格式补上该列并填写数字，没有则填 0。`,
      ),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// F4

const TITLE_STRIP = /[\s\u00a0\u3000《》〈〉"'“”‘’「」『』]+/g;
const YEAR_ARABIC = /((?:19|20)\d{2})年度?/;
const YEAR_CHINESE = /([〇零一二三四五六七八九]{4})年度?/;
const CN_DIGIT: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
/**
 * The document type. 政府信息公开工作年度报告 is the statutory name (第五十条); the shorter
 * 政府信息公开年度报告 is widespread in practice and is accepted (leniency by decision).
 */
const DOC_OK = /政府信息公开(?:工作)?年度报告/;
/** Any other document type, to quote it back: 工作报告, 年度工作总结, 政务公开工作年度报告 … */
const DOC_ANY = /(?:政府信息公开|政务公开|信息公开|政府信息)?(?:工作)?(?:年度)?(?:工作)?(?:报告|总结)/;
const TITLE_PUNCT = /[()（）[\]【】,，.。:：;；、\-—_]+/g;
const GOV = /人民政府/g;
/** 关于印发…的通知, 关于…的: wrappers around the report's own title. */
const TITLE_WRAPPER_START = /^关于(?:印发|公布|发布)?/;
const TITLE_WRAPPER_END = /的?(?:通知|公告)?$/;

/** Normalizes an agency name for comparison: 镇政府 and 镇人民政府 are the same. */
function agencyKey(s: string): string {
  return s.normalize('NFKC').replace(TITLE_STRIP, '').replace(GOV, '政府');
}

/**
 * F4: the title names the agency and the year and calls the document 政府信息公开工作年度报告.
 * Accepted variants: 2020年度 or 2020年 (also 二〇二〇年), 镇政府 for 镇人民政府, 关于…的 and 关于印发…的通知 phrasings,
 * and 政府信息公开年度报告 without 工作. Without a document title (JSON), the report's own
 * agency and year must be known.
 */
export function checkF4(ctx: CheckContext): Finding[] {
  const { report, info } = ctx;
  const out: Finding[] = [];
  const where = { section: 'title' as const, labels: { section: '标题' } };
  const hasTitle = info !== null && info.title !== null;
  if (!hasTitle && ctx.doc) {
    out.push(finding('F4', where, '报告没有标题。请加上标题，写明机关名称、年度和“政府信息公开工作年度报告”，例如“××镇人民政府2020年政府信息公开工作年度报告”。'));
    return out;
  }
  if (!hasTitle) {
    if (report.agency === null)
      out.push(finding('F4', where, '报告未写明机关名称。请在标题中写明发布报告的机关（如“××镇人民政府”）。'));
    if (report.year === null) out.push(finding('F4', where, '报告未写明年度。请在标题中写明报告年度（如“2020年”）。'));
    return out;
  }
  const raw = info.title!;
  let rest = raw.normalize('NFKC').replace(TITLE_STRIP, '');
  // Document type
  const ok = DOC_OK.exec(rest);
  if (ok) rest = rest.slice(0, ok.index) + rest.slice(ok.index + ok[0].length);
  else {
    const any = DOC_ANY.exec(rest);
    if (any) rest = rest.slice(0, any.index) + rest.slice(any.index + any[0].length);
    out.push(
      finding(
        'F4',
        where,
        any
          ? `标题「${raw}」把文件称为「${any[0]}」，应称为“政府信息公开工作年度报告”（《政府信息公开条例》第五十条）。请改正标题。`
          : `标题「${raw}」中没有“政府信息公开工作年度报告”字样。请在标题中写明文件名称“政府信息公开工作年度报告”。`,
      ),
    );
  }
  // Year
  let titleYear: number | null = null;
  const ya = YEAR_ARABIC.exec(rest);
  const yc = ya ? null : YEAR_CHINESE.exec(rest);
  if (ya) titleYear = Number(ya[1]);
  else if (yc) titleYear = Number([...yc[1]!].map((c) => CN_DIGIT[c]).join(''));
  const ym = ya ?? yc;
  if (ym) rest = rest.slice(0, ym.index) + rest.slice(ym.index + ym[0].length);
  if (titleYear === null)
    out.push(finding('F4', where, `标题「${raw}」没有写明年度。请在标题中写明报告年度${report.year !== null ? `（${report.year}年）` : '（如“2020年”）'}。`));
  else if (report.year !== null && titleYear !== report.year)
    out.push(finding('F4', where, `标题「${raw}」写的是${titleYear}年，但报告年度为${report.year}年。请核对标题年度。`));
  // Agency: what is left once the year, the document type and 关于…的 are removed.
  const agency = rest.replace(TITLE_PUNCT, '').replace(TITLE_WRAPPER_START, '').replace(TITLE_WRAPPER_END, '');
  if (agency.length < 2)
    out.push(finding('F4', where, `标题「${raw}」没有写明机关名称。请在标题中写明发布报告的机关${report.agency ? `（${report.agency}）` : '（如“××镇人民政府”）'}。`));
  else if (report.agency !== null) {
    const a = agencyKey(report.agency);
    const b = agencyKey(agency);
    if (!a.includes(b) && !b.includes(a))
      out.push(finding('F4', where, `标题「${raw}」中的机关「${agency}」与报告机关「${report.agency}」不一致。请核对标题中的机关名称。`));
  }
  return out;
}
