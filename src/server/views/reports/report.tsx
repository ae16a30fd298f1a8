/**
 * The annual report's page in the back office (GET /admin/reports/:id): where the report stands
 * and its deadline; the checks (DOMAIN.md §4.5) computed on this view; the prose editor of
 * sections 一, 五, 六 with last year's published text beside each and, in section 六, what the
 * records say about the information-processing fees collected; the entered figures of section 二
 * (value, unit, source note); the tables regenerated from the records; the report as it will be
 * published, with where each figure came from (per section, details/summary); the forms to submit
 * (an override reason when there are errors, a change note after the first version), to review
 * (同意 / 退回修改, 审查依据, 审核意见) and to revise; the downloads; the versions and the review
 * timeline. Each form sends the report's version; a refused form is shown again with what was
 * typed.
 */
import { Fragment, type ComponentChildren } from 'preact';
import { REVIEW_CONCLUSIONS } from '../../../catalogue/catalogue.schema.js';
import { RULES, type Finding } from '../../../reports/finding.js';
import { FORMATS, OUTCOME_GROUP_LABEL, type FormatId, type ProseSectionId } from '../../../reports/format.js';
import { proactiveCells, type CellSource, type ProactiveCellDef, type ReportEntryView, type ReportSources } from '../../../reports/generate/index.js';
import { reportLayout, ReportArticle } from '../../../reports/export/index.js';
import { isAmount, type ProactiveValue } from '../../../reports/report.js';
import { MAX_SECTION_CHARS } from '../../../reports/store/annual-report.schema.js';
import { REPORT_STATUS_LABELS, VERSION_STATE_LABELS, type StaffReportView } from '../../../reports/store/annual-report.service.js';
import { chinaTime } from '../applications/case.js';
import { ErrorSummary, TextArea, TextField, type FormErrors, type FormValues } from '../applications/fields.js';
import { Layout, type PageUser } from '../layout.js';
import { reportUrl } from '../portal/common.js';
import { DOWNLOADS } from './downloads.js';
import { reportTitle } from './public.js';
import { REPORT_PAGES_CSS_URL } from './style.js';

export type ReportForm = 'prose' | 'entries' | 'regenerate' | 'submit' | 'review' | 'revise';

/** A refused form, shown again: which one, what was typed, what was wrong. */
export interface ReportSubmission {
  form: ReportForm;
  values: FormValues;
  errors: FormErrors;
  /** The typed version goes back in the form (nothing changed meanwhile: a validation error). */
  keepVersion?: boolean;
  /** The report changed meanwhile (409): what is saved now is shown beside what was typed. */
  conflict?: boolean;
}

export interface ReportPageProps {
  user: PageUser;
  csrfToken: string;
  view: StaffReportView;
  /** The entered figures of the agency for the year. */
  entries: readonly ReportEntryView[];
  notice?: string | null;
  error?: string | null;
  submission?: ReportSubmission | null;
}

export const PROSE_FIELDS: Record<ProseSectionId, string> = { '1': 'section1', '5': 'section5', '6': 'section6' };

/** The form field names of an entered figure. */
export const entryFields = (cell: string) => ({ value: `value.${cell}`, unit: `unit.${cell}`, note: `note.${cell}` });
const entryId = (cell: string, what: string) => `e-${cell.replace(/\./g, '-')}-${what}`;

function sectionLabel(format: FormatId, id: string): string {
  return FORMATS[format].sections.find((s) => s.id === id)?.label ?? id;
}

function valueText(v: ProactiveValue | undefined): string {
  if (v === null || v === undefined) return '（空白）';
  if (isAmount(v)) return `${v.value}${v.unit ?? ''}`;
  return String(v);
}

export function ReportPage(p: ReportPageProps) {
  const { view } = p;
  const r = view.report;
  const cur = view.current;
  const title = reportTitle(r.agencyName, r.year);
  const errors = view.findings.filter((f) => f.severity === 'error');
  const published = view.versions.some((v) => v.state === 'published');
  return (
    <Layout title={title} area="admin" user={p.user} csrfToken={p.csrfToken}>
      <link rel="stylesheet" href={REPORT_PAGES_CSS_URL} />
      <p class="crumbs">
        <a href="/admin">工作台</a> › <a href={`/admin/reports?year=${r.year}`}>年度报告</a> › {r.agencyName}
      </p>
      <h1>
        {title}
        <span class="muted small"> · {REPORT_STATUS_LABELS[r.status]}</span>
      </h1>
      <nav class="page-nav" aria-label="本页内容">
        <a href="#h-status">办理情况</a> <a href="#h-findings">检查结果</a> {view.may.edit ? <a href="#h-prose">撰写</a> : null} {view.may.edit ? <a href="#h-entries">录入数字</a> : null}{' '}
        <a href="#h-report">报告全文</a> <a href="#h-actions">办理</a> <a href="#h-downloads">下载</a> <a href="#h-versions">版本与审核记录</a>
      </nav>
      {p.notice ? (
        <p class="flash" role="status">
          {p.notice}
        </p>
      ) : null}
      {p.error ? (
        <div class="error-summary" role="alert">
          <p>
            <strong>{p.error}</strong>
          </p>
          {p.submission ? <p>本页已显示最新情况；您填写的内容保留在下方表单中，请核对后重新提交。</p> : null}
        </div>
      ) : null}
      <Status p={p} published={published} />
      <Findings findings={view.findings} errors={errors.length} />
      {view.may.edit ? <ProseForm p={p} /> : null}
      {view.may.edit ? <EntriesForm p={p} /> : null}
      <section aria-labelledby="h-report">
        <h2 id="h-report">报告全文（第{cur.number}版，{VERSION_STATE_LABELS[cur.state]}）</h2>
        <p class="muted">
          表格于 {chinaTime(cur.generatedAt)} 根据系统记录生成。
          {view.may.edit ? '案件、目录或录入的数字有变化时，请重新生成表格。' : ''}
        </p>
        {view.may.edit ? (
          <SimpleForm p={p} form="regenerate" button="重新生成表格">
            <p class="hint">按当前的案件记录、政府信息公开目录和录入的数字重新计算第二、三、四部分的表格；已撰写的文字不变。</p>
          </SimpleForm>
        ) : null}
        {view.records.warnings.length ? (
          <div class="warn" role="note">
            <p>
              <strong>生成表格时发现的数据问题：</strong>
            </p>
            <ul>
              {view.records.warnings.map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {view.records.rollup ? (
          <div role="note">
            <p>
              本报告的表格汇总本级政府及所属 {view.records.rollup.included.length} 个机关的记录和录入数字：
              {view.records.rollup.included.map((a) => a.name).join('、') || '无'}。
            </p>
            {view.records.rollup.missing.length ? (
              <p class="warn">
                <strong>以下机关本年度没有任何记录或录入的数字，可能尚未填报：</strong>
                {view.records.rollup.missing.map((a) => a.name).join('、')}
              </p>
            ) : null}
          </div>
        ) : null}
        <div class="report-embed">
          <ReportArticle layout={reportLayout(cur.content)} idPrefix="draft" headingLevel={3} />
        </div>
        <Sources format={r.format as FormatId} sources={cur.sources as ReportSources | null} content={cur.content} />
      </section>
      <section aria-labelledby="h-actions">
        <h2 id="h-actions">办理</h2>
        <Actions p={p} errors={errors} />
      </section>
      <section aria-labelledby="h-downloads">
        <h2 id="h-downloads">下载</h2>
        <p class="muted">下载本页所示的第{cur.number}版（{VERSION_STATE_LABELS[cur.state]}）。下载记入审计日志。</p>
        <ul class="downloads">
          {DOWNLOADS.map((d) => (
            <li key={d.format}>
              <a href={`/admin/reports/${r.id}/export/${d.format}`} download>
                {d.label}
              </a>
            </li>
          ))}
        </ul>
        {published ? (
          <p>
            公开平台上的报告：<a href={reportUrl(r.agencyId, r.year)}>{reportUrl(r.agencyId, r.year)}</a>
          </p>
        ) : null}
      </section>
      <Versions view={view} />
    </Layout>
  );
}

function Status({ p, published }: { p: ReportPageProps; published: boolean }) {
  const { view } = p;
  const r = view.report;
  const cur = view.current;
  const lastReturn = [...view.reviews].reverse().find((x) => x.versionNumber === cur.number && x.conclusion === 'returned');
  const pub = view.versions.find((v) => v.state === 'published');
  return (
    <section aria-labelledby="h-status">
      <h2 id="h-status">办理情况</h2>
      <dl class="meta">
        <dt>机关</dt>
        <dd>{r.agencyName}</dd>
        <dt>报告年度</dt>
        <dd>
          {r.year}年度（{r.format}年版格式）
        </dd>
        <dt>状态</dt>
        <dd class={r.status === 'late' ? 'overdue' : undefined}>
          {REPORT_STATUS_LABELS[r.status]}
          {cur.state !== 'published' ? `；第${cur.number}版${VERSION_STATE_LABELS[cur.state]}` : ''}
          {cur.state === 'in_review' && cur.reviewLabel ? `：等待第${cur.reviewLevel}级「${cur.reviewLabel}」审核` : ''}
        </dd>
        <dt>公布期限</dt>
        <dd>
          {r.deadline}
          <span class="muted small">（{r.agencyKind === 'government' ? '人民政府的年度报告于次年3月31日前公布' : '次年1月31日前公布'}，条例第四十九条）</span>
        </dd>
        {pub ? (
          <>
            <dt>公布日期</dt>
            <dd class={pub.late ? 'overdue' : undefined}>
              {pub.publishedOn}（第{pub.number}版）{pub.late ? '，逾期公布' : ''}
            </dd>
          </>
        ) : null}
        {cur.overrideReason ? (
          <>
            <dt>带错误提交的理由</dt>
            <dd class="pre">{cur.overrideReason}</dd>
          </>
        ) : null}
        {cur.changeNote ? (
          <>
            <dt>修改说明</dt>
            <dd class="pre">{cur.changeNote}</dd>
          </>
        ) : null}
      </dl>
      {published && cur.state !== 'published' ? <p>公开平台在新版本经审核公布前，仍显示已公布的版本。</p> : null}
      {cur.state === 'returned' && lastReturn ? (
        <div class="warn" role="note">
          <p>
            <strong>
              退回修改：{lastReturn.reviewer}（第{lastReturn.level}级「{lastReturn.levelLabel}」，{chinaTime(lastReturn.at)}）
            </strong>
          </p>
          <p class="pre">审核意见：{lastReturn.comment ?? '—'}</p>
          <p class="pre">审查依据：{lastReturn.basis}</p>
        </div>
      ) : null}
    </section>
  );
}

export function FindingItem({ f }: { f: Finding }) {
  return (
    <li class={f.severity}>
      <span class="rule">{f.rule}</span>
      <strong>{f.severity === 'error' ? '错误' : '警告'}</strong>：{f.message}
      <br />
      <span class="muted small">{RULES[f.rule].title}</span>
    </li>
  );
}

function Findings({ findings, errors }: { findings: readonly Finding[]; errors: number }) {
  return (
    <section aria-labelledby="h-findings">
      <h2 id="h-findings">检查结果</h2>
      <p>
        {findings.length === 0
          ? '未发现问题。'
          : `共 ${errors} 项错误、${findings.length - errors} 项警告。错误须修正后才能提交（确需提交的须写明理由）；警告请逐项核对。`}
        <span class="muted small">每次打开和保存本页时按最新内容重新检查（规则见 DOMAIN.md §4.5）。</span>
      </p>
      {findings.length ? (
        <ul class="findings" id="findings">
          {findings.map((f, i) => (
            <FindingItem key={i} f={f} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

const versionOf = (p: ReportPageProps, form: ReportForm) => {
  const sub = p.submission?.form === form ? p.submission : null;
  return sub?.keepVersion && sub.values.version ? sub.values.version : String(p.view.report.version);
};

function Hidden({ p, form }: { p: ReportPageProps; form: ReportForm }) {
  return (
    <>
      <input type="hidden" name="_csrf" value={p.csrfToken} />
      <input type="hidden" name="version" value={versionOf(p, form)} />
    </>
  );
}

function ProseForm({ p }: { p: ReportPageProps }) {
  const { view } = p;
  const format = view.report.format as FormatId;
  const sub = p.submission?.form === 'prose' ? p.submission : null;
  const errors = sub?.errors ?? {};
  const ids = { section1: 'p-section1', section5: 'p-section5', section6: 'p-section6' };
  const labels = { section1: sectionLabel(format, '1'), section5: sectionLabel(format, '5'), section6: sectionLabel(format, '6') };
  const saved = view.current.content.sections;
  const value = (id: ProseSectionId) => (sub ? (sub.values[PROSE_FIELDS[id]] ?? '') : (saved[id] ?? ''));
  const fees = view.records.facts.informationFees;
  const hints: Record<ProseSectionId, string> = {
    '1': '总体情况：主动公开、依申请公开、政府信息管理、平台建设、监督保障等方面的工作情况。文中的数字应与表格一致（规则P1）。',
    '5': '写明存在的具体问题和改进措施（规则P3：不能只写套话）。',
    '6': '没有需要报告的事项时明确写“无”（规则P3）。2021年版格式须报告信息处理费的收取情况。',
  };
  return (
    <section aria-labelledby="h-prose" class={sub ? 'card active' : undefined}>
      <h2 id="h-prose">撰写第一、五、六部分</h2>
      <p class="muted">第二、三、四部分是表格，由系统生成，不能手工修改。右侧是本机关上一年度已公布报告的相应内容（只读），供参考；请勿照抄（规则P2）。</p>
      <form method="post" action={`/admin/reports/${view.report.id}/prose`} class="stack" novalidate>
        <ErrorSummary errors={errors} ids={ids} labels={labels} />
        {sub?.conflict ? (
          <details class="card" open>
            <summary>当前已保存的内容（他人刚刚保存的版本）</summary>
            {(['1', '5', '6'] as const).map((id) => (
              <Fragment key={id}>
                <h4>{labels[PROSE_FIELDS[id] as keyof typeof labels]}</h4>
                <p class="pre">{saved[id] || '（空）'}</p>
              </Fragment>
            ))}
          </details>
        ) : null}
        <Hidden p={p} form="prose" />
        {(['1', '5', '6'] as const).map((id) => {
          const name = PROSE_FIELDS[id];
          const previous = view.previousSections?.[id];
          return (
            <div class="prose-pair" key={id}>
              <div>
                <TextArea id={ids[name as keyof typeof ids]} name={name} label={labels[name as keyof typeof labels]} maxLength={MAX_SECTION_CHARS} rows={id === '1' ? 14 : 6} value={value(id)} error={errors[name]} hint={hints[id]} />
                {id === '6' ? (
                  <div class="fee-note" role="note">
                    <p>
                      系统记录：本年度收取信息处理费 {fees.payments} 笔，合计 {fees.amountYuan} 元（按缴费日期统计）。
                    </p>
                    {view.records.reminders.map((m, i) => (
                      <p key={i}>{m}</p>
                    ))}
                  </div>
                ) : null}
              </div>
              <div class="previous">
                <h4>上一年度（{view.report.year - 1}年度）已公布的内容</h4>
                {previous ? <p class="pre">{previous}</p> : <p class="muted">{view.previousSections ? '（上一年度报告此部分为空）' : '系统中没有本机关上一年度已公布的报告。'}</p>}
              </div>
            </div>
          );
        })}
        <button type="submit">保存文字</button>
      </form>
    </section>
  );
}

function EntriesForm({ p }: { p: ReportPageProps }) {
  const { view } = p;
  const format = view.report.format as FormatId;
  const cells = proactiveCells(format).filter((c) => !c.fromCatalogue);
  const byCell = new Map(p.entries.map((e) => [e.cell, e]));
  const sub = p.submission?.form === 'entries' ? p.submission : null;
  const errors = sub?.errors ?? {};
  const ids: Record<string, string> = {};
  const labels: Record<string, string> = {};
  for (const c of cells) {
    const f = entryFields(c.id);
    ids[f.value] = entryId(c.id, 'value');
    ids[f.unit] = entryId(c.id, 'unit');
    ids[f.note] = entryId(c.id, 'note');
    labels[f.value] = `${c.label}：数字`;
    labels[f.unit] = `${c.label}：单位`;
    labels[f.note] = `${c.label}：来源说明`;
  }
  const typed = (c: ProactiveCellDef, what: 'value' | 'unit' | 'note') => {
    const name = entryFields(c.id)[what];
    if (sub) return sub.values[name] ?? '';
    const e = byCell.get(c.id);
    if (!e) return '';
    return what === 'value' ? e.valueText : what === 'unit' ? (e.unit ?? '') : e.note;
  };
  return (
    <section aria-labelledby="h-entries" class={sub ? 'card active' : undefined}>
      <h2 id="h-entries">录入第二部分的数字</h2>
      <p class="muted">
        系统中没有记录的数字（行政许可、行政处罚、行政强制、行政事业性收费{format === '2019' ? '、政府集中采购' : ''}等）由本机关录入，每个数字须注明来源（例如：据区市场监管局行政许可系统年度统计）。保存后表格自动重新生成。清空数字即删除该项录入。
      </p>
      <form method="post" action={`/admin/reports/${view.report.id}/entries`} class="stack" novalidate>
        <ErrorSummary errors={errors} ids={ids} labels={labels} />
        <Hidden p={p} form="entries" />
        <div class="table-wrap" role="region" aria-label="录入的数字" tabindex={0}>
          <table class="entries">
            <caption>第二部分中须录入的数字</caption>
            <thead>
              <tr>
                <th scope="col">项目</th>
                <th scope="col">数字</th>
                <th scope="col">来源说明</th>
                <th scope="col">录入</th>
              </tr>
            </thead>
            <tbody>
              {cells.map((c) => {
                const f = entryFields(c.id);
                const e = byCell.get(c.id);
                const vErr = errors[f.value] ?? errors[f.unit];
                const nErr = errors[f.note];
                return (
                  <tr key={c.id} class={vErr || nErr ? 'returned' : undefined}>
                    <th scope="row">
                      {c.block.label} {c.row.label}
                      <br />「{c.column.label}」
                    </th>
                    <td>
                      <input
                        type="text"
                        inputMode="decimal"
                        id={ids[f.value]}
                        name={f.value}
                        value={typed(c, 'value')}
                        aria-label={`${c.label}：数字`}
                        aria-invalid={vErr ? 'true' : undefined}
                        aria-describedby={vErr ? `${ids[f.value]}-error` : undefined}
                      />
                      {c.kind === 'amount' ? (
                        <select id={ids[f.unit]} name={f.unit} aria-label={`${c.label}的金额单位`}>
                          {['', '元', '万元'].map((u) => (
                            <option key={u} value={u} selected={typed(c, 'unit') === u}>
                              {u || '（未写单位）'}
                            </option>
                          ))}
                        </select>
                      ) : c.kind === 'amount_wan_yuan' ? (
                        <span> 万元</span>
                      ) : null}
                      {vErr ? (
                        <p class="field-error" id={`${ids[f.value]}-error`}>
                          {vErr}
                        </p>
                      ) : null}
                    </td>
                    <td>
                      <input
                        type="text"
                        class="note"
                        maxLength={500}
                        id={ids[f.note]}
                        name={f.note}
                        value={typed(c, 'note')}
                        aria-label={`${c.label}：来源说明`}
                        aria-invalid={nErr ? 'true' : undefined}
                        aria-describedby={nErr ? `${ids[f.note]}-error` : undefined}
                      />
                      {nErr ? (
                        <p class="field-error" id={`${ids[f.note]}-error`}>
                          {nErr}
                        </p>
                      ) : null}
                    </td>
                    <td class="small">{e ? `${e.enteredBy.name}，${chinaTime(e.enteredAt)}` : <span class="muted">未录入</span>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <button type="submit">保存录入的数字并重新生成表格</button>
      </form>
    </section>
  );
}

function originText(s: CellSource): string {
  switch (s.origin) {
    case 'records':
      return s.records === 'applications' ? '申请记录' : s.records === 'review_cases' ? '行政复议、行政诉讼记录' : '政府信息公开目录';
    case 'entry':
      return '录入';
    case 'mixed':
      return '部分录入、部分由记录生成';
    case 'sum':
      return '合计';
    case 'none':
      return '未录入';
  }
}

function SourceLine({ label, value, s }: { label: string; value?: string; s: CellSource }) {
  return (
    <li class={s.origin === 'none' ? 'overdue' : undefined}>
      <strong>{label}</strong>
      {value !== undefined ? <>：{value}</> : null} <span class="badge">{originText(s)}</span> <span class="muted small">{s.rule}</span>
      {s.entries?.length ? (
        <ul>
          {s.entries.map((e, i) => (
            <li key={i}>
              {e.agencyName}录入 {e.value}
              {e.unit ?? ''}，来源：{e.note}（{e.enteredBy.name}，{chinaTime(e.enteredAt)}）
            </li>
          ))}
        </ul>
      ) : null}
      {s.recordsValue !== undefined ? <span class="muted small">（目录记录为 {s.recordsValue}，已由录入的数字代替）</span> : null}
      {s.missing?.length ? <span class="muted small">（尚未录入：{s.missing.map((a) => a.name).join('、')}）</span> : null}
    </li>
  );
}

function commonPrefix(xs: readonly string[]): string {
  let p = xs[0] ?? '';
  for (const x of xs) while (!x.startsWith(p)) p = p.slice(0, -1);
  return p;
}

function commonSuffix(xs: readonly string[]): string {
  let p = xs[0] ?? '';
  for (const x of xs) while (!x.endsWith(p)) p = p.slice(1);
  return p;
}

/** Where each figure came from, one details element per table section. */
function Sources({ format, sources, content }: { format: FormatId; sources: ReportSources | null; content: StaffReportView['current']['content'] }) {
  if (!sources || typeof sources !== 'object' || !sources.proactive) return <p class="muted">（本版本没有保存数字来源）</p>;
  const f = FORMATS[format];
  // Table 三: the six applicant columns of a row share one rule, and the outcome rows one rule
  // that differs only in the row's outcome: each said once.
  const applicant = (rowId: string) => sources.applications[rowId]?.natural_person;
  const outcomeRows = f.applicationRows.filter((r) => r.outcome && applicant(r.id));
  const outcomeRules = outcomeRows.map((r) => applicant(r.id)!.rule);
  // Cut at the quotation marks around the outcome (「（一）予以公开」 …): labels share their brackets.
  let prefix = commonPrefix(outcomeRules);
  if (prefix.includes('「')) prefix = prefix.slice(0, prefix.lastIndexOf('「') + 1);
  let suffix = commonSuffix(outcomeRules.map((x) => x.slice(prefix.length)));
  if (suffix.includes('」')) suffix = suffix.slice(suffix.indexOf('」'));
  const shared = outcomeRows.length > 1 && prefix.length + suffix.length >= 10;
  const lines3 = f.applicationRows.flatMap((row) => {
    const s = applicant(row.id);
    if (!s) return [];
    if (row.outcome && shared) return row.id === outcomeRows[0]!.id ? [<SourceLine key="outcome" label={`${OUTCOME_GROUP_LABEL}（（一）至（六）各行）`} s={{ ...s, rule: `${prefix}……${suffix}（……为该行的办理结果）` }} />] : [];
    return [<SourceLine key={row.id} label={row.label} s={s} />];
  });
  const total3 = sources.applications['1']?.total;
  return (
    <div class="sources">
      <h3>数字来源</h3>
      <details>
        <summary>{sectionLabel(format, '2')}</summary>
        <ul>
          {f.proactive.flatMap((b) =>
            b.rows.flatMap((row) =>
              b.columns.map((c) => {
                const s = sources.proactive[row.id]?.[c.id];
                return s ? <SourceLine key={`${row.id}.${c.id}`} label={`${b.label} ${row.label}「${c.label}」`} value={valueText(content.proactive[row.id]?.[c.id])} s={s} /> : null;
              }),
            ),
          )}
        </ul>
      </details>
      <details>
        <summary>{sectionLabel(format, '3')}</summary>
        <p class="muted small">各行的自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他六列按申请人类型分别统计。</p>
        <ul>
          {lines3}
          {total3 ? <SourceLine label="「总计」列" s={total3} /> : null}
        </ul>
      </details>
      <details>
        <summary>{sectionLabel(format, '4')}</summary>
        <ul>
          {f.reviewGroups.flatMap((g) =>
            f.reviewColumns.map((c) => {
              const s = sources.reviews[g.id]?.[c.id];
              return s ? <SourceLine key={`${g.id}.${c.id}`} label={`${g.label}「${c.label}」`} value={valueText(content.reviews[g.id]?.[c.id])} s={s} /> : null;
            }),
          )}
        </ul>
      </details>
    </div>
  );
}

function SimpleForm(p: { p: ReportPageProps; form: ReportForm; button: string; title?: string; children?: ComponentChildren }) {
  const sub = p.p.submission?.form === p.form ? p.p.submission : null;
  const id = `act-${p.form}`;
  const body = (
    <form method="post" action={`/admin/reports/${p.p.view.report.id}/${p.form}`} class="stack" novalidate>
      <Hidden p={p.p} form={p.form} />
      {p.children}
      <button type="submit">{p.button}</button>
    </form>
  );
  if (!p.title) return body;
  return (
    <section class={sub ? 'card action active' : 'card action'} id={id} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{p.title}</h3>
      {body}
    </section>
  );
}

function Actions({ p, errors }: { p: ReportPageProps; errors: readonly Finding[] }) {
  const { view } = p;
  const forms = [];
  if (view.may.submit) forms.push(<SubmitForm key="submit" p={p} errors={errors} />);
  if (view.may.review) forms.push(<ReviewForm key="review" p={p} />);
  if (view.may.revise) {
    forms.push(
      <SimpleForm key="revise" p={p} form="revise" title="修订" button="修订（生成新版本）">
        <p>公布后发现需要修改的，复制已公布的版本为新的草稿，修改后重新提交审核；新版本公布时须写明修改说明，公开平台同时保留修订记录（规则D2）。新版本公布前，公开平台仍显示当前版本。</p>
      </SimpleForm>,
    );
  }
  if (forms.length === 0) return <p>{nothingToDo(view)}</p>;
  return <div class="action-list">{forms}</div>;
}

function nothingToDo(view: StaffReportView): string {
  const cur = view.current;
  if (cur.state === 'in_review') return `该报告正在等待第${cur.reviewLevel}级「${cur.reviewLabel ?? '审核'}」审核，您当前没有可以办理的事项。`;
  return '您对该报告没有可以办理的事项。';
}

function SubmitForm({ p, errors }: { p: ReportPageProps; errors: readonly Finding[] }) {
  const { view } = p;
  const sub = p.submission?.form === 'submit' ? p.submission : null;
  const e = sub?.errors ?? {};
  const values = sub?.values ?? {};
  const later = view.current.number > 1;
  const ids = { changeNote: 'act-submit-changeNote', overrideReason: 'act-submit-overrideReason' };
  const labels = { changeNote: '修改说明', overrideReason: '带错误提交的理由' };
  return (
    <section class={sub ? 'card action active' : 'card action'} id="act-submit" aria-labelledby="act-submit-h">
      <h3 id="act-submit-h">提交审核</h3>
      <p>
        提交后按本机关的审核流程逐级审核，最后一级审核同意后在公开平台公布。
        {errors.length ? <strong class="overdue">报告还有 {errors.length} 项错误（见“检查结果”）。</strong> : '检查未发现错误。'}
      </p>
      <form method="post" action={`/admin/reports/${view.report.id}/submit`} class="stack" novalidate>
        <ErrorSummary errors={e} ids={ids} labels={labels} />
        <Hidden p={p} form="submit" />
        {later ? (
          <TextArea
            id={ids.changeNote}
            name="changeNote"
            label={labels.changeNote}
            required
            maxLength={1000}
            rows={3}
            value={values.changeNote ?? view.current.changeNote ?? ''}
            error={e.changeNote}
            hint="本版与已公布的版本相比改了什么、为什么改。将随新版本在公开平台公开（规则D2）。"
          />
        ) : null}
        {errors.length || e.overrideReason ? (
          <TextArea
            id={ids.overrideReason}
            name="overrideReason"
            label={labels.overrideReason}
            maxLength={1000}
            rows={3}
            value={values.overrideReason}
            error={e.overrideReason}
            hint="应先修正错误。确需带错误提交的（例如逾期公布、记录有误须另行说明），写明理由；理由随版本保存，审核人可见。"
          />
        ) : null}
        <button type="submit">提交审核</button>
      </form>
    </section>
  );
}

function ReviewForm({ p }: { p: ReportPageProps }) {
  const { view } = p;
  const cur = view.current;
  const sub = p.submission?.form === 'review' ? p.submission : null;
  const errors = sub?.errors ?? {};
  const values = sub?.values ?? {};
  const ids = { conclusion: 'act-review-conclusion', basis: 'act-review-basis', comment: 'act-review-comment' };
  const labels = { conclusion: '审核结论', basis: '审查依据', comment: '审核意见' };
  const submitted = cur.submittedFindings?.filter((f) => f.severity === 'error') ?? [];
  return (
    <section class={sub ? 'card action active' : 'card action'} id="act-review" aria-labelledby="act-review-h">
      <h3 id="act-review-h">审核{cur.reviewLabel ? `：第${cur.reviewLevel}级「${cur.reviewLabel}」` : ''}</h3>
      {submitted.length ? (
        <div class="warn" role="note">
          <p>
            <strong>提交时报告有 {submitted.length} 项错误，编制人写明的理由：</strong>
          </p>
          <p class="pre">{cur.overrideReason ?? '—'}</p>
        </div>
      ) : null}
      <form method="post" action={`/admin/reports/${view.report.id}/review`} class="stack" novalidate>
        <ErrorSummary errors={errors} ids={ids} labels={labels} />
        <Hidden p={p} form="review" />
        <fieldset class={errors.conclusion ? 'radios field has-error' : 'radios field'} id={ids.conclusion} aria-describedby={errors.conclusion ? `${ids.conclusion}-error` : undefined}>
          <legend>
            审核结论<span class="req"> （必填）</span>
          </legend>
          {errors.conclusion ? (
            <p class="field-error" id={`${ids.conclusion}-error`}>
              {errors.conclusion}
            </p>
          ) : null}
          {Object.entries(REVIEW_CONCLUSIONS).map(([v, l]) => (
            <div class="radio" key={v}>
              <input type="radio" id={`${ids.conclusion}-${v}`} name="conclusion" value={v} checked={values.conclusion === v} />
              <label for={`${ids.conclusion}-${v}`}>{l}</label>
            </div>
          ))}
        </fieldset>
        <TextField id={ids.basis} name="basis" label={labels.basis} required maxLength={500} value={values.basis} error={errors.basis} hint="例如：经审查，报告内容与统计数据一致，符合条例第五十条的规定。" />
        <TextArea id={ids.comment} name="comment" label={labels.comment} maxLength={2000} rows={3} value={values.comment} error={errors.comment} hint="退回修改时必填：写明需要修改的内容。" />
        <button type="submit">提交审核结论</button>
      </form>
    </section>
  );
}

function Versions({ view }: { view: StaffReportView }) {
  return (
    <section aria-labelledby="h-versions">
      <h2 id="h-versions">版本与审核记录</h2>
      <div class="table-wrap" role="region" aria-label="版本" tabindex={0}>
        <table class="history">
          <caption>版本</caption>
          <thead>
            <tr>
              <th scope="col">版本</th>
              <th scope="col">状态</th>
              <th scope="col">公布日期</th>
              <th scope="col">修改说明</th>
            </tr>
          </thead>
          <tbody>
            {view.versions.map((v) => (
              <tr key={v.id} aria-current={v.id === view.current.id ? 'true' : undefined}>
                <td>
                  第{v.number}版{v.id === view.current.id ? '（本页所示）' : ''}
                </td>
                <td>{VERSION_STATE_LABELS[v.state]}</td>
                <td class={v.late ? 'overdue' : undefined}>
                  {v.publishedOn ?? '—'}
                  {v.late ? '（逾期）' : ''}
                </td>
                <td class="pre">{v.changeNote ?? (v.number === 1 ? '—' : '（未填写）')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {view.reviews.length === 0 ? (
        <p class="muted">尚无审核记录。</p>
      ) : (
        <div class="table-wrap" role="region" aria-label="审核记录" tabindex={0}>
          <table class="reviews catalogue-reviews">
            <caption>审核记录（不可修改）</caption>
            <thead>
              <tr>
                <th scope="col">版本</th>
                <th scope="col">轮次</th>
                <th scope="col">环节</th>
                <th scope="col">审核人</th>
                <th scope="col">时间</th>
                <th scope="col">结论</th>
                <th scope="col">审查依据</th>
                <th scope="col">意见</th>
              </tr>
            </thead>
            <tbody>
              {view.reviews.map((r, i) => (
                <tr key={i} class={r.conclusion === 'returned' ? 'returned' : undefined}>
                  <td>第{r.versionNumber}版</td>
                  <td>第{r.round}轮</td>
                  <th scope="row">
                    第{r.level}级 {r.levelLabel}
                  </th>
                  <td>{r.reviewer}</td>
                  <td>{chinaTime(r.at)}</td>
                  <td>{REVIEW_CONCLUSIONS[r.conclusion as keyof typeof REVIEW_CONCLUSIONS] ?? r.conclusion}</td>
                  <td class="pre">{r.basis}</td>
                  <td class="pre">{r.comment ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
