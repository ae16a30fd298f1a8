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
@media (max-width:600px) { header.site a { margin-left:8px; } table { font-size:.875rem; } }
`;
