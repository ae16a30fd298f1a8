/**
 * Annual reports uploaded as files (报送的年度报告), in the back office:
 *
 * - the list of a year (GET /admin/report-uploads): what the user's agencies sent and what the
 *   agencies below sent to the user's office, where each stands (待审核, 已接受, 已退回), the
 *   counts of errors and warnings, and the upload form (agency, year, file);
 * - one upload (GET /admin/report-uploads/:id): the findings, what the importer could not read,
 *   the report as it was read (tables and prose), the file, the decision — accept into the
 *   roll-up (a reason when it has errors) or return to the agency with a note — and, for the
 *   agency, the form to send a fixed file.
 *
 * Works without JavaScript; the upload is a multipart form with the CSRF token in its action URL.
 */
import { reportLayout, ReportArticle } from '../../../reports/export/index.js';
import type { UploadListRow, UploadView } from '../../../reports/uploads/upload.service.js';
import { MAX_NOTE_CHARS, MAX_UPLOAD_BYTES } from '../../../reports/uploads/upload.service.js';
import { chinaTime } from '../applications/case.js';
import { ErrorSummary, SelectField, TextArea, type FormErrors, type FormValues } from '../applications/fields.js';
import { fileSize } from '../catalogue/item.js';
import { Layout, type PageUser } from '../layout.js';
import { FindingItem } from './report.js';

export const UPLOAD_ACCEPT = '.docx,.pdf,.html,.htm,.txt,.json';

const FILE_TYPE_LABELS: Record<string, string> = { docx: 'Word 文档', html: '网页', pdf: 'PDF', text: '文本', json: '报告 JSON' };

export interface UploadFormProps {
  csrfToken: string;
  agencies: readonly { id: number; name: string }[];
  years: readonly number[];
  values: FormValues;
  errors: FormErrors;
  /** Fixed agency (the re-upload form on an upload's page). */
  fixed?: { agencyId: number; agencyName: string; year: number };
}

const IDS = { agencyId: 'u-agency', year: 'u-year', file: 'u-file' };
const LABELS = { agencyId: '报送机关', year: '报告年度', file: '报告文件' };

export function UploadForm(p: UploadFormProps) {
  const e = p.errors;
  return (
    <form method="post" action={`/admin/report-uploads?_csrf=${encodeURIComponent(p.csrfToken)}`} enctype="multipart/form-data" class="stack" novalidate>
      <ErrorSummary errors={e} ids={IDS} labels={LABELS} />
      {p.fixed ? (
        <>
          <input type="hidden" name="agencyId" value={String(p.fixed.agencyId)} />
          <input type="hidden" name="year" value={String(p.fixed.year)} />
        </>
      ) : (
        <>
          <SelectField id="u-agency" name="agencyId" label="报送机关" value={p.values.agencyId} error={e.agencyId} options={p.agencies.map((a) => [String(a.id), a.name] as const)} />
          <SelectField id="u-year" name="year" label="报告年度" value={p.values.year} error={e.year} placeholder={null} options={p.years.map((y) => [String(y), `${y}年度`] as const)} />
        </>
      )}
      <div class={e.file ? 'field has-error' : 'field'}>
        <label for="u-file">报告文件</label>
        <p class="hint" id="u-file-hint">
          Word（.docx）、PDF（须有文字层，扫描件无法读取）、网页（.html）、文本（.txt）或报告 JSON，不超过 {MAX_UPLOAD_BYTES / 1024 / 1024} MB。上传后立即检查，由上级机关审核接受或退回。
        </p>
        {e.file ? (
          <p class="field-error" id="u-file-error">
            {e.file}
          </p>
        ) : null}
        <input id="u-file" name="file" type="file" accept={UPLOAD_ACCEPT} required aria-describedby={e.file ? 'u-file-hint u-file-error' : 'u-file-hint'} aria-invalid={e.file ? 'true' : undefined} />
      </div>
      <div class="buttons">
        <button type="submit">{p.fixed ? '上传修改后的文件' : '上传并检查'}</button>
      </div>
    </form>
  );
}

export interface UploadsPageProps {
  user: PageUser;
  csrfToken: string;
  year: number;
  years: readonly number[];
  rows: readonly UploadListRow[];
  form: Omit<UploadFormProps, 'csrfToken' | 'years'> | null;
  /** The year filter was wrong. */
  yearError?: string | null;
}

export function UploadsPage(p: UploadsPageProps) {
  const waiting = p.rows.filter((r) => r.mayDecide).length;
  return (
    <Layout title={`报送的年度报告（${p.year}年度）`} area="admin" user={p.user} csrfToken={p.csrfToken}>
      <p class="crumbs">
        <a href="/admin">工作台</a> › <a href="/admin/reports">年度报告</a> › 报送的报告文件
      </p>
      <h1>报送的年度报告文件</h1>
      <p class="muted">下级机关（或上级机关代为）上传本机关的年度报告文件，系统读取并检查后，由上级机关的审核人或负责人接受（计入汇总报告）或退回修改。</p>
      <form method="get" action="/admin/report-uploads" class="filters" aria-label="选择年度">
        {p.yearError ? (
          <p class="field-error" role="alert">
            {p.yearError}
          </p>
        ) : null}
        <div class="field">
          <label for="f-year">年度</label>
          <select id="f-year" name="year">
            {p.years.map((y) => (
              <option key={y} value={String(y)} selected={y === p.year}>
                {y}年度
              </option>
            ))}
          </select>
        </div>
        <div class="field buttons">
          <button type="submit">查看</button>
        </div>
      </form>
      {waiting ? <p class="notice">有 {waiting} 份报告等待您审核。</p> : null}
      {p.rows.length ? (
        <table class="list">
          <caption>{p.year}年度报送的报告（不含已被新文件取代的）</caption>
          <thead>
            <tr>
              <th scope="col">机关</th>
              <th scope="col">文件</th>
              <th scope="col">状态</th>
              <th scope="col">错误</th>
              <th scope="col">警告</th>
              <th scope="col">上传</th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r) => (
              <tr key={r.id}>
                <th scope="row">{r.agencyName}</th>
                <td>
                  <a href={`/admin/report-uploads/${r.id}`}>{r.fileName}</a>
                </td>
                <td>
                  {r.stateLabel}
                  {r.mayDecide ? <strong>（待我审核）</strong> : null}
                </td>
                <td class={r.errors ? 'num bad' : 'num'}>{r.errors}</td>
                <td class="num">{r.warnings}</td>
                <td>
                  {r.uploadedBy} {chinaTime(r.uploadedAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{p.year}年度没有您可以查看的报送文件。</p>
      )}
      {p.form ? (
        <section aria-labelledby="h-upload" class="card">
          <h2 id="h-upload">上传年度报告文件</h2>
          <UploadForm {...p.form} csrfToken={p.csrfToken} years={p.years} />
        </section>
      ) : null}
    </Layout>
  );
}

export interface UploadPageProps {
  user: PageUser;
  csrfToken: string;
  view: UploadView;
  done?: string | null;
  decision?: { values: FormValues; errors: FormErrors; error?: string | null } | null;
  upload?: { errors: FormErrors } | null;
}

const DONE: Record<string, string> = {
  uploaded: '已上传并检查，等待上级机关审核。',
  accepted: '已接受，该报告将计入汇总报告。',
  returned: '已退回，报送机关可以上传修改后的文件。',
};

export function UploadPage(p: UploadPageProps) {
  const v = p.view;
  const d = p.decision;
  const title = `${v.agency.name}${v.year}年度报告（报送文件）`;
  return (
    <Layout title={title} area="admin" user={p.user} csrfToken={p.csrfToken}>
      <p class="crumbs">
        <a href="/admin">工作台</a> › <a href={`/admin/report-uploads?year=${v.year}`}>报送的报告文件</a> › {v.agency.name}
      </p>
      <h1>{title}</h1>
      {p.done && DONE[p.done] ? (
        <p class="notice" role="status">
          {DONE[p.done]}
        </p>
      ) : null}
      <dl class="meta">
        <dt>状态</dt>
        <dd>
          <strong>{v.stateLabel}</strong>
        </dd>
        <dt>文件</dt>
        <dd>
          <a href={`/admin/report-uploads/${v.id}/file`}>{v.fileName}</a>（{FILE_TYPE_LABELS[v.fileType] ?? v.fileType}，{fileSize(v.size)}）
        </dd>
        <dt>上传</dt>
        <dd>
          {v.uploadedBy.name}，{chinaTime(v.uploadedAt)}
        </dd>
        <dt>审核机关</dt>
        <dd>{v.agency.parentName ?? '—'}</dd>
        {v.decidedBy ? (
          <>
            <dt>{v.state === 'returned' ? '退回' : '审核'}</dt>
            <dd>
              {v.decidedBy.name}，{chinaTime(v.decidedAt!)}
            </dd>
          </>
        ) : null}
        {v.decisionNote ? (
          <>
            <dt>{v.state === 'returned' ? '退回意见' : '说明'}</dt>
            <dd class="pre" id="decision-note">
              {v.decisionNote}
            </dd>
          </>
        ) : null}
      </dl>

      <section aria-labelledby="h-findings">
        <h2 id="h-findings">检查结果</h2>
        <p>{v.findings.length === 0 ? '未发现问题。' : `共 ${v.errors} 项错误、${v.warnings} 项警告。`}</p>
        {v.findings.length ? (
          <ul class="findings" id="findings">
            {v.findings.map((f, i) => (
              <FindingItem key={i} f={f} />
            ))}
          </ul>
        ) : null}
        {v.notes.length ? (
          <>
            <h3>读取说明</h3>
            <ul>
              {v.notes.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
          </>
        ) : null}
      </section>

      {v.mayDecide ? (
        <section aria-labelledby="h-decide" class="card">
          <h2 id="h-decide">审核</h2>
          {d?.error ? (
            <p class="field-error" role="alert">
              {d.error}
            </p>
          ) : null}
          <form method="post" action={`/admin/report-uploads/${v.id}/decide`} class="stack" novalidate>
            <ErrorSummary errors={d?.errors ?? {}} ids={{ note: 'd-note', decision: 'd-note' }} labels={{ note: '说明', decision: '决定' }} />
            <input type="hidden" name="_csrf" value={p.csrfToken} />
            <input type="hidden" name="version" value={String(v.version)} />
            <TextArea
              id="d-note"
              name="note"
              label="说明"
              maxLength={MAX_NOTE_CHARS}
              rows={4}
              value={d?.values.note}
              error={d?.errors.note}
              hint={v.errors ? `退回时写明需要修改的内容；该报告有 ${v.errors} 项错误，如仍接受须写明理由。` : '退回时写明需要修改的内容；接受时可不填。'}
            />
            <div class="buttons">
              <button type="submit" name="decision" value="accept">
                接受（计入汇总）
              </button>
              <button type="submit" name="decision" value="return" class="secondary">
                退回修改
              </button>
            </div>
          </form>
        </section>
      ) : null}

      {v.mayUpload && (v.state === 'returned' || v.state === 'submitted') ? (
        <section aria-labelledby="h-reupload" class="card">
          <h2 id="h-reupload">{v.state === 'returned' ? '上传修改后的文件' : '更换文件'}</h2>
          <p class="muted">新文件取代本文件，重新检查后等待上级机关审核。</p>
          <UploadForm csrfToken={p.csrfToken} agencies={[]} years={[v.year]} values={{}} errors={p.upload?.errors ?? {}} fixed={{ agencyId: v.agency.id, agencyName: v.agency.name, year: v.year }} />
        </section>
      ) : null}

      {v.history.length ? (
        <section aria-labelledby="h-history">
          <h2 id="h-history">本机关{v.year}年度报送的其他文件</h2>
          <table class="list" id="history">
            <thead>
              <tr>
                <th scope="col">文件</th>
                <th scope="col">状态</th>
                <th scope="col">上传时间</th>
                <th scope="col">退回意见或说明</th>
              </tr>
            </thead>
            <tbody>
              {v.history.map((h) => (
                <tr key={h.id}>
                  <td>
                    <a href={`/admin/report-uploads/${h.id}`}>{h.fileName}</a>
                  </td>
                  <td>{h.stateLabel}</td>
                  <td>{chinaTime(h.uploadedAt)}</td>
                  <td class="pre">{h.decisionNote ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <section aria-labelledby="h-read">
        <h2 id="h-read">读取的报告内容</h2>
        <p class="muted">以下是系统从文件中读取的内容（空白单元格显示为空），供核对读取是否准确。</p>
        <ReportArticle layout={reportLayout(v.report)} idPrefix="upload" headingLevel={3} />
      </section>
    </Layout>
  );
}
