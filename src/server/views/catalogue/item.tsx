/**
 * The item page of the back office (GET /admin/catalogue/:id): the metadata of the version being
 * worked on (else the published one), its publication clock, its attachments, one form per action
 * the actor may take now (getItemForStaff().can), and every version with its review timeline
 * (条例第十七条: who, when, conclusion, basis). Each form sends the item's version; a refused
 * form is shown again with what was typed.
 */
import type { ComponentChildren } from 'preact';
import { PUBLICATION_LIMIT_WORKING_DAYS } from '../../../catalogue/catalogue.service.js';
import { REVIEW_CONCLUSIONS } from '../../../catalogue/catalogue.schema.js';
import { currentVersion, levelText, type StaffItemOut, type StaffVersionOut } from '../../../catalogue/catalogue.presenter.js';
import { ACCEPTED_FILES_TEXT } from '../../../catalogue/files.js';
import type { WordFinding } from '../../../catalogue/sensitive.js';
import { chinaTime } from '../applications/case.js';
import { CheckboxField, ErrorSummary, TextArea, TextField, type FormErrors, type FormValues } from '../applications/fields.js';
import { Layout, type PageUser } from '../layout.js';
import type { ItemAction } from './desk.js';

/** A refused form, shown again: which one, what was typed, what was wrong. */
export interface ItemSubmission {
  form: ItemAction | 'upload' | 'remove_file';
  values: FormValues;
  errors: FormErrors;
}

export interface ItemPageProps {
  user: PageUser;
  csrfToken: string;
  item: StaffItemOut;
  /** The word check of the open version (when the actor may submit it). */
  findings: readonly WordFinding[] | null;
  /** Files whose text could be extracted. */
  searchable: ReadonlySet<number>;
  maxUploadBytes: number;
  notice?: string | null;
  error?: string | null;
  submission?: ItemSubmission | null;
}

export const ACCEPT_ATTRIBUTE = '.pdf,.docx,.xlsx,.ofd,.jpg,.jpeg,.png,.txt';

export function fileSize(n: number): string {
  if (n < 1024) return `${n} 字节`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

export function ItemPage(p: ItemPageProps) {
  const { item } = p;
  const cur = currentVersion(item);
  const title = cur?.title ?? '（无版本）';
  return (
    <Layout title={title} area="admin" user={p.user} csrfToken={p.csrfToken}>
      <p class="crumbs">
        <a href="/admin">工作台</a> › <a href="/admin/catalogue">主动公开</a>
      </p>
      <h1>
        {title}
        <span class="muted small"> · {stateText(item, cur)}</span>
      </h1>
      <nav class="page-nav" aria-label="本页内容">
        <a href="#h-clock">公开时限</a> <a href="#h-meta">目录信息</a> <a href="#h-files">附件</a> <a href="#h-actions">办理</a> <a href="#h-versions">版本与审核记录</a>
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
          {p.submission && p.submission.form !== 'upload' && p.submission.form !== 'remove_file' ? <p>本页已显示最新情况；您填写的内容保留在下方表单中，请核对后重新提交。</p> : null}
        </div>
      ) : null}
      <Clock item={item} cur={cur} />
      {cur?.state === 'returned' ? <Returned v={cur} /> : null}
      <section aria-labelledby="h-meta">
        <h2 id="h-meta">目录信息{cur && item.versions.length > 1 ? `（第${cur.number}版）` : ''}</h2>
        {cur ? <Meta item={item} v={cur} /> : <p>该信息没有版本。</p>}
      </section>
      <Files p={p} cur={cur} />
      <section aria-labelledby="h-actions">
        <h2 id="h-actions">办理</h2>
        <Actions p={p} cur={cur} />
      </section>
      <section aria-labelledby="h-versions">
        <h2 id="h-versions">版本与审核记录</h2>
        {item.versions.map((v) => (
          <VersionRecord key={v.id} v={v} current={v.id === cur?.id} />
        ))}
      </section>
    </Layout>
  );
}

function stateText(item: StaffItemOut, cur: StaffVersionOut | undefined): string {
  if (!cur) return '无版本';
  if (cur.id === item.publishedVersionId && item.withdrawn) return '已撤回';
  if (cur.state === 'in_review' && cur.awaiting) return `审核中：第${cur.awaiting.level}级 ${cur.awaiting.label}`;
  return cur.stateLabel;
}

function Clock({ item, cur }: { item: StaffItemOut; cur: StaffVersionOut | undefined }) {
  const c = item.clock;
  const published = item.versions.find((v) => v.id === item.publishedVersionId);
  return (
    <section aria-labelledby="h-clock">
      <h2 id="h-clock">公开时限</h2>
      {c ? (
        <>
          <p class={c.late ? 'status overdue' : 'status'}>
            <strong>{c.late ? `已超过公开时限${-c.remainingWorkingDays}个工作日` : c.remainingWorkingDays === 0 ? '今天是公开时限的最后一天' : `剩余 ${c.remainingWorkingDays} 个工作日`}</strong>
          </p>
          <p class="explain">
            信息形成（变更）日期 {c.formedOn}，应于 <strong>{c.dueOn}</strong>
            {c.provisional ? '（推算）' : ''} 前公开（自形成或者变更之日起{PUBLICATION_LIMIT_WORKING_DAYS}个工作日内，条例第二十六条）。
          </p>
          {c.provisional ? <p class="warning">期限为推算：相关年度的节假日安排尚未录入，按周一至周五计算。</p> : null}
        </>
      ) : null}
      {cur?.state === 'in_review' && cur.awaiting ? (
        <p>
          等待审核：第{cur.awaiting.level}级「{cur.awaiting.label}」，由{cur.awaiting.at === 'parent' ? '上级机关' : '本机关'}的{cur.awaiting.roleLabel}审核（第{cur.awaiting.round}轮送审）。
        </p>
      ) : null}
      {published ? (
        <p class={published.publishedLate ? 'error' : undefined}>
          {item.openVersionId ? `公开平台现为第${published.number}版，` : ''}
          {published.publishedOn}发布{published.publishedLate ? `，超过公开时限（应于${published.dueOn}前公开）` : ''}。
          {item.firstPublishedOn && item.firstPublishedOn !== published.publishedOn ? `首次发布于${item.firstPublishedOn}。` : ''}
        </p>
      ) : null}
      {item.withdrawn ? (
        <p class="error">
          已于 {chinaTime(item.withdrawn.at)} 从公开平台撤回{item.withdrawn.reason ? `，理由：${item.withdrawn.reason}` : ''}。
        </p>
      ) : null}
      {!c && !published && !item.withdrawn ? <p>该信息没有待公开的版本。</p> : null}
    </section>
  );
}

/** Why the version came back: the last return, where the clerk sees it first. */
function Returned({ v }: { v: StaffVersionOut }) {
  const r = [...v.reviews].reverse().find((x) => x.conclusion === 'returned');
  if (!r) return null;
  return (
    <div class="warn" role="note">
      <p>
        <strong>
          退回修改：{r.reviewer}（第{r.level}级「{r.levelLabel}」，{chinaTime(r.at)}）
        </strong>
      </p>
      <p class="pre">审核意见：{r.comment ?? '—'}</p>
      <p class="pre">审查依据：{r.basis}</p>
    </div>
  );
}

function Meta({ item, v }: { item: StaffItemOut; v: StaffVersionOut }) {
  const row = (label: string, value: string | null, cls?: string) => (
    <>
      <dt>{label}</dt>
      <dd class={cls}>{value ?? '—'}</dd>
    </>
  );
  return (
    <>
      <dl class="meta">
        {row('索引号', item.indexNumber ?? '首次发布时自动生成')}
        {row('名称', v.title)}
        {row('内容概述', v.summary, 'pre')}
        {row('发布机构', v.publisher)}
        {row('文号', v.docNumber)}
        {row('成文日期', v.writtenOn)}
        {row('信息类别', `${v.category.code} ${v.category.label}（${v.category.basis}）`)}
        {row('主题分类', v.subject)}
        {row('公开属性', v.disclosure.label)}
        {row('有效性', `${v.validity.label}${v.validityOn ? `（${v.validityOn}起）` : ''}${v.repealedBy ? `，废止文件：${v.repealedBy}` : ''}`)}
        {row('信息形成（变更）日期', v.formedOn)}
        {row('发布日期', v.publishedOn)}
        {v.changeNote ? row('修改说明', v.changeNote, 'pre') : null}
        {row('机关', item.agency.name)}
        {row('版本', `第${v.number}版（${v.stateLabel}）`)}
      </dl>
      <h3>正文</h3>
      {v.body ? <div class="pre card">{v.body}</div> : <p class="muted">（无正文）</p>}
    </>
  );
}

function Files({ p, cur }: { p: ItemPageProps; cur: StaffVersionOut | undefined }) {
  const { item } = p;
  const editable = item.can.edit && cur !== undefined && cur.id === item.openVersionId;
  const files = cur?.files ?? [];
  const sub = p.submission?.form === 'upload' || p.submission?.form === 'remove_file' ? p.submission : null;
  const uploadError = sub?.errors.file;
  return (
    <section aria-labelledby="h-files" id="files">
      <h2 id="h-files">附件{cur ? `（第${cur.number}版）` : ''}</h2>
      {files.length === 0 ? (
        <p>没有附件。</p>
      ) : (
        <ul class="files">
          {files.map((f) => (
            <li key={f.id}>
              <a href={`/admin/catalogue/${item.id}/files/${f.id}`} download>
                {f.filename}
              </a>{' '}
              <span class="muted small">
                {fileSize(f.size)}
                {p.searchable.has(f.id) ? '，已提取文字供检索' : '，未能提取文字（扫描件或图片）'}
              </span>
              {editable ? (
                <form method="post" action={`/admin/catalogue/${item.id}/files/${f.id}/remove`} class="inline">
                  <input type="hidden" name="_csrf" value={p.csrfToken} />
                  <input type="hidden" name="version" value={String(item.version)} />{' '}
                  <button type="submit" class="link" aria-label={`删除附件「${f.filename}」`}>
                    删除
                  </button>
                </form>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {editable ? (
        <form
          method="post"
          action={`/admin/catalogue/${item.id}/files?_csrf=${encodeURIComponent(p.csrfToken)}`}
          enctype="multipart/form-data"
          class={sub?.form === 'upload' ? 'stack card active' : 'stack card'}
          novalidate
        >
          <input type="hidden" name="version" value={String(item.version)} />
          <div class={uploadError ? 'field has-error' : 'field'}>
            <label for="upload-file">上传附件</label>
            <p class="hint" id="upload-file-hint">
              可上传{ACCEPTED_FILES_TEXT}，每个不超过 {Math.floor(p.maxUploadBytes / (1024 * 1024))} MB。文件按内容检查，扩展名须与内容一致。
            </p>
            {uploadError ? (
              <p class="field-error" id="upload-file-error">
                {uploadError}
              </p>
            ) : null}
            <input
              id="upload-file"
              name="file"
              type="file"
              accept={ACCEPT_ATTRIBUTE}
              aria-invalid={uploadError ? 'true' : undefined}
              aria-describedby={uploadError ? 'upload-file-hint upload-file-error' : 'upload-file-hint'}
            />
          </div>
          <button type="submit">上传</button>
        </form>
      ) : item.openVersionId && cur?.state === 'in_review' ? (
        <p class="muted">审核中的版本不能更改附件。</p>
      ) : null}
    </section>
  );
}

function Actions({ p, cur }: { p: ItemPageProps; cur: StaffVersionOut | undefined }) {
  const { item } = p;
  const can = item.can;
  const sub = (form: ItemAction) => (p.submission?.form === form ? p.submission : null);
  const forms = [];
  if (can.edit) {
    forms.push(
      <section key="edit" class="card action" id="act-edit" aria-labelledby="act-edit-h">
        <h3 id="act-edit-h">修改</h3>
        <p>
          <a class="button" href={`/admin/catalogue/${item.id}/edit`}>
            修改草稿
          </a>
        </p>
      </section>,
    );
  }
  if (can.submit) forms.push(<SubmitForm key="submit" p={p} sub={sub('submit')} />);
  if (can.review && cur) forms.push(<ReviewForm key="review" p={p} cur={cur} sub={sub('review')} />);
  if (can.revise) {
    forms.push(
      <SimpleForm key="revise" p={p} action="revise" title="修订" button="修订（生成新版本）" sub={sub('revise')}>
        <p>复制已发布的版本为新的草稿。新版本经审核发布前，公开平台仍显示当前版本。</p>
      </SimpleForm>,
    );
  }
  if (can.discard) {
    forms.push(
      <SimpleForm key="discard" p={p} action="discard" title="放弃草稿" button="放弃此草稿" sub={sub('discard')}>
        <p>{item.publishedVersionId ? '放弃本次修改；已发布的版本不受影响。' : '放弃后该信息不再出现在待办列表中（记录保留）。'}</p>
      </SimpleForm>,
    );
  }
  if (can.withdraw) {
    const s = sub('withdraw');
    forms.push(
      <SimpleForm key="withdraw" p={p} action="withdraw" title="撤回" button="从公开平台撤回" sub={s}>
        <TextArea id="act-withdraw-reason" name="reason" label="撤回理由" required maxLength={500} rows={2} value={s?.values.reason} error={s?.errors.reason} hint="记入审核记录，例如：发现含有个人信息，撤回处理。" />
      </SimpleForm>,
    );
  }
  if (forms.length === 0) return <p>{nothingToDo(item, cur)}</p>;
  return <div class="action-list">{forms}</div>;
}

function nothingToDo(item: StaffItemOut, cur: StaffVersionOut | undefined): string {
  if (cur?.state === 'in_review' && cur.awaiting) return `该信息正在等待“${levelText({ label: cur.awaiting.label, role: cur.awaiting.role, at: cur.awaiting.at })}”审核，您当前没有可以办理的事项。`;
  if (item.withdrawn) return '该信息已撤回，您当前没有可以办理的事项。';
  return '您对该信息没有可以办理的事项。';
}

function SimpleForm(p: { p: ItemPageProps; action: ItemAction; title: string; button: string; sub: ItemSubmission | null; children?: ComponentChildren }) {
  const id = `act-${p.action}`;
  return (
    <section class={p.sub ? 'card action active' : 'card action'} id={id} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{p.title}</h3>
      <form method="post" action={`/admin/catalogue/${p.p.item.id}/${p.action}`} class="stack" novalidate>
        <input type="hidden" name="_csrf" value={p.p.csrfToken} />
        <input type="hidden" name="version" value={String(p.p.item.version)} />
        {p.children}
        <button type="submit">{p.button}</button>
      </form>
    </section>
  );
}

function SubmitForm({ p, sub }: { p: ItemPageProps; sub: ItemSubmission | null }) {
  const findings = p.findings ?? [];
  const sensitive = findings.filter((f) => f.kind === 'sensitive');
  const typos = findings.filter((f) => f.kind === 'typo');
  const error = sub?.errors.confirmWords ?? sub?.errors._form;
  return (
    <section class={sub ? 'card action active' : 'card action'} id="act-submit" aria-labelledby="act-submit-h">
      <h3 id="act-submit-h">提交审核</h3>
      {findings.length === 0 ? <p>词表检查：未发现敏感词或易错词。</p> : null}
      {sensitive.length ? (
        <div class="error" role="note">
          <p>
            <strong>含有敏感词，不能提交，请修改后再提交：</strong>
          </p>
          <ul>
            {sensitive.map((f, i) => (
              <li key={i}>
                「{f.word}」在{f.field}中出现{f.count}次：…{f.context}…
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {typos.length ? (
        <div class="warning" role="note">
          <p>
            <strong>发现疑似错别字，请逐一核对：</strong>
          </p>
          <ul>
            {typos.map((f, i) => (
              <li key={i}>
                「{f.word}」{f.suggestion ? `应为「${f.suggestion}」` : ''}，在{f.field}中出现{f.count}次：…{f.context}…
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {sensitive.length ? (
        <p>
          <a href={`/admin/catalogue/${p.item.id}/edit`}>修改草稿</a>
        </p>
      ) : (
        <form method="post" action={`/admin/catalogue/${p.item.id}/submit`} class="stack" novalidate>
          <input type="hidden" name="_csrf" value={p.csrfToken} />
          <input type="hidden" name="version" value={String(p.item.version)} />
          {error ? (
            <p class="field-error" id="act-submit-error">
              {error}
            </p>
          ) : null}
          {typos.length ? (
            <CheckboxField
              id="act-submit-confirm"
              name="confirmWords"
              label="已核对：以上疑似错别字确认无误"
              checked={sub?.values.confirmWords === '1'}
              error={sub?.errors.confirmWords}
            />
          ) : null}
          <button type="submit">提交审核</button>
        </form>
      )}
    </section>
  );
}

function ReviewForm({ p, cur, sub }: { p: ItemPageProps; cur: StaffVersionOut; sub: ItemSubmission | null }) {
  const errors = sub?.errors ?? {};
  const values = sub?.values ?? {};
  const ids = { conclusion: 'act-review-conclusion', basis: 'act-review-basis', comment: 'act-review-comment' };
  const labels = { conclusion: '审核结论', basis: '审查依据', comment: '审核意见' };
  const level = cur.awaiting;
  return (
    <section class={sub ? 'card action active' : 'card action'} id="act-review" aria-labelledby="act-review-h">
      <h3 id="act-review-h">审核{level ? `：第${level.level}级「${level.label}」` : ''}</h3>
      <form method="post" action={`/admin/catalogue/${p.item.id}/review`} class="stack" novalidate>
        <ErrorSummary errors={errors} ids={ids} labels={labels} />
        <input type="hidden" name="_csrf" value={p.csrfToken} />
        <input type="hidden" name="version" value={String(p.item.version)} />
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
        <TextField
          id={ids.basis}
          name="basis"
          label={labels.basis}
          required
          maxLength={500}
          value={values.basis}
          error={errors.basis}
          hint="例如：经审查，符合条例第二十条规定，不涉及国家秘密、商业秘密和个人隐私，可以公开。"
        />
        <TextArea id={ids.comment} name="comment" label={labels.comment} maxLength={2000} rows={3} value={values.comment} error={errors.comment} hint="退回修改时必填：写明需要修改的内容。" />
        <button type="submit">提交审核结论</button>
      </form>
    </section>
  );
}

function VersionRecord({ v, current }: { v: StaffVersionOut; current: boolean }) {
  return (
    <section class="card" aria-labelledby={`h-v${v.number}`}>
      <h3 id={`h-v${v.number}`}>
        第{v.number}版 · {v.stateLabel}
        {current ? <span class="muted small">（本页所示）</span> : null}
      </h3>
      <dl class="meta">
        <dt>名称</dt>
        <dd>{v.title}</dd>
        <dt>起草人</dt>
        <dd>{v.author}</dd>
        <dt>创建时间</dt>
        <dd>{chinaTime(v.createdAt)}</dd>
        {v.submittedAt ? (
          <>
            <dt>最近送审</dt>
            <dd>{chinaTime(v.submittedAt)}</dd>
          </>
        ) : null}
        {v.publishedOn ? (
          <>
            <dt>发布日期</dt>
            <dd class={v.publishedLate ? 'error' : undefined}>
              {v.publishedOn}
              {v.publishedLate ? '（超过公开时限）' : ''}
            </dd>
          </>
        ) : null}
        {v.changeNote ? (
          <>
            <dt>修改说明</dt>
            <dd class="pre">{v.changeNote}</dd>
          </>
        ) : null}
        <dt>审核流程</dt>
        <dd>{v.chain.map((l, i) => `${i + 1}. ${levelText(l)}`).join('；')}</dd>
      </dl>
      {v.reviews.length === 0 ? (
        <p class="muted">尚无审核记录。</p>
      ) : (
        <div class="table-wrap" role="region" aria-label={`第${v.number}版的审核记录`} tabindex={0}>
          <table class="reviews catalogue-reviews">
            <caption>第{v.number}版的审核记录（不可修改）</caption>
            <thead>
              <tr>
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
              {v.reviews.map((r, i) => (
                  <tr key={i} class={r.conclusion === 'returned' ? 'returned' : undefined}>
                    <td>第{r.round}轮</td>
                    <th scope="row">
                      第{r.level}级 {r.levelLabel}
                    </th>
                    <td>{r.reviewer}</td>
                    <td>{chinaTime(r.at)}</td>
                    <td>{r.conclusionLabel}</td>
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
