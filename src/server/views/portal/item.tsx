/**
 * A public item's page: the catalogue data (条例第12条 and common practice: 索引号, 发布机构, 文号,
 * 成文日期, 发布日期, 主题分类, 有效性, 条例 category), the body, the published version's
 * attachments, the version history (numbers, dates and change notes only) and the rating form
 * (有用 / 没用 + 意见).
 */
import { lawCategory } from '../../../catalogue/categories.js';
import { MAX_COMMENT, USEFUL_LABELS } from '../../../portal/feedback.js';
import type { AgencyRow } from '../../../portal/columns.js';
import type { PublicFile, PublicItem, PublicVersion } from '../../../portal/public-catalogue.js';
import { Layout } from '../layout.js';
import { ErrorSummary, RadioGroup, TextArea, type FormErrors, type FormValues } from '../public/fields.js';
import { Breadcrumbs, columnTrail, columnUrl, Day, Flash, itemUrl, mediaLabel, sizeText, validityLabel } from './common.js';

export const RATING_FIELDS = ['useful', 'comment'] as const;

export interface ItemPageProps {
  column: AgencyRow;
  item: PublicItem;
  files: readonly PublicFile[];
  history: ReadonlyArray<Omit<PublicVersion, 'title'>>;
  /**
   * Only when the page answers a POST (errors, a confirmation): the page a GET answers is the same
   * for every visitor, so that caches may keep it, and its rating form carries no token — the
   * browser vouches for it instead (server/csrf.ts).
   */
  csrfToken?: string;
  values: FormValues;
  errors: FormErrors;
  /** The rating was just recorded (Post/Redirect/Get). */
  thanks: boolean;
}

function Validity({ item }: { item: PublicItem }) {
  if (item.validity === 'valid') return <>有效</>;
  return (
    <>
      {validityLabel(item.validity)}
      {item.validityOn ? (
        <>
          （自 <Day iso={item.validityOn} /> 起）
        </>
      ) : null}
      {item.validity === 'repealed' && item.repealedBy ? <>，废止文件：{item.repealedBy}</> : null}
    </>
  );
}

export function ItemPage(p: ItemPageProps) {
  const { item, column } = p;
  const category = lawCategory(item.category);
  const hasErrors = Object.keys(p.errors).length > 0;
  return (
    <Layout title={`${hasErrors ? '错误：' : ''}${item.title}`} area="portal">
      <Breadcrumbs
        trail={columnTrail(
          column,
          { label: '法定主动公开内容', href: `${columnUrl(column.id)}/catalogue` },
          ...(category ? [{ label: category.label, href: `${columnUrl(column.id)}/catalogue?category=${encodeURIComponent(category.id)}` }] : []),
          { label: item.title },
        )}
      />
      <article class="item">
        <h1>{item.title}</h1>
        <table class="meta-table item-meta">
          <caption class="visually-hidden">信息的目录数据</caption>
          <tbody>
            <tr>
              <th scope="row">索引号</th>
              <td>{item.indexNumber ?? '—'}</td>
            </tr>
            <tr>
              <th scope="row">发布机构</th>
              <td>{item.publisher}</td>
            </tr>
            <tr>
              <th scope="row">文号</th>
              <td>{item.docNumber ?? '无'}</td>
            </tr>
            <tr>
              <th scope="row">成文日期</th>
              <td>
                <Day iso={item.writtenOn} />
              </td>
            </tr>
            <tr>
              <th scope="row">发布日期</th>
              <td>
                <Day iso={item.publishedOn} />
              </td>
            </tr>
            <tr>
              <th scope="row">主题分类</th>
              <td>{item.subject}</td>
            </tr>
            <tr>
              <th scope="row">信息类别</th>
              <td>
                {category ? (
                  <>
                    {category.label}
                    <span class="muted small">（{category.basis}）</span>
                  </>
                ) : (
                  item.category
                )}
              </td>
            </tr>
            <tr>
              <th scope="row">有效性</th>
              <td>
                <Validity item={item} />
              </td>
            </tr>
            <tr>
              <th scope="row">公开方式</th>
              <td>主动公开</td>
            </tr>
            <tr>
              <th scope="row">内容概述</th>
              <td class="pre">{item.summary}</td>
            </tr>
          </tbody>
        </table>
        {item.body.trim() ? (
          <section aria-labelledby="s-body">
            <h2 id="s-body">正文</h2>
            <div class="item-body pre">{item.body}</div>
          </section>
        ) : null}
        {p.files.length ? (
          <section aria-labelledby="s-files">
            <h2 id="s-files">附件</h2>
            <ul class="files">
              {p.files.map((f) => (
                <li key={f.id}>
                  <a href={`${itemUrl(item.id)}/files/${f.id}`} download={f.filename}>
                    {f.filename}
                  </a>{' '}
                  <span class="muted small">
                    （{mediaLabel(f.mediaType)}，{sizeText(f.size)}）
                  </span>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        <section aria-labelledby="s-history">
          <h2 id="s-history">版本记录</h2>
          {p.history.length > 1 ? (
            <table class="history">
              <thead>
                <tr>
                  <th scope="col">版本</th>
                  <th scope="col">发布日期</th>
                  <th scope="col">修改说明</th>
                </tr>
              </thead>
              <tbody>
                {p.history.map((h) => (
                  <tr key={h.number} aria-current={h.number === item.versionNumber ? 'true' : undefined}>
                    <td>
                      第 {h.number} 版{h.number === item.versionNumber ? '（现行）' : ''}
                    </td>
                    <td>
                      <Day iso={h.publishedOn} />
                    </td>
                    <td>{h.changeNote ?? (h.number === 1 ? '首次发布' : '—')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>
              首次发布于 <Day iso={item.firstPublishedOn ?? item.publishedOn} />，此后未修订。
            </p>
          )}
        </section>
      </article>
      <section aria-labelledby="feedback-title" id="feedback" class="card">
        <h2 id="feedback-title">这条信息对您有用吗？</h2>
        {p.thanks ? <Flash>感谢您的评价。我们会据此改进信息公开工作。</Flash> : null}
        <ErrorSummary errors={p.errors} order={RATING_FIELDS} title={p.errors._form ? '未能提交' : undefined} />
        <form method="post" action={`${itemUrl(item.id)}/feedback`} class="stack" novalidate>
          {p.csrfToken ? <input type="hidden" name="_csrf" value={p.csrfToken} /> : null}
          <RadioGroup
            name="useful"
            label="评价"
            required
            values={p.values}
            errors={p.errors}
            options={Object.entries(USEFUL_LABELS).map(([value, label]) => ({ value, label }))}
          />
          <TextArea name="comment" label="意见" values={p.values} errors={p.errors} maxLength={MAX_COMMENT} rows={3} hint={`不超过${MAX_COMMENT}字。请勿填写个人信息；如需答复，请使用意见和投诉表单。`} />
          <button type="submit">提交评价</button>
        </form>
        <p class="small">
          对{column.name}政府信息公开工作的意见和投诉：<a href={`${columnUrl(column.id)}/complaint`}>意见和投诉</a>
        </p>
      </section>
    </Layout>
  );
}
