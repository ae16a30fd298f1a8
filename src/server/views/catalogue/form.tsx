/**
 * The draft form of a catalogue item: GET/POST /admin/catalogue/new (with the agency and an
 * optional hand-typed 索引号) and /admin/catalogue/:id/edit (the open version, with the item's
 * version for optimistic concurrency). Every field has its label, hint and error tied with aria;
 * what was typed is shown again after an error or a conflict.
 */
import { Fragment } from 'preact';
import type { AgencyKind } from '../../../db/schema.js';
import { categoriesFor, DISCLOSURE_LABELS, LAW_CATEGORIES, SUBJECTS, VALIDITY_LABELS } from '../../../catalogue/categories.js';
import { MAX_BODY_CHARS } from '../../../catalogue/catalogue.schema.js';
import { PUBLICATION_LIMIT_WORKING_DAYS } from '../../../catalogue/catalogue.service.js';
import type { StaffVersionOut } from '../../../catalogue/catalogue.presenter.js';
import { AGENCY_KIND_LABELS } from '../../../agencies/agency.repository.js';
import { ErrorSummary, SelectField, TextArea, TextField, type FormErrors, type FormValues } from '../applications/fields.js';
import { Layout, type PageUser } from '../layout.js';

export const DRAFT_LABELS: Record<string, string> = {
  agencyId: '发布机关',
  title: '名称',
  summary: '内容概述',
  body: '正文',
  category: '信息类别',
  subject: '主题分类',
  disclosure: '公开属性',
  docNumber: '文号',
  writtenOn: '成文日期',
  publisher: '发布机构',
  indexNumber: '索引号',
  validity: '有效性',
  validityOn: '有效性变更日期',
  repealedBy: '废止文件',
  formedOn: '信息形成（变更）日期',
  changeNote: '修改说明',
};

export const DRAFT_IDS: Record<string, string> = Object.fromEntries(Object.keys(DRAFT_LABELS).map((k) => [k, `d-${k}`]));

/** The form's values from a version (for editing). */
export function versionValues(v: StaffVersionOut): Record<string, string> {
  return {
    title: v.title,
    summary: v.summary,
    body: v.body,
    category: v.category.id,
    subject: v.subject,
    disclosure: v.disclosure.id,
    docNumber: v.docNumber ?? '',
    writtenOn: v.writtenOn ?? '',
    publisher: v.publisher,
    validity: v.validity.id,
    validityOn: v.validityOn ?? '',
    repealedBy: v.repealedBy ?? '',
    formedOn: v.formedOn,
    changeNote: v.changeNote ?? '',
  };
}

interface Common {
  user: PageUser;
  csrfToken: string;
  values: FormValues;
  errors: FormErrors;
  today: string;
  /** A message above the form (why it was refused). */
  error?: string | null;
}

export type DraftFormProps = Common &
  (
    | { mode: 'new'; agencies: ReadonlyArray<{ id: number; name: string; kind: AgencyKind }> }
    | {
        mode: 'edit';
        itemId: number;
        /** The item's version the form sends back. */
        version: number;
        agency: { id: number; name: string; kind: AgencyKind };
        indexNumber: string | null;
        versionNumber: number;
        /** On a conflict: what is saved now, to compare with what was typed. */
        saved?: StaffVersionOut | null;
      }
  );

const entries = (labels: Readonly<Record<string, string>>) => Object.entries(labels) as Array<[string, string]>;

/** The categories as option groups: 第二十条 for all; 第二十一条 for the kinds concerned. */
function categoryGroups(kinds: readonly AgencyKind[]) {
  const allowed = new Set(kinds.flatMap((k) => categoriesFor(k).map((c) => c.id)));
  const groups: Array<{ label: string; options: Array<[string, string]> }> = [
    { label: '条例第二十条（各级行政机关）', options: [] },
    { label: '条例第二十一条（县级以上人民政府及其部门）', options: [] },
    { label: '条例第二十一条（乡镇人民政府）', options: [] },
  ];
  for (const c of LAW_CATEGORIES) {
    if (!allowed.has(c.id)) continue;
    const g = c.id.startsWith('art20.') ? groups[0]! : c.id.startsWith('art21.county.') ? groups[1]! : groups[2]!;
    g.options.push([c.id, `${c.code} ${c.label}`]);
  }
  return groups.filter((g) => g.options.length > 0);
}

function CategorySelect(p: { value: string | undefined; error: string | undefined; kinds: readonly AgencyKind[]; hint: string }) {
  const id = DRAFT_IDS.category!;
  const described = [`${id}-hint`, p.error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <label for={id}>
        {DRAFT_LABELS.category}
        <span class="req"> （必填）</span>
      </label>
      <p class="hint" id={`${id}-hint`}>
        {p.hint}
      </p>
      {p.error ? (
        <p class="field-error" id={`${id}-error`}>
          {p.error}
        </p>
      ) : null}
      <select id={id} name="category" required aria-invalid={p.error ? 'true' : undefined} aria-describedby={described}>
        <option value="">请选择</option>
        {categoryGroups(p.kinds).map((g) => (
          <optgroup key={g.label} label={g.label}>
            {g.options.map(([v, l]) => (
              <option key={v} value={v} selected={v === p.value}>
                {l}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </div>
  );
}

export function DraftFormPage(p: DraftFormProps) {
  const v = p.values;
  const e = p.errors;
  const field = (name: string) => ({ id: DRAFT_IDS[name]!, name, label: DRAFT_LABELS[name]!, error: e[name], value: v[name] });
  const isNew = p.mode === 'new';
  const kinds = isNew ? [...new Set(p.agencies.map((a) => a.kind))] : [p.agency.kind];
  const title = isNew ? '起草主动公开信息' : `修改草稿：${v.title || '（无名称）'}`;
  const action = isNew ? '/admin/catalogue/new' : `/admin/catalogue/${p.itemId}/edit`;
  const categoryHint =
    kinds.length > 1
      ? `按条例第二十条、第二十一条选择。第二十一条的事项只适用于${kinds.map((k) => AGENCY_KIND_LABELS[k]).join('、')}中的相应机关，保存时按所选机关核对。`
      : '按条例第二十条、第二十一条选择；类别编号用于生成索引号。';
  return (
    <Layout title={title} area="admin" user={p.user} csrfToken={p.csrfToken}>
      <p class="crumbs">
        <a href="/admin">工作台</a> › <a href="/admin/catalogue">主动公开</a>
        {isNew ? null : (
          <>
            {' '}
            › <a href={`/admin/catalogue/${p.itemId}`}>信息详情</a>
          </>
        )}
      </p>
      <h1>{title}</h1>
      {isNew ? (
        <p>保存后为草稿，可继续修改和上传附件；提交审核、经审核同意后在公开平台发布（条例第十七条）。</p>
      ) : (
        <p>
          {p.agency.name} · 第 {p.versionNumber} 版 · 索引号 {p.indexNumber ?? '发布时自动生成'}
        </p>
      )}
      {isNew && p.agencies.length === 0 ? (
        <p class="error" role="alert">
          您没有在任何机关起草公开信息的权限（需要信息员、审核人或负责人角色）。
        </p>
      ) : (
        <form method="post" action={action} class="stack" novalidate>
          <ErrorSummary errors={e} ids={DRAFT_IDS} labels={DRAFT_LABELS} title={p.error ?? '提交的内容有误，请修改后重新提交：'}>
            {p.error && Object.keys(e).length === 0 ? <p>本页保留了您填写的内容。</p> : null}
          </ErrorSummary>
          {!isNew && p.saved ? <SavedVersion saved={p.saved} /> : null}
          <input type="hidden" name="_csrf" value={p.csrfToken} />
          {isNew ? null : <input type="hidden" name="version" value={String(p.version)} />}
          <fieldset class="section">
            <legend>信息</legend>
            {isNew ? (
              <SelectField
                {...field('agencyId')}
                required
                options={p.agencies.map((a) => [String(a.id), a.name] as const)}
                placeholder={p.agencies.length === 1 ? null : '请选择'}
                hint="以哪个机关的名义公开。只列出您可以起草的机关。"
              />
            ) : null}
            <TextField {...field('title')} required maxLength={200} hint="信息的名称，通常即文件标题。" />
            <TextArea {...field('summary')} required maxLength={1000} rows={3} hint="一两句话说明内容（条例第十二条：政府信息公开目录的内容概述）。" />
            <TextArea {...field('body')} maxLength={MAX_BODY_CHARS} rows={12} hint="信息的全文；原件可作为附件上传（PDF、Word 等）。" />
          </fieldset>
          <fieldset class="section">
            <legend>分类</legend>
            <CategorySelect value={v.category} error={e.category} kinds={kinds} hint={categoryHint} />
            <SelectField {...field('subject')} required options={SUBJECTS.map((s) => [s, s] as const)} hint="国务院公文主题分类。" />
            <SelectField
              {...field('disclosure')}
              options={entries(DISCLOSURE_LABELS)}
              placeholder={null}
              hint="只有“主动公开”的信息在公开平台显示；依申请公开、不予公开的信息经审核后只列入内部目录。"
            />
          </fieldset>
          <fieldset class="section">
            <legend>文件信息</legend>
            <TextField {...field('docNumber')} maxLength={100} hint="有文号的填写，例如 永政发〔2026〕3号。" />
            <TextField {...field('writtenOn')} type="date" hint={`文件的成文日期，不能晚于今天（${p.today}）。`} />
            <TextField {...field('publisher')} maxLength={100} hint={`不填则为${isNew ? '发布机关的名称' : `“${p.agency.name}”`}。`} />
            {isNew ? (
              <TextField
                {...field('indexNumber')}
                maxLength={60}
                hint="一般不填：首次发布时按本机关的索引号格式自动生成。只有补录已有编号的信息时填写（字母、数字和 - _ / .）。"
              />
            ) : null}
          </fieldset>
          <fieldset class="section">
            <legend>有效性</legend>
            <SelectField {...field('validity')} options={entries(VALIDITY_LABELS)} placeholder={null} />
            <TextField {...field('validityOn')} type="date" hint="失效或废止的填写失效、废止之日。" />
            <TextField {...field('repealedBy')} maxLength={200} hint="废止的填写废止它的文件名称或文号。" />
          </fieldset>
          <fieldset class="section">
            <legend>公开时限</legend>
            <TextField
              {...field('formedOn')}
              type="date"
              required
              hint={`信息形成或者变更之日。应自该日起${PUBLICATION_LIMIT_WORKING_DAYS}个工作日内公开（条例第二十六条）；不能晚于今天（${p.today}）。`}
            />
            {!isNew && p.versionNumber > 1 ? <TextArea {...field('changeNote')} maxLength={500} rows={2} hint="本版与上一版相比改了什么，将在公开平台的版本记录中显示。" /> : null}
          </fieldset>
          <button type="submit">{isNew ? '保存草稿' : '保存修改'}</button>
        </form>
      )}
    </Layout>
  );
}

/** On a conflict: the version as saved now, next to the form with what the user typed. */
function SavedVersion({ saved }: { saved: StaffVersionOut }) {
  const rows: Array<[string, string]> = [
    ['状态', saved.stateLabel],
    ['名称', saved.title],
    ['内容概述', saved.summary],
    ['信息类别', `${saved.category.code} ${saved.category.label}`],
    ['主题分类', saved.subject],
    ['文号', saved.docNumber ?? '—'],
    ['信息形成（变更）日期', saved.formedOn],
    ['正文', saved.body || '—'],
  ];
  return (
    <details class="card" open>
      <summary>当前已保存的内容（他人刚刚保存的版本）</summary>
      <dl class="meta">
        {rows.map(([k, val]) => (
          <Fragment key={k}>
            <dt>{k}</dt>
            <dd class="pre">{val}</dd>
          </Fragment>
        ))}
      </dl>
    </details>
  );
}
