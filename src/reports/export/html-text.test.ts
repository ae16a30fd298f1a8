import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReportText } from '../text/parse.js';
import { decodeEntities, htmlToText, parseAttributes } from './html-text.js';

describe('htmlToText', () => {
  it('puts blocks on lines of their own and collapses ASCII white space only', () => {
    const html = '<h1>标题</h1>\n<p>  第一段\n  文字，<b>加粗</b>  和 <i>倾斜</i>。</p><div><p>第二段</p></div><p>\u3000\u3000缩进段</p>';
    assert.equal(htmlToText(html), '标题\n第一段 文字，加粗 和 倾斜。\n第二段\n\u3000\u3000缩进段\n');
  });

  it('writes every table cell on its own TAB-prefixed line, an empty line after each row, a merged cell once', () => {
    const html = `<p>前文</p><table><thead><tr><th colspan="2">合并</th></tr></thead>
      <tbody><tr><th rowspan="2">行</th><td>1</td></tr><tr><td></td></tr></tbody></table><p>后文</p>`;
    assert.equal(htmlToText(html), '前文\n\t合并\n\n\t行\n\t1\n\n\t\n\n后文\n');
  });

  it('joins the paragraphs of one cell (no space between Chinese, one between Latin words)', () => {
    assert.equal(htmlToText('<table><tr><td><p>本年新</p><p>制作数量</p></td><td><p>Page</p><p>one</p></td></tr></table>'), '\t本年新制作数量\n\tPage one\n');
  });

  it('ends cells and rows the way HTML does when their end tags are missing', () => {
    assert.equal(htmlToText('<table><tr><td>a<td>b<tr><td>c</table>x'), '\ta\n\tb\n\n\tc\n\nx\n');
  });

  it('flattens a table inside a cell into that cell', () => {
    assert.equal(htmlToText('<table><tr><td>外<table><tr><td>内1</td><td>内2</td></tr></table></td><td>9</td></tr></table>'), '\t外内1内2\n\t9\n');
  });

  it('writes a layout table (one holding a table of rows, at any depth) as the flow of its cells', () => {
    const report = '<table><tr><td>规章</td><td>0</td></tr><tr><td>行政许可</td><td></td></tr></table>';
    const page = `<table><tr><td><ul><li>首页</li></ul></td><td><h1>标题</h1><p>正文</p>${report}<p>尾</p></td></tr></table>`;
    const expected = '首页\n标题\n正文\n\t规章\n\t0\n\n\t行政许可\n\t\n\n尾\n';
    assert.equal(htmlToText(page), expected);
    // A layout table inside a layout table.
    assert.equal(htmlToText(`<table><tr><td>${page}</td></tr><tr><td>页脚</td></tr></table>`), `${expected}页脚\n`);
  });

  it('leaves out <nav> and role="navigation"', () => {
    assert.equal(htmlToText('<nav><a>首页</a></nav><div role="navigation"><a>政务公开</a></div><div role="main"><p>正文</p></div>'), '正文\n');
  });

  it('keeps an empty paragraph and a second <br> as an empty line', () => {
    assert.equal(htmlToText('<p>甲</p><p></p><p>乙</p><p>丙<br>丁<br><br>戊</p>'), '甲\n\n乙\n丙\n丁\n\n戊\n');
    // Runs of empty lines collapse to one; none at the start or the end.
    assert.equal(htmlToText('<p></p><p></p><p>甲</p><p></p><p></p><p>乙</p><p></p>'), '甲\n\n乙\n');
  });

  it('leaves out what a browser does not show', () => {
    const html = `<!DOCTYPE html><html><head><title>不要</title><style>p{color:red}</style><meta charset="utf-8"></head>
      <body><!-- 注释 <p>不要</p> --><script>var s = "<p>不要</p>";</script><template><p>不要</p></template>
      <div hidden><div>不要</div><p>不要</p></div><p style="color:red; display: none">不要</p><p class="hidden">要</p>
      <noscript>不要</noscript><p title="a>b">正文</p></body></html>`;
    assert.equal(htmlToText(html), '要\n正文\n');
  });

  it('treats a <head> without its end tag as ending where <body> starts', () => {
    assert.equal(htmlToText('<html><head><title>题</title><body><p>正文</p>'), '正文\n');
  });

  it('keeps the white space of <pre> and the text of <textarea>', () => {
    assert.equal(htmlToText('<pre>a  b\n  c</pre><textarea>x <p>y</p></textarea>'), 'a  b\n  c\nx <p>y</p>\n');
  });

  it('decodes character references', () => {
    assert.equal(decodeEntities('&lt;&amp;&gt; &#20013;&#x6587; &nbsp;&ldquo;三安全一稳定&rdquo; &unknown; &amp'), '<&> 中文 \u00a0“三安全一稳定” &unknown; &');
    assert.equal(decodeEntities('&#0;&#xD800;&#x110000;'), '\ufffd\ufffd\ufffd');
    assert.equal(htmlToText('<p>a &lt;b&gt; c</p><p>1 < 2</p>'), 'a <b> c\n1 < 2\n');
  });

  it('reads attributes with and without quotes', () => {
    const a = parseAttributes(` colspan=3 ROWSPAN="2" data-x='a "b"' hidden title="&amp;"`);
    assert.deepEqual([...a], [
      ['colspan', '3'],
      ['rowspan', '2'],
      ['data-x', 'a "b"'],
      ['hidden', ''],
      ['title', '&'],
    ]);
  });

  it('gives what the text importer reads: a report page as offices publish it (Word-made HTML)', () => {
    const html = `<html><body><p align=center><b>XX县民政局2021年度政府信息公开工作年度报告</b></p>
      <p>一、总体情况</p><p>&nbsp;&nbsp;本年度未收到政府信息公开申请。</p><p>二、主动公开政府信息情况</p>
      <table border=1><tr><td colspan=4><p>第二十条第（一）项</p></td></tr>
      <tr><td><p>信息内容</p></td><td><p>本年制发</p><p>件数</p></td><td>本年废止件数</td><td>现行有效件数</td></tr>
      <tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr>
      <tr><td>行政规范性文件</td><td>2</td><td></td><td>15</td></tr></table></body></html>`;
    const { report, info } = parseReportText(htmlToText(html));
    assert.equal(report.agency, 'XX县民政局');
    assert.equal(report.year, 2021);
    assert.equal(report.format, '2021');
    assert.deepEqual(report.proactive.normative_documents, { issued: 2, repealed: null, in_force: 15 });
    assert.ok(info.cells.some((c) => c.row === 'normative_documents' && c.column === 'repealed' && c.problem === 'blank'));
    assert.equal(report.sections['1'], '本年度未收到政府信息公开申请。');
  });

  it('reads a large page whole (3.5 MB; its speed is measured by `npm run bench -- batch`, not here)', () => {
    const row = '<tr><td>行</td>' + '<td>1</td>'.repeat(14) + '</tr>';
    const html = `<table>${row.repeat(20000)}</table>` + '<p>x &amp; y</p>'.repeat(20000) + '<'.repeat(10000);
    const text = htmlToText(html);
    assert.equal(text.split('\n').length, 20000 * 16 + 20000 + 2);
  });
});
