/**
 * Administrators' pages of the catalogue: the word list (GET/POST /admin/catalogue/words) and an
 * agency's catalogue settings — 机构代码, review chain, 索引号 pattern with a preview
 * (GET/POST /admin/agencies/:id/catalogue).
 */
import { AGENCY_KIND_LABELS } from '../../../agencies/agency.repository.js';
import { REVIEW_AT_LABELS, REVIEW_ROLE_LABELS, levelText } from '../../../catalogue/catalogue.presenter.js';
import { DEFAULT_INDEX_PATTERN } from '../../../catalogue/index-number.js';
import { defaultChain, MAX_REVIEW_LEVELS } from '../../../catalogue/review-chain.js';
import type { CatalogueSettings } from '../../../catalogue/settings.js';
import { WORD_KIND_LABELS, type WordRow } from '../../../catalogue/words.js';
import { chinaTime } from '../applications/case.js';
import { CheckboxField, ErrorSummary, SelectField, TextField, type FormErrors, type FormValues } from '../applications/fields.js';
import { Layout, type PageUser } from '../layout.js';

// ---------------------------------------------------------------------------------------------
// The word list

const WORD_IDS = { word: 'w-word', kind: 'w-kind', suggestion: 'w-suggestion' };
const WORD_LABELS = { word: '词语', kind: '类型', suggestion: '正确写法' };

export function WordsPage(p: { user: PageUser; csrfToken: string; words: readonly WordRow[]; values: FormValues; errors: FormErrors; notice: string | null; error?: string | null }) {
  return (
    <Layout title="敏感词和易错词" area="admin" user={p.user} csrfToken={p.csrfToken}>
      <p class="crumbs">
        <a href="/admin">工作台</a> › <a href="/admin/catalogue">主动公开</a>
      </p>
      <h1>敏感词和易错词</h1>
      <p>
        信息提交审核前按本词表检查名称、内容概述、正文、文号和发布机构：含有<strong>敏感词</strong>的不能提交，须删改；含有<strong>易错词</strong>
        的须由提交人逐一核对、勾选“已核对”后才能提交。词表适用于本系统的所有机关。
      </p>
      {p.notice ? (
        <p class="flash" role="status">
          {p.notice}
        </p>
      ) : null}
      {p.error ? (
        <p class="error" role="alert">
          {p.error}
        </p>
      ) : null}
      <h2 id="h-add">添加</h2>
      <form method="post" action="/admin/catalogue/words" class="stack card" novalidate aria-labelledby="h-add">
        <ErrorSummary errors={p.errors} ids={WORD_IDS} labels={WORD_LABELS} />
        <input type="hidden" name="_csrf" value={p.csrfToken} />
        <TextField id={WORD_IDS.word} name="word" label={WORD_LABELS.word} required maxLength={50} value={p.values.word} error={p.errors.word} />
        <SelectField id={WORD_IDS.kind} name="kind" label={WORD_LABELS.kind} required options={Object.entries(WORD_KIND_LABELS)} value={p.values.kind} error={p.errors.kind} />
        <TextField
          id={WORD_IDS.suggestion}
          name="suggestion"
          label={WORD_LABELS.suggestion}
          maxLength={50}
          value={p.values.suggestion}
          error={p.errors.suggestion}
          hint="易错词必填，例如 “按排” 的正确写法 “安排”；敏感词不填。"
        />
        <button type="submit">添加</button>
      </form>
      <h2>词表（{p.words.length}个）</h2>
      {p.words.length === 0 ? (
        <p>词表是空的。</p>
      ) : (
        <div class="table-wrap" role="region" aria-label="词表" tabindex={0}>
          <table>
            <caption>敏感词和易错词</caption>
            <thead>
              <tr>
                <th scope="col">词语</th>
                <th scope="col">类型</th>
                <th scope="col">正确写法</th>
                <th scope="col">添加人</th>
                <th scope="col">添加时间</th>
                <th scope="col">操作</th>
              </tr>
            </thead>
            <tbody>
              {p.words.map((w) => (
                <tr key={w.id}>
                  <th scope="row">{w.word}</th>
                  <td>{w.kind === 'sensitive' ? '敏感词' : '易错词'}</td>
                  <td>{w.suggestion ?? '—'}</td>
                  <td>{w.createdBy ?? '—'}</td>
                  <td>{chinaTime(w.createdAt)}</td>
                  <td>
                    <form method="post" action={`/admin/catalogue/words/${w.id}/remove`} class="inline">
                      <input type="hidden" name="_csrf" value={p.csrfToken} />
                      <button type="submit" class="link" aria-label={`删除「${w.word}」`}>
                        删除
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// An agency's catalogue settings

export const LEVEL_ROWS = Array.from({ length: MAX_REVIEW_LEVELS }, (_, i) => i + 1);

export const SETTINGS_LABELS: Record<string, string> = {
  code: '机构代码',
  chain: '审核流程',
  indexPattern: '索引号格式',
  ...Object.fromEntries(LEVEL_ROWS.flatMap((n) => [[`level${n}Label`, `第${n}级 环节名称`], [`level${n}Role`, `第${n}级 审核角色`], [`level${n}At`, `第${n}级 审核机关`]])),
};

export const SETTINGS_IDS: Record<string, string> = {
  code: 's-code',
  chain: 's-default-chain',
  ...Object.fromEntries(LEVEL_ROWS.flatMap((n) => [[`level${n}Label`, `s-l${n}-label`], [`level${n}Role`, `s-l${n}-role`], [`level${n}At`, `s-l${n}-at`]])),
  indexPattern: 's-pattern',
};

/** The form's values from the settings in force. */
export function settingsValues(s: CatalogueSettings): Record<string, string> {
  const v: Record<string, string> = { code: s.code ?? '', indexPattern: s.indexPattern, defaultChain: s.chainIsDefault ? '1' : '' };
  s.chain.forEach((l, i) => {
    v[`level${i + 1}Label`] = l.label;
    v[`level${i + 1}Role`] = l.role;
    v[`level${i + 1}At`] = l.at;
  });
  return v;
}

export function CatalogueSettingsPage(p: {
  user: PageUser;
  csrfToken: string;
  settings: CatalogueSettings;
  values: FormValues;
  errors: FormErrors;
  saved: boolean;
  preview: { example: string; warnings: string[] } | null;
}) {
  const s = p.settings;
  const a = s.agency;
  const field = (name: string) => ({ id: SETTINGS_IDS[name]!, name, label: SETTINGS_LABELS[name]!, error: p.errors[name], value: p.values[name] });
  const defaults = defaultChain(a.kind);
  return (
    <Layout title={`目录设置：${a.name}`} area="admin" user={p.user} csrfToken={p.csrfToken}>
      <p class="crumbs">
        <a href="/admin">工作台</a> › <a href={`/admin/agencies/${a.id}/letters`}>告知书设置</a>
      </p>
      <h1>主动公开目录设置</h1>
      <p>
        {a.name}（{AGENCY_KIND_LABELS[a.kind]}
        {a.parentName ? `，上级机关：${a.parentName}` : ''}）
      </p>
      {p.saved ? (
        <p class="flash" role="status">
          已保存。
        </p>
      ) : null}
      {p.preview ? (
        <div class="notice" role="status">
          <p>
            按以上设置，本年第一条“01”类信息的索引号为：<strong class="code">{p.preview.example}</strong>
          </p>
          {p.preview.warnings.map((w, i) => (
            <p key={i} class="warning">
              {w}
            </p>
          ))}
          {p.saved ? null : <p>尚未保存。</p>}
        </div>
      ) : null}
      <ErrorSummary errors={p.errors} ids={SETTINGS_IDS} labels={SETTINGS_LABELS} />
      <form method="post" action={`/admin/agencies/${a.id}/catalogue`} class="stack" novalidate>
        <input type="hidden" name="_csrf" value={p.csrfToken} />
        <fieldset class="section">
          <legend>机构代码</legend>
          <TextField {...field('code')} maxLength={30} hint="统一社会信用代码或本地区规定的机构代码，用于索引号。修改后只影响此后发布的信息；已发布信息的索引号不变。" />
        </fieldset>
        <fieldset class="section">
          <legend>审核流程（条例第十七条）</legend>
          <p class="hint">
            信息发布前依次经过各级审核，最后一级同意后发布。可设1到{MAX_REVIEW_LEVELS}级；每级由本机关或上级机关的审核人或负责人决定；同一人不能审核同一稿件的两级，也不能审核自己起草的信息。修改只影响此后提交的信息。
          </p>
          <CheckboxField
            id={SETTINGS_IDS.chain!}
            name="defaultChain"
            label={`使用默认流程：${defaults.map((l, i) => `${i + 1}. ${levelText(l)}`).join('；')}`}
            checked={p.values.defaultChain === '1'}
            error={p.errors.chain}
            hint="勾选时忽略下面各级的设置。"
          />
          {LEVEL_ROWS.map((n) => (
              <fieldset class="subgroup" key={n}>
                <legend>第{n}级{n > 1 ? '（不需要时环节名称留空）' : ''}</legend>
                <TextField {...field(`level${n}Label`)} maxLength={20} hint={n === 1 ? '例如：科室审核、分管领导审批。' : undefined} />
                <SelectField {...field(`level${n}Role`)} options={Object.entries(REVIEW_ROLE_LABELS)} placeholder={null} />
                <SelectField {...field(`level${n}At`)} options={Object.entries(REVIEW_AT_LABELS)} placeholder={null} />
              </fieldset>
          ))}
        </fieldset>
        <fieldset class="section">
          <legend>索引号</legend>
          <TextField
            {...field('indexPattern')}
            maxLength={60}
            hint={`占位符：{code} 机构代码，{category} 类别号，{year} 年度，{serial} 流水号（4位；{serial:6} 为6位）；其间可用字母、数字和 - _ / .。必须含 {year} 和 {serial}。留空为默认格式 ${DEFAULT_INDEX_PATTERN}。`}
          />
        </fieldset>
        <div class="buttons">
          <button type="submit" name="preview" value="1" class="secondary">
            预览索引号
          </button>{' '}
          <button type="submit">保存</button>
        </div>
      </form>
    </Layout>
  );
}
