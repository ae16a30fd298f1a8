/**
 * The stylesheet of the annual-report pages (/static/reports.css, linked from those pages only):
 * the report's own stylesheet (export/html.tsx REPORT_CSS, every rule under .gk-report) adapted
 * to a page — the app's CSP allows no inline style, so the column widths the export writes inline
 * are not applied and the tables lay themselves out — and the back office's editor (last year's
 * text beside each section), findings and sources.
 */
import { REPORT_CSS } from '../../../reports/export/index.js';

const PAGE_CSS = `
.report-embed .gk-report { font-size: 1rem; line-height: 1.8; max-width: none; padding: 0; margin: 1em 0; }
.report-embed .gk-report .gk-title { font-size: 1.6rem; }
.report-embed .gk-report .gk-heading { font-size: 1.15rem; text-indent: 0; }
.report-embed .gk-report table { table-layout: auto; font-size: 0.9rem; }
.report-embed .gk-report table.gk-t4 { font-size: 0.8rem; }
.report-meta { margin: 0.5em 0 1em; }
ul.downloads { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5em 1.5em; }
ul.downloads li { margin: 0; }
.prose-pair { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1em; align-items: start; margin-bottom: 1em; }
.prose-pair textarea { width: 100%; box-sizing: border-box; }
.prose-pair .previous { border-left: 3px solid #bbb; padding: 0 0 0 0.8em; max-height: 24em; overflow-y: auto; }
.prose-pair .previous h4 { margin: 0 0 0.3em; font-size: 0.95rem; }
.fee-note { border-left: 3px solid #1a5fb4; padding: 0.3em 0.8em; background: #f0f5fb; }
ul.findings { padding-left: 0; list-style: none; }
ul.findings li { border-left: 4px solid #b7791f; padding: 0.3em 0.6em; margin: 0.3em 0; background: #fffaf0; }
ul.findings li.error { border-left-color: #b00020; background: #fff5f5; color: inherit; }
ul.findings .rule { font-family: monospace; font-weight: bold; margin-right: 0.5em; }
table.entries input[type=text] { width: 8em; }
table.entries input.note { width: 100%; min-width: 12em; box-sizing: border-box; }
table.entries td, table.entries th { vertical-align: top; }
.sources details { margin: 0.4em 0; }
.sources summary { cursor: pointer; font-weight: bold; }
@media (max-width: 700px) { .prose-pair { grid-template-columns: 1fr; } }
`;

export const REPORT_PAGES_CSS = `${REPORT_CSS}\n${PAGE_CSS}`;

/** Where the pages find it. */
export const REPORT_PAGES_CSS_URL = '/static/reports.css';
