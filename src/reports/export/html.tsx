/**
 * The report as HTML: a complete document (the HTML export, and what Chromium prints as the PDF)
 * or a fragment for embedding in a portal page (the same article, no <html> around it).
 *
 * Accessible by construction: lang zh-CN; one title heading and one heading per section 一 … 六;
 * real tables named by their section heading (aria-labelledby), header cells as <th> with a scope,
 * merged exactly as the national format merges them (layout.ts), and every value cell naming all
 * its header cells (`headers`), since tables 三 and 四 have several header levels. A table sits in
 * a focusable scroll region so that a narrow screen can scroll it with the keyboard.
 *
 * Print (A4, the margins of GB/T 9704): rows are not split across pages, a heading stays with what
 * follows it. Table headers are deliberately not repeated on each page: a repeated header would
 * also repeat in the PDF's text layer, where 总计 and 其他 would then read as rows. Page numbers
 * cannot be made with CSS in Chromium; the PDF export prints them in page.pdf's footer.
 *
 * Every text goes through preact, which escapes it.
 */
import { Fragment, type JSX } from 'preact';
import { render } from 'preact-render-to-string';
import type { Report } from '../report.js';
import { reportLayout, type GridCell, type ProseSection, type ReportLayout, type ReportTable } from './layout.js';

/** Fonts of the official layout, each followed by what a machine without it has. */
export const REPORT_FONT_STACKS = {
  title: '"方正小标宋简体", "FZXiaoBiaoSong-B05S", "SimSun", "宋体", "Songti SC", "WenQuanYi Zen Hei", serif',
  heading: '"SimHei", "黑体", "Heiti SC", "WenQuanYi Zen Hei", sans-serif',
  body: '"FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong", "SimSun", "宋体", "WenQuanYi Zen Hei", serif',
  table: '"SimSun", "宋体", "Songti SC", "WenQuanYi Zen Hei", serif',
} as const;

/**
 * The report's stylesheet, every rule under `.gk-report` so that a portal page can include it as
 * it is. The HTML document embeds it; a fragment does only when asked (inlineStyle).
 */
export const REPORT_CSS = `
.gk-report { font-family: ${REPORT_FONT_STACKS.body}; font-size: 16pt; line-height: 1.75; color: #000; background: #fff; max-width: 46em; margin: 0 auto; padding: 1em; }
.gk-report .gk-title { font-family: ${REPORT_FONT_STACKS.title}; font-size: 22pt; font-weight: normal; line-height: 1.5; text-align: center; margin: 0 0 1em; }
.gk-report .gk-heading { font-family: ${REPORT_FONT_STACKS.heading}; font-size: 16pt; font-weight: normal; margin: 0.6em 0 0.3em; text-indent: 2em; }
.gk-report p { margin: 0; text-indent: 2em; text-align: justify; }
.gk-report p.gk-gap { min-height: 1.75em; }
.gk-report .gk-scroll { overflow-x: auto; margin: 0.4em 0 1em; }
.gk-report .gk-scroll:focus { outline: 2px solid #1a5fb4; outline-offset: 2px; }
.gk-report table { width: 100%; border-collapse: collapse; table-layout: fixed; font-family: ${REPORT_FONT_STACKS.table}; font-size: 10.5pt; line-height: 1.35; }
.gk-report table.gk-t4 { font-size: 9pt; }
.gk-report th, .gk-report td { border: 1px solid #000; padding: 2pt 3pt; vertical-align: middle; text-align: center; font-weight: normal; overflow-wrap: anywhere; }
.gk-report th.gk-label { text-align: left; }
.gk-report th.gk-block { font-weight: bold; }
@media screen and (max-width: 40em) { .gk-report { font-size: 13pt; padding: 0.5em; } .gk-report .gk-title { font-size: 17pt; } .gk-report table { min-width: 36em; } }
@media print {
  .gk-report { max-width: none; margin: 0; padding: 0; }
  .gk-report .gk-scroll { overflow: visible; }
  .gk-report thead { display: table-row-group; break-inside: avoid; break-after: avoid; }
  .gk-report tr { break-inside: avoid; }
  .gk-report table.gk-t2 tbody, .gk-report table.gk-t4 { break-inside: avoid; }
  .gk-report .gk-heading { break-after: avoid; }
}
`;

/** A4 with the margins of GB/T 9704 (37 / 26 / 35 / 28 mm): for the document and the PDF. */
const PAGE_CSS = `@page { size: A4; margin: 37mm 26mm 35mm 28mm; }\nhtml, body { margin: 0; background: #fff; }\n`;

export interface ReportHtmlOptions {
  /** The report alone (an <article>) for embedding in a page, instead of a complete document. */
  fragment?: boolean;
  /** Prefix of the element ids (default 'gk-report'); give each report on one page its own. */
  idPrefix?: string;
  /** Level of the title heading; sections are one below. Default 1 (document) or 2 (fragment). */
  headingLevel?: 1 | 2 | 3 | 4 | 5;
  /** A fragment with its stylesheet inside (<style>); by default the page provides REPORT_CSS. */
  inlineStyle?: boolean;
}

type HeadingTag = 'h1' | 'h2' | 'h3' | 'h4' | 'h5' | 'h6';

interface ArticleProps {
  layout: ReportLayout;
  idPrefix: string;
  headingLevel: number;
}

function Cell({ cell, idp }: { cell: GridCell; idp: (id: string) => string }) {
  const span = {
    ...(cell.colSpan > 1 ? { colspan: cell.colSpan } : {}),
    ...(cell.rowSpan > 1 ? { rowspan: cell.rowSpan } : {}),
  };
  if (cell.role === 'value') {
    return (
      <td {...span} headers={cell.headers.map(idp).join(' ')}>
        {cell.text}
      </td>
    );
  }
  const cls = cell.role === 'block' ? 'gk-block' : cell.role === 'row' || cell.role === 'group' ? 'gk-label' : undefined;
  return (
    <th {...span} id={cell.id ? idp(cell.id) : undefined} scope={cell.scope ?? undefined} class={cls}>
      {cell.text}
    </th>
  );
}

function Table({ table, labelledBy, idp }: { table: ReportTable; labelledBy: string; idp: (id: string) => string }) {
  const total = table.widths.reduce((a, b) => a + b, 0);
  const row = (r: ReportTable['rows'][number], i: number) => (
    <tr key={i}>
      {r.cells.map((c, j) => (
        <Cell key={j} cell={c} idp={idp} />
      ))}
    </tr>
  );
  // Table 二: one tbody per block (the block's name is its rowgroup header). Tables 三, 四: thead + tbody.
  const bodies: JSX.Element[] = [];
  if (table.blockStarts.length) {
    table.blockStarts.forEach((start, k) => {
      const end = table.blockStarts[k + 1] ?? table.rows.length;
      bodies.push(<tbody key={k}>{table.rows.slice(start, end).map((r, i) => row(r, start + i))}</tbody>);
    });
  } else {
    const head = table.rows.filter((r) => r.head);
    const body = table.rows.filter((r) => !r.head);
    if (head.length) bodies.push(<thead key="h">{head.map(row)}</thead>);
    bodies.push(<tbody key="b">{body.map((r, i) => row(r, head.length + i))}</tbody>);
  }
  return (
    <div class="gk-scroll" role="region" aria-labelledby={labelledBy} tabindex={0}>
      <table class={`gk-t${table.section}`} aria-labelledby={labelledBy}>
        <colgroup>
          {table.widths.map((w, i) => (
            <col key={i} style={`width:${((w / total) * 100).toFixed(2)}%`} />
          ))}
        </colgroup>
        {bodies}
      </table>
    </div>
  );
}

function Prose({ section }: { section: ProseSection }) {
  return (
    <>
      {section.lines.map((l, i) =>
        l === '' ? (
          <p key={i} class="gk-gap">
            {''}
          </p>
        ) : (
          <p key={i}>{l}</p>
        ),
      )}
    </>
  );
}

/** The report as an <article>: title, sections 一 … 六 with their prose and tables. */
export function ReportArticle({ layout, idPrefix, headingLevel }: ArticleProps) {
  const idp = (id: string) => `${idPrefix}-${id}`;
  const H = `h${headingLevel}` as HeadingTag;
  const H2 = `h${Math.min(headingLevel + 1, 6)}` as HeadingTag;
  const titleId = idp('title');
  return (
    <article class="gk-report" lang="zh-CN" aria-labelledby={titleId}>
      <H class="gk-title" id={titleId}>
        {layout.titleLines.map((l, i) => (
          <Fragment key={i}>
            {i > 0 ? <br /> : null}
            {l}
          </Fragment>
        ))}
      </H>
      {layout.parts.map((part) => {
        const id = part.kind === 'prose' ? part.section.id : part.table.section;
        const hid = idp(`s${id}`);
        const heading = part.kind === 'prose' ? part.section.heading : part.table.heading;
        return (
          <section key={id} aria-labelledby={hid}>
            <H2 class="gk-heading" id={hid}>
              {heading}
            </H2>
            {part.kind === 'prose' ? <Prose section={part.section} /> : <Table table={part.table} labelledBy={hid} idp={idp} />}
          </section>
        );
      })}
    </article>
  );
}

/**
 * The report as HTML (a complete document, or a fragment with `fragment: true`). Throws
 * ReportExportError when the report is not valid.
 */
export function renderReportHtml(report: Report, opts: ReportHtmlOptions = {}): string {
  return renderLayoutHtml(reportLayout(report), opts);
}

/** The same from a layout already made (the PDF export reuses the HTML document). */
export function renderLayoutHtml(layout: ReportLayout, opts: ReportHtmlOptions = {}): string {
  const idPrefix = (opts.idPrefix ?? 'gk-report').replace(/[^A-Za-z0-9_-]/g, '') || 'gk-report';
  const article = <ReportArticle layout={layout} idPrefix={idPrefix} headingLevel={opts.headingLevel ?? (opts.fragment ? 2 : 1)} />;
  if (opts.fragment) {
    if (!opts.inlineStyle) return render(article);
    return render(
      <>
        <style dangerouslySetInnerHTML={{ __html: REPORT_CSS }} />
        {article}
      </>,
    );
  }
  const doc = (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{layout.title}</title>
        {/* Our own constant stylesheet: not escaped (a <style> element's text is raw). */}
        <style dangerouslySetInnerHTML={{ __html: PAGE_CSS + REPORT_CSS }} />
      </head>
      <body>
        <main>{article}</main>
      </body>
    </html>
  );
  return `<!DOCTYPE html>\n${render(doc)}\n`;
}
