/**
 * The portal's 政府信息公开年报 (条例第49条, 第50条): the list of published annual reports — all of
 * them (/xxgk/reports) or a column's (/xxgk/:agency/reports) — newest year first, and the one
 * canonical page of an agency's report for a year: the report itself (title, sections 一 … 六 with
 * the tables, drawn by the export's ReportArticle), its publication date, the version history with
 * the change notes (rule D2) and the downloads of the published version. Only published versions
 * ever reach these pages (annual-report.service publishedReports / publicReport).
 */
import type { AgencyRow } from '../../../portal/columns.js';
import { reportLayout } from '../../../reports/export/index.js';
import { ReportArticle } from '../../../reports/export/index.js';
import type { PublicReport, PublicReportListRow } from '../../../reports/store/annual-report.service.js';
import { Layout } from '../layout.js';
import { Breadcrumbs, ColumnNav, columnReportsUrl, columnTrail, Day, REPORTS, reportUrl, XXGK, type Crumb } from '../portal/common.js';
import { DOWNLOADS } from './downloads.js';
import { REPORT_PAGES_CSS_URL } from './style.js';

export const reportTitle = (agencyName: string, year: number) => `${agencyName}${year}年度政府信息公开工作年度报告`;

export const reportDownloadUrl = (agencyId: number, year: number, format: string) => `${reportUrl(agencyId, year)}/download/${format}`;

function Stylesheet() {
  return <link rel="stylesheet" href={REPORT_PAGES_CSS_URL} />;
}

const INTRO =
  '各级行政机关应当在每年1月31日前向本级政府信息公开工作主管部门提交本行政机关上一年度政府信息公开工作年度报告并向社会公布；县级以上地方人民政府的年度报告在每年3月31日前公布（《中华人民共和国政府信息公开条例》第四十九条）。年度报告包括总体情况、主动公开、依申请公开、行政复议和行政诉讼、存在的主要问题及改进情况和其他需要报告的事项（第五十条）。';

export interface ReportsIndexProps {
  /** A column's reports, or null for every column's. */
  column: AgencyRow | null;
  rows: readonly PublicReportListRow[];
}

/** The published reports, grouped by year (newest first). */
export function ReportsIndexPage({ column, rows }: ReportsIndexProps) {
  const years = [...new Set(rows.map((r) => r.year))];
  const title = column ? `${column.name} 政府信息公开年报` : '政府信息公开年报';
  const trail: Crumb[] = column ? columnTrail(column, { label: '政府信息公开年报' }) : [{ label: '首页', href: '/' }, { label: '政府信息公开', href: XXGK }, { label: '政府信息公开年报' }];
  return (
    <Layout title={title} area="portal">
      <Breadcrumbs trail={trail} />
      <h1>{title}</h1>
      {column ? <ColumnNav columnId={column.id} current="reports" /> : null}
      <p>{INTRO}</p>
      {column ? (
        <p>
          <a href={REPORTS}>查看全部机关的政府信息公开年报</a>
        </p>
      ) : null}
      {rows.length === 0 ? (
        <p>{column ? '本专栏尚未公布政府信息公开工作年度报告。' : '尚未公布政府信息公开工作年度报告。'}</p>
      ) : (
        years.map((y) => (
          <section key={y} aria-labelledby={`y-${y}`}>
            <h2 id={`y-${y}`}>{y}年度</h2>
            <ol class="doc-list">
              {rows
                .filter((r) => r.year === y)
                .map((r) => (
                  <li key={`${r.agencyId}-${r.year}`}>
                    <a class="doc-title" href={reportUrl(r.agencyId, r.year)}>
                      {reportTitle(r.agencyName, r.year)}
                    </a>
                    <p class="doc-meta">
                      <span>
                        公布日期：
                        <Day iso={r.publishedOn} />
                      </span>
                      <span>发布机关：{r.agencyName}</span>
                      {r.versionNumber > 1 ? <span class="badge">已修订（第{r.versionNumber}版）</span> : null}
                    </p>
                  </li>
                ))}
            </ol>
          </section>
        ))
      )}
    </Layout>
  );
}

export interface PublicReportProps {
  /** The column the agency's report belongs to (breadcrumbs, sub-column nav). */
  column: AgencyRow;
  report: PublicReport;
}

export function PublicReportPage({ column, report }: PublicReportProps) {
  const current = report.history.find((h) => h.current);
  const title = reportTitle(report.agencyName, report.year);
  const layout = reportLayout(report.content);
  return (
    <Layout title={title} area="portal">
      <Stylesheet />
      <Breadcrumbs trail={columnTrail(column, { label: '政府信息公开年报', href: columnReportsUrl(column.id) }, { label: `${report.year}年度` })} />
      <ColumnNav columnId={column.id} current="reports" />
      <div class="report-embed">
        <ReportArticle layout={layout} idPrefix="nb" headingLevel={1} />
      </div>
      <section aria-labelledby="s-pub" class="card">
        <h2 id="s-pub">公布信息</h2>
        <dl class="meta report-meta">
          <dt>发布机关</dt>
          <dd>{report.agencyName}</dd>
          <dt>报告年度</dt>
          <dd>{report.year}年度</dd>
          <dt>公布日期</dt>
          <dd>
            <Day iso={report.publishedOn} />
          </dd>
          {current && current.number > 1 ? (
            <>
              <dt>版本</dt>
              <dd>第 {current.number} 版（修订后公布）</dd>
            </>
          ) : null}
        </dl>
      </section>
      <section aria-labelledby="s-downloads">
        <h2 id="s-downloads">下载</h2>
        <ul class="downloads">
          {DOWNLOADS.map((d) => (
            <li key={d.format}>
              <a href={reportDownloadUrl(report.agencyId, report.year, d.format)} download>
                {d.label}
              </a>{' '}
              <span class="muted small">{d.hint}</span>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="s-history">
        <h2 id="s-history">版本记录</h2>
        {report.history.length > 1 ? (
          <table class="history">
            <caption class="visually-hidden">本报告公布后的修订记录</caption>
            <thead>
              <tr>
                <th scope="col">版本</th>
                <th scope="col">公布日期</th>
                <th scope="col">修改说明</th>
              </tr>
            </thead>
            <tbody>
              {report.history.map((h) => (
                <tr key={h.number} aria-current={h.current ? 'true' : undefined}>
                  <td>
                    第 {h.number} 版{h.current ? '（现行）' : ''}
                  </td>
                  <td>
                    <Day iso={h.publishedOn} />
                  </td>
                  <td class="pre">{h.changeNote ?? (h.number === 1 ? '首次公布' : '—')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>
            于 <Day iso={report.publishedOn} /> 公布，此后未修订。
          </p>
        )}
      </section>
      <p>
        <a href={columnReportsUrl(column.id)}>返回{column.name}政府信息公开年报</a>
      </p>
    </Layout>
  );
}
