/**
 * Recognising the six section headings (第五十条) in a text report, by numeral and key words
 * (SectionDef.keys), with the small wording variants offices use.
 *
 * A line is a heading when, trimmed, it is short (≤ 40 characters before any ：), has no final
 * sentence punctuation, is not a table row, and either
 *   - its text without numbering is an official heading of either format (一、总体情况 …,
 *     五、存在的主要问题及改进情况 or 五、政府信息公开工作存在的主要问题及改进情况) — accepted even out
 *     of order (so that F2 can report the order), but without a numeral only in order; or
 *   - it starts with the section's own numeral (一 … 六 followed by 、 . ， ： or a space) and
 *     contains that section's key words, and comes after the headings already seen.
 * Never a heading: the row labels of table 三 (一、本年新收… 二、上年结转… 三、本年度办理结果
 * 四、结转下年度继续办理), prose sub-headings (（一）主动公开情况, 一是…, 1、…), a section seen before.
 */
import { FORMAT_2019, FORMAT_2021, labelCore, type SectionId } from '../format.js';
import { matchText } from './labels.js';

export interface HeadingMatch {
  section: SectionId;
  numeral: string | null;
  /** The heading as written (trimmed, without text after a ：). */
  text: string;
  /** Text after the heading on the same line (六、其他需要报告的事项：无 → 无), or ''. */
  rest: string;
}

const NUMBERING_RE = /^([一二三四五六七八九十]{1,2})(?:\s*[、.．,，:：]|\s+)\s*/;
const FINAL_PUNCTUATION_RE = /[。；;，,！!？?]$/;
const COLON_RE = /[:：]/;
/** Words of table-三 row labels that are numbered like headings. */
const NOT_HEADINGS = ['本年新收', '上年结转', '办理结果', '结转下年度'];

const SECTIONS = FORMAT_2021.sections;
/** Official heading texts without numbering (both formats) → section. */
const OFFICIAL = new Map<string, SectionId>();
for (const f of [FORMAT_2019, FORMAT_2021]) for (const s of f.sections) OFFICIAL.set(matchText(labelCore(s.label)), s.id);
const NUMERAL_CODES = new Set([...'一二三四五六七八九十'].map((c) => c.charCodeAt(0)));
/** First characters of the official headings without numbering (总体情况, 主动公开…, 收到…, 政府…, 存在…, 其他…). */
const OFFICIAL_FIRST_CODES = new Set([...OFFICIAL.keys()].map((k) => k.charCodeAt(0)));

/**
 * The heading a line holds, given the sections already seen (a section is recognised once) and
 * the highest section number seen so far.
 */
export function matchHeading(line: string, seen: ReadonlySet<SectionId>, maxSeen: number): HeadingMatch | null {
  // Cheap rejection first: most lines are prose or table cells.
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 0x20 || line.charCodeAt(i) === 0x3000 || line.charCodeAt(i) === 0x09 || line.charCodeAt(i) === 0x2002)) i++;
  if (i === line.length) return null;
  const first = line.charCodeAt(i);
  const numbered = NUMERAL_CODES.has(first);
  if (!numbered && (line.length - i > 30 || !OFFICIAL_FIRST_CODES.has(first))) return null;
  const t = line.trim();
  if (t.length === 0 || t.length > 80 || t.indexOf('|') !== -1 || t.indexOf('｜') !== -1 || t.indexOf('\t') !== -1) return null;
  const m = NUMBERING_RE.exec(t);
  const numeral = m ? m[1]! : null;
  let body = m ? t.slice(m[0].length) : t;
  let rest = '';
  const colon = body.search(COLON_RE);
  if (colon > 0) {
    rest = body.slice(colon + 1).trim();
    body = body.slice(0, colon).trim();
  }
  if (body.length < 2 || body.length > 40 || FINAL_PUNCTUATION_RE.test(body)) return null;
  const n = matchText(body);
  for (const w of NOT_HEADINGS) if (n.includes(w)) return null;
  const text = rest === '' ? t : t.slice(0, t.length - rest.length).replace(/[\s:：]+$/, '');
  const exact = OFFICIAL.get(n);
  if (exact) {
    if (seen.has(exact) || (numeral === null && Number(exact) <= maxSeen)) return null;
    return { section: exact, numeral, text, rest };
  }
  if (numeral === null) return null;
  for (const s of SECTIONS) {
    if (s.numeral !== numeral) continue;
    if (seen.has(s.id) || Number(s.id) <= maxSeen) return null;
    if (s.keys.some((keys) => keys.every((k) => n.includes(k)))) return { section: s.id, numeral, text, rest };
    return null;
  }
  return null;
}
