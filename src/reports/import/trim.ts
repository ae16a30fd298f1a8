/**
 * The report inside a page: a report published on a portal (and the PDF printed from such a page)
 * is surrounded by the site — navigation, 当前位置, 发布时间 and 字体 buttons above the title,
 * 打印本页 / 关闭窗口, related links, the footer with 版权所有 and the ICP number below section 六.
 * The text importer takes everything after heading 六 as that section and looks for the title in
 * the first lines only, so the HTML and PDF importers cut the text to the report first:
 *
 *  - before: the lines above the title (the last line naming a 报告 above heading 一, with the line
 *    before it when the title is broken over two lines). When the page has no title line, the
 *    page's own title (<title>, the PDF's document title) is put in front, if it names a 报告.
 *  - after: from the first line after the last section heading that is a site's boilerplate
 *    (版权所有, ICP备, 网站标识码, 主办单位, 打印本页, 上一篇 …).
 *
 * What was cut is said in the notes. A text with no section heading is left as it is (the text
 * importer then says it is no report).
 */
import type { SectionId } from '../format.js';
import { matchHeading } from '../text/headings.js';
import { parseTitle } from '../text/title.js';

const BOILERPLATE_RE =
  /版权所有|copyright|©|ICP[备证]|网站标识码|公网安备|主办单位|主办：|承办单位|承办：|技术支持|联系我们|网站地图|网站声明|隐私声明|打印本页|关闭窗口|【\s*打印\s*】|【\s*关闭\s*】|分享到|扫一扫|上一篇|下一篇|相关链接|相关文章|相关阅读|相关附件|责任编辑|浏览次数|访问次数|访问量|适老化|无障碍/i;

export interface TrimmedText {
  text: string;
  notes: string[];
}

/** Where the section headings are (the same walk as the text importer's). */
function headingLines(lines: readonly string[]): number[] {
  const out: number[] = [];
  const seen = new Set<SectionId>();
  let maxSeen = 0;
  for (let i = 0; i < lines.length; i++) {
    const m = matchHeading(lines[i]!, seen, maxSeen);
    if (!m) continue;
    seen.add(m.section);
    maxSeen = Math.max(maxSeen, Number(m.section));
    out.push(i);
    if (seen.size === 6) break;
  }
  return out;
}

function isTitleLine(t: string): boolean {
  if (t === '' || t.length > 80 || !t.includes('报告') || /[。；;]$/.test(t) || t.includes('|') || t.startsWith('\t')) return false;
  const p = parseTitle(t);
  return p.year !== null || p.yearBlank || t.includes('信息公开') || t.includes('年度报告');
}

/** A page's own title (<title>, document properties) reduced to the part naming the report, or null. */
export function pageTitle(raw: string | null | undefined): string | null {
  if (!raw) return null;
  for (const part of raw.split(/\s*[_|｜]\s*|\s+[-—–]+\s+/)) {
    const t = part.replace(/\s+/g, ' ').trim();
    if (isTitleLine(t)) return t;
  }
  return null;
}

/** Cuts a page's text to the report (see the file comment); `where` names the source in notes (网页, PDF). */
export function trimToReport(text: string, where: string, fallbackTitle: string | null = null): TrimmedText {
  const notes: string[] = [];
  let lines = text.split('\n');
  const heads = headingLines(lines);
  if (heads.length === 0) return { text, notes };

  // After: boilerplate after the last heading.
  const last = heads[heads.length - 1]!;
  for (let i = last + 1; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (t.length > 0 && t.length <= 120 && BOILERPLATE_RE.test(t)) {
      const cut = lines.slice(i).filter((l) => l.trim() !== '').length;
      notes.push(`${where}在报告正文之后的${cut}行（页脚、相关链接等）未读取`);
      lines = lines.slice(0, i);
      break;
    }
  }

  // Before: what is above the title.
  const first = heads[0]!;
  let title = -1;
  for (let i = first - 1; i >= 0 && i >= first - 60; i--) {
    if (isTitleLine(lines[i]!.trim())) {
      title = i;
      break;
    }
  }
  if (title >= 0) {
    let start = title;
    const t = lines[title]!.trim();
    const prev = title > 0 ? lines[title - 1]!.trim() : '';
    if (parseTitle(t).agency === null && prev !== '' && prev.length <= 40 && !/[:：。；|\t]/.test(prev) && !prev.includes('报告')) start = title - 1;
    const dropped = lines.slice(0, start).filter((l) => l.trim() !== '').length;
    if (dropped > 0) {
      notes.push(`${where}在报告标题之前的${dropped}行（导航、发布信息等）未读取`);
      lines = lines.slice(start);
    }
  } else {
    const fallback = pageTitle(fallbackTitle);
    if (fallback) {
      notes.push(`正文中没有找到报告标题，按${where}标题“${fallback}”读取`);
      lines = [fallback, ...lines];
    }
  }
  return { text: lines.join('\n'), notes };
}
