/**
 * Public tracking (申请查询): the lookup form (POST, so the 查询码 stays out of URLs and logs) and
 * the public view of a case. It shows only what PublicApplicationView holds: no personal data.
 */
import type { PublicApplicationView } from '../../../applications/application.presenter.js';
import type { AttachmentView } from '../../../attachments/attachment.service.js';
import { formatChineseDate, parseIsoDate } from '../../../calendar/date.js';
import { applicantLetterKindOf, type ApplicantLetterKind } from '../applications/letters.js';
import { Layout } from '../layout.js';
import { ErrorSummary, TextField, type FormErrors, type FormValues } from './fields.js';

export const TRACK_FIELDS = ['trackingNumber', 'secret'] as const;
/**
 * The fields of the download forms (POST /track/letter, POST /track/attachment). `seq`: which
 * letter of its kind (1 = the first; a case replied again after a reopening has two replies).
 */
export const DOWNLOAD_FIELDS = ['trackingNumber', 'secret', 'kind', 'seq', 'attachmentId'] as const;

function TrackForm({ csrfToken, values, errors }: { csrfToken: string; values: FormValues; errors: FormErrors }) {
  return (
    <form method="post" action="/track" class="stack" novalidate>
      <input type="hidden" name="_csrf" value={csrfToken} />
      <TextField
        values={values}
        errors={errors}
        name="trackingNumber"
        label="申请编号"
        required
        maxLength={40}
        autocomplete="off"
        width="short"
        hint="提交申请后页面上显示的编号，例如 5-2026-000012。"
      />
      <TextField values={values} errors={errors} name="secret" label="查询码" required maxLength={20} autocomplete="off" width="short" hint="8位字母和数字，例如 ABCD-EF23；不区分大小写。" />
      <button type="submit">查询</button>
    </form>
  );
}

export interface TrackPageProps {
  csrfToken: string;
  values: FormValues;
  errors: FormErrors;
}

export function TrackPage({ csrfToken, values, errors }: TrackPageProps) {
  const hasErrors = Object.keys(errors).length > 0;
  return (
    <Layout title={`${hasErrors ? '错误：' : ''}申请查询`} area="portal">
      <h1>申请查询</h1>
      <ErrorSummary errors={errors} order={TRACK_FIELDS} title={errors._form ? '未能查询' : undefined} />
      <p>输入提交申请时得到的申请编号和查询码，查看办理进度、期限和受理机关发给您的告知书。查询结果不显示任何个人信息。</p>
      <TrackForm csrfToken={csrfToken} values={{ trackingNumber: values.trackingNumber ?? '' }} errors={errors} />
      <p class="hint">
        在工作人员处当面、邮寄或传真提交的申请，申请编号和查询码见受理机关给您的回执。查询码遗失的，请联系受理机关。
      </p>
    </Layout>
  );
}

function Day({ iso }: { iso: string }) {
  return <time datetime={iso}>{formatChineseDate(parseIsoDate(iso))}</time>;
}

/**
 * What the applicant may download from the result page: the pair they just typed goes back in
 * hidden fields of POST forms (this page is no-store; never in a URL), and the server checks it
 * again on every download.
 */
export interface CaseDownloads {
  csrfToken: string;
  trackingNumber: string;
  secret: string;
  attachments: AttachmentView[];
}

function DownloadForm({ d, action, fields, label }: { d: CaseDownloads; action: string; fields: Record<string, string>; label: string }) {
  return (
    <form method="post" action={action} class="download">
      <input type="hidden" name="_csrf" value={d.csrfToken} />
      <input type="hidden" name="trackingNumber" value={d.trackingNumber} />
      <input type="hidden" name="secret" value={d.secret} />
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" aria-label={label}>
        下载
      </button>
    </form>
  );
}

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} 字节`;
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function CaseView({ view, downloads }: { view: PublicApplicationView; downloads?: CaseDownloads }) {
  const estimated = view.provisional ? <span class="estimated">（推算）</span> : null;
  // Every letter with a Word document gets its button, naming its place among the letters of its
  // kind (a reply before a reopening stays downloadable, with its own number).
  const counts = new Map<ApplicantLetterKind, number>();
  const seqOf = view.letters.map((l) => {
    const k = applicantLetterKindOf(l.type);
    if (!k) return 0;
    counts.set(k, (counts.get(k) ?? 0) + 1);
    return counts.get(k)!;
  });
  const attachments = downloads?.attachments ?? [];
  return (
    <Layout title="申请办理情况" area="portal">
      <h1>申请办理情况</h1>
      <div class="card">
        <dl class="meta">
          <dt>申请编号</dt>
          <dd class="code" id="case-tracking-number">
            {view.trackingNumber}
          </dd>
          <dt>受理机关</dt>
          <dd id="case-agency">{view.agencyName}</dd>
          <dt>办理状态</dt>
          <dd>
            <strong id="case-state">{view.state.label}</strong>
          </dd>
          <dt>说明</dt>
          <dd id="case-status-text">{view.statusText}</dd>
          <dt>提交日期</dt>
          <dd>
            <Day iso={view.submittedOn} />
          </dd>
          <dt>收到申请日期</dt>
          <dd id="case-received">{view.receivedOn ? <Day iso={view.receivedOn} /> : '尚待受理机关确认'}</dd>
          <dt>答复期限</dt>
          <dd id="case-reply-due">
            {view.replyDueOn ? (
              <>
                <Day iso={view.replyDueOn} />
                {estimated}
              </>
            ) : view.state.closed ? (
              '—'
            ) : (
              '确认收到申请后计算'
            )}
            {view.dueExplanation ? <p class="hint">{view.dueExplanation}</p> : null}
          </dd>
          {view.closedOn ? (
            <>
              <dt>办结日期</dt>
              <dd>
                <Day iso={view.closedOn} />
              </dd>
            </>
          ) : null}
          {view.outcome ? (
            <>
              <dt>办理结果</dt>
              <dd id="case-outcome">{view.outcome.label}</dd>
            </>
          ) : null}
        </dl>
        {view.provisional ? (
          <p class="hint">
            （推算）：有关年度的法定节假日安排尚未全部公布，该日期按已知规则推算，公布后可能调整。
          </p>
        ) : null}
      </div>

      <h2>告知书</h2>
      {view.letters.length === 0 ? (
        <p>暂无。</p>
      ) : (
        <ol class="letters">
          {view.letters.map((l, i) => {
            const kind = applicantLetterKindOf(l.type);
            return (
              <li key={i} class="card">
                <h3>
                  {l.title} <span class="muted">（<Day iso={l.date} />）</span>
                </h3>
                <p>{l.text}</p>
                {downloads && kind ? (
                  <DownloadForm d={downloads} action="/track/letter" fields={{ kind, seq: String(seqOf[i]) }} label={`下载${l.title}（Word 文档）`} />
                ) : null}
              </li>
            );
          })}
        </ol>
      )}

      {attachments.length > 0 && downloads ? (
        <>
          <h2>提供给您的文件</h2>
          <ul class="attachments">
            {attachments.map((a) => (
              <li key={a.id} class="card">
                <span class="filename">{a.filename}</span> <span class="muted small">（{sizeText(a.size)}）</span>
                <DownloadForm d={downloads} action="/track/attachment" fields={{ attachmentId: String(a.id) }} label={`下载${a.filename}`} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p>
        <a href="/track">查询其他申请</a> · <a href="/">返回首页</a>
      </p>
    </Layout>
  );
}
