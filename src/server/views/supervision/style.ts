/**
 * The stylesheet of the supervision pages (/static/supervision.css, linked from those pages only:
 * the app's CSP allows no inline style).
 */
export const SUPERVISION_CSS_URL = '/static/supervision.css';

export const SUPERVISION_CSS = `
ul.totals { list-style:none; padding:0; display:flex; flex-wrap:wrap; gap:.5em 1.5em; }
ul.totals li { margin:0; }
table.supervision { min-width:60rem; font-size:.9375rem; }
table.supervision td.num { text-align:right; white-space:nowrap; }
table.supervision th a { text-decoration:none; }
table.supervision th[aria-sort] a { text-decoration:underline; }
table.supervision tr.problem th[scope=row] { border-left:4px solid var(--bad); }
table.supervision .kind { color:var(--muted); font-size:.8125rem; font-weight:normal; margin-left:.4em; }
table.supervision .na { color:var(--muted); }
table.supervision th.lvl-1 { padding-left:1.5em; } table.supervision th.lvl-2 { padding-left:2.75em; }
table.supervision th.lvl-3 { padding-left:4em; } table.supervision th.lvl-4, table.supervision th.lvl-5 { padding-left:5.25em; }
figure.chart { margin:1rem 0 2rem; max-width:48rem; }
figure.chart svg { display:block; border:1px solid var(--line); background:#fff; }
figure.chart figcaption { margin:.4em 0; display:flex; flex-wrap:wrap; gap:.5em 1.5em; align-items:center; }
.legend { display:inline-flex; gap:.4em; align-items:center; }
.swatch { display:inline-block; width:1em; height:1em; border:1px solid #57606a; margin-left:.8em; }
.swatch.s1 { background:#1a5fb4; }
.swatch.s2 { background:repeating-linear-gradient(45deg, #b00020 0 3px, #fbe3e6 3px 6px); }
details.chart-data table { max-width:30rem; }
table.runs { min-width:40rem; }
`;
