/** The stylesheet, served at /static/app.css (kept in code so that the build needs no copy step). */
export const APP_CSS = `
:root { --fg:#1a1a1a; --muted:#555; --bg:#fff; --line:#d0d7de; --brand:#a61b1b; --link:#0b57a4; --bad:#b00020; --ok:#116329; }
* { box-sizing: border-box; }
body { margin:0; font: 16px/1.6 "PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif; color:var(--fg); background:var(--bg); }
a { color:var(--link); }
a:focus, button:focus, input:focus, select:focus, textarea:focus { outline:3px solid #f2b600; outline-offset:2px; }
.wrap { max-width:1100px; margin:0 auto; padding:0 16px; }
.skip { position:absolute; left:-999px; } .skip:focus { left:8px; top:8px; background:#fff; padding:4px 8px; z-index:10; }
header.site { background:var(--brand); color:#fff; }
header.site .wrap { display:flex; flex-wrap:wrap; align-items:center; justify-content:space-between; gap:8px; padding:12px 16px; }
header.site a, header.site .who, header.site button.link { color:#fff; margin-left:16px; }
header.site .brand { font-size:1.25rem; font-weight:bold; margin-left:0; text-decoration:none; }
main { padding:24px 16px 48px; min-height:60vh; }
footer.site { border-top:1px solid var(--line); color:var(--muted); font-size:.875rem; padding:16px 0; }
h1 { font-size:1.5rem; } h2 { font-size:1.2rem; margin-top:2rem; }
table { border-collapse:collapse; width:100%; margin:1rem 0; }
th, td { border:1px solid var(--line); padding:6px 8px; text-align:left; vertical-align:top; }
th { background:#f6f8fa; }
.overdue, .error { color:var(--bad); } .ok { color:var(--ok); }
form.stack label { display:block; margin-top:12px; font-weight:bold; }
form.stack input, form.stack select, form.stack textarea { width:100%; max-width:36rem; padding:8px; font:inherit; border:1px solid #8c959f; border-radius:4px; }
form.stack .hint { color:var(--muted); font-size:.875rem; margin:2px 0; }
form.stack .field-error { color:var(--bad); font-size:.875rem; margin:2px 0; }
button { font:inherit; padding:8px 16px; border:1px solid var(--brand); background:var(--brand); color:#fff; border-radius:4px; cursor:pointer; margin-top:16px; }
button.link { background:none; border:none; padding:0; margin:0; text-decoration:underline; cursor:pointer; }
form.inline { display:inline; }
.card { border:1px solid var(--line); border-radius:6px; padding:12px 16px; margin:12px 0; }
dl.meta { display:grid; grid-template-columns:max-content 1fr; gap:4px 16px; } dl.meta dt { color:var(--muted); }
/* application desk (back office) */
.muted { color:var(--muted); } .small { font-size:.875rem; } .warning { color:#7a4d00; }
a.button { display:inline-block; padding:8px 16px; background:var(--brand); color:#fff; border-radius:4px; text-decoration:none; }
.actions-bar { display:flex; flex-wrap:wrap; gap:12px 24px; align-items:center; }
form.filters { display:flex; flex-wrap:wrap; gap:8px 16px; align-items:flex-end; border:1px solid var(--line); border-radius:6px; padding:8px 16px 16px; margin:16px 0; }
form.filters .field { min-width:12rem; } form.filters label { display:block; font-weight:bold; }
form.filters .check label { display:inline; } form.filters .error-summary { flex-basis:100%; }
form.filters input, form.filters select { padding:6px; font:inherit; border:1px solid #8c959f; border-radius:4px; max-width:100%; }
form.filters .buttons button { margin-top:0; }
.table-wrap { overflow-x:auto; } .table-wrap:focus { outline:3px solid #f2b600; outline-offset:2px; }
tr.overdue th, tr.overdue td { color:var(--bad); background:#fff5f5; }
tr.due-soon th, tr.due-soon td { background:#fffbe6; }
.badge { display:inline-block; padding:0 6px; border:1px solid currentColor; border-radius:4px; font-size:.8rem; }
.badge-overdue { color:var(--bad); } .badge-soon { color:#7a4d00; }
.status.overdue { color:var(--bad); } .status.due-soon { color:#7a4d00; }
.flash { border:2px solid var(--ok); border-radius:6px; padding:8px 16px; margin:12px 0; background:#f0fff4; }
form.stack .check label { display:inline; } form.stack .check input { width:auto; }
.card.action.disabled { background:#f6f8fa; color:var(--muted); }
.card.action.active, .card.unsaved { border:2px solid var(--brand); }
dl.clocks dt { font-weight:bold; margin-top:12px; } dl.clocks dd { margin-left:0; } .explain { margin:4px 0; }
.pre { white-space:pre-wrap; overflow-wrap:anywhere; }
nav.pager { display:flex; gap:16px; align-items:center; }
nav.page-nav { display:flex; flex-wrap:wrap; gap:4px 16px; font-size:.875rem; margin-bottom:8px; }
.action-list { display:grid; grid-template-columns:repeat(auto-fill, minmax(min(100%, 24rem), 1fr)); gap:0 16px; align-items:start; }
table.timeline { min-width:40rem; } table.reviews { min-width:36rem; }
.crumbs { font-size:.875rem; margin:0; }
@media (max-width:600px) {
  dl.meta { grid-template-columns:1fr; } dl.meta dd { margin-left:0; } form.filters .field { min-width:100%; }
  table.queue thead { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); }
  table.queue, table.queue tbody, table.queue tr, table.queue th, table.queue td { display:block; }
  table.queue tr { border:1px solid var(--line); border-radius:6px; margin:0 0 12px; }
  table.queue th, table.queue td { border:none; padding:4px 8px; }
  table.queue td::before { content:attr(data-label) "："; color:var(--muted); }
}
@media (max-width:600px) { header.site a { margin-left:8px; } table { font-size:.875rem; } }
/* public desk: forms, error summary, receipt, case view */
.visually-hidden { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; }
.notice { background:#f6f8fa; border-left:4px solid var(--line); padding:8px 16px; margin:16px 0; }
.error-summary { border:3px solid var(--bad); padding:8px 16px; margin:16px 0; }
.error-summary h2 { margin-top:0; color:var(--bad); font-size:1.1rem; }
.error-summary a { color:var(--bad); font-weight:bold; }
form.stack fieldset { border:none; padding:0; margin:0; min-width:0; }
form.stack fieldset.section { border-top:1px solid var(--line); padding-top:8px; margin-top:24px; }
form.stack fieldset.section > legend { font-size:1.15rem; font-weight:bold; padding:0; }
form.stack .field { margin-top:12px; }
form.stack .field.has-error { border-left:4px solid var(--bad); padding-left:12px; }
form.stack .field.has-error input, form.stack .field.has-error select, form.stack .field.has-error textarea { border:2px solid var(--bad); }
form.stack fieldset.radios > legend { font-weight:bold; padding:0; }
form.stack fieldset.subgroup { margin:6px 0 0 0; padding-left:12px; border-left:2px solid var(--line); }
form.stack fieldset.subgroup > legend { color:var(--muted); font-size:.95rem; padding:0; }
form.stack .radio { display:flex; align-items:center; gap:8px; margin:4px 0; }
form.stack .radio input { width:auto; min-width:20px; min-height:20px; margin:0; }
form.stack .radio label { display:inline; margin:0; font-weight:normal; }
form.stack input.short { max-width:16rem; }
form.stack .req, form.stack .opt { font-weight:normal; color:var(--muted); font-size:.875rem; }
.code { font-family:"SFMono-Regular",Consolas,"Liberation Mono",monospace; font-size:1.3rem; letter-spacing:.05em; }
.receipt { border-width:2px; }
.warn { background:#fff8c5; padding:8px 12px; border-radius:4px; }
.estimated, .muted { color:var(--muted); }
ol.letters { list-style:none; padding:0; } ol.letters h3 { font-size:1rem; margin:0 0 4px; }
ul.action-links { list-style:none; padding:0; display:flex; flex-wrap:wrap; gap:12px; }
ul.action-links li { border:1px solid var(--line); border-radius:6px; padding:12px 16px; flex:1 1 16rem; }
ul.action-links a { font-size:1.15rem; font-weight:bold; display:block; }
@media (max-width:600px) { dl.meta { grid-template-columns:1fr; gap:0; } dl.meta dd { margin:0 0 8px; } form.stack > button[type=submit] { width:100%; } }
/* catalogue (back office) */
ul.files { padding-left:1.2rem; } ul.files li { margin:4px 0; overflow-wrap:anywhere; }
ul.files button.link { margin-left:8px; color:var(--bad); }
button.secondary { background:#fff; color:var(--brand); }
form.card.active { border:2px solid var(--brand); }
tr.returned th, tr.returned td { background:#fffbe6; }
table.catalogue-reviews { min-width:48rem; } table.catalogue-reviews td:nth-child(1), table.catalogue-reviews td:nth-child(4), table.catalogue-reviews td:nth-child(5) { white-space:nowrap; }
form.stack .buttons button { margin-right:8px; }
/* public column (政府信息公开专栏) */
header.site nav a { display:inline-block; white-space:nowrap; }
nav.crumbs ol { list-style:none; padding:0; margin:0 0 8px; display:flex; flex-wrap:wrap; font-size:.875rem; }
nav.crumbs li + li::before { content:"›"; color:var(--muted); padding:0 6px; }
nav.column-nav ul { list-style:none; padding:0; margin:8px 0 16px; display:flex; flex-wrap:wrap; gap:4px; border-bottom:2px solid var(--brand); }
nav.column-nav a { display:block; padding:6px 12px; text-decoration:none; border-radius:4px 4px 0 0; }
nav.column-nav a[aria-current=page] { background:var(--brand); color:#fff; font-weight:bold; }
form.search-box { margin:16px 0; } form.search-box label { display:block; font-weight:bold; }
.search-row { display:flex; gap:8px; max-width:36rem; }
.search-row input { flex:1; min-width:0; padding:8px; font:inherit; border:1px solid #8c959f; border-radius:4px; }
.search-row button { margin-top:0; }
ul.column-tree { padding-left:1.2rem; } ul.column-tree li { margin:4px 0; }
.column-grid { display:grid; grid-template-columns:repeat(auto-fit, minmax(min(100%, 20rem), 1fr)); gap:0 24px; }
ul.category-list { list-style:none; padding:0; display:grid; grid-template-columns:repeat(auto-fill, minmax(min(100%, 22rem), 1fr)); gap:0 24px; }
ul.category-list li { display:flex; justify-content:space-between; gap:8px; padding:6px 0; border-bottom:1px dotted var(--line); }
ul.category-list .count { color:var(--muted); white-space:nowrap; }
ol.doc-list { list-style:none; padding:0; } ol.doc-list li { padding:10px 0; border-bottom:1px solid var(--line); }
a.doc-title { font-size:1.05rem; overflow-wrap:anywhere; }
p.doc-meta { margin:4px 0 0; color:var(--muted); font-size:.875rem; display:flex; flex-wrap:wrap; gap:2px 16px; overflow-wrap:anywhere; }
table.meta-table th { width:8rem; white-space:nowrap; } table.meta-table td { overflow-wrap:anywhere; }
.item-body { border-top:1px solid var(--line); padding-top:8px; line-height:1.9; }
.missing { color:#7a4d00; } .code-inline { font-family:"SFMono-Regular",Consolas,"Liberation Mono",monospace; overflow-wrap:anywhere; }
ol.law-categories li { margin:2px 0; }
table.history td:first-child { white-space:nowrap; }
@media (max-width:600px) {
  table.meta-table, table.meta-table tbody, table.meta-table tr, table.meta-table th, table.meta-table td { display:block; width:auto; }
  table.meta-table tr { border-bottom:1px solid var(--line); padding:4px 0; }
  table.meta-table th, table.meta-table td { border:none; padding:2px 4px; background:none; }
  table.meta-table th { color:var(--muted); font-size:.875rem; font-weight:normal; }
  nav.column-nav a { padding:6px 8px; }
}
`;
