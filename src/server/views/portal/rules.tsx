/**
 * 政府信息公开制度: the national rules every column works under (cited, not reproduced), and the
 * agency's own rules — published catalogue items its administrator listed here (portal/rules.ts).
 * When there are none, the page says so.
 */
import type { AgencyRow } from '../../../portal/columns.js';
import type { RuleItem } from '../../../portal/rules.js';
import { Layout } from '../layout.js';
import { Breadcrumbs, ColumnNav, columnTrail, Day, itemUrl } from './common.js';

/** The national rules the platform implements (cited by name and number). */
export const NATIONAL_RULES: ReadonlyArray<{ title: string; number: string }> = [
  { title: '中华人民共和国政府信息公开条例', number: '国务院令第711号，2019年5月15日起施行' },
  { title: '政府信息公开信息处理费管理办法', number: '国办函〔2020〕109号' },
  { title: '国务院办公厅政府信息与政务公开办公室关于规范政府信息公开平台有关事项的通知', number: '国办公开办函〔2019〕61号' },
];

export function RulesPage({ column, items }: { column: AgencyRow; items: readonly RuleItem[] }) {
  return (
    <Layout title={`${column.name} 政府信息公开制度`} area="portal">
      <Breadcrumbs trail={columnTrail(column, { label: '政府信息公开制度' })} />
      <h1>{column.name} 政府信息公开制度</h1>
      <ColumnNav columnId={column.id} current="rules" />
      <h2>本机关的工作制度</h2>
      {items.length ? (
        <ol class="doc-list">
          {items.map((r) => (
            <li key={r.id}>
              <a href={itemUrl(r.id)} class="doc-title">
                {r.title}
              </a>
              <p class="doc-meta">
                <span>
                  发布日期：
                  <Day iso={r.publishedOn} />
                </span>
                {r.docNumber ? <span>文号：{r.docNumber}</span> : null}
                {r.indexNumber ? <span>索引号：{r.indexNumber}</span> : null}
              </p>
            </li>
          ))}
        </ol>
      ) : (
        <p class="notice" role="note">
          {column.name}尚未在本专栏登载本机关的政府信息公开工作制度。
        </p>
      )}
      <h2>依据的法规和规定</h2>
      <ul>
        {NATIONAL_RULES.map((r) => (
          <li key={r.title}>
            《{r.title}》（{r.number}）
          </li>
        ))}
      </ul>
    </Layout>
  );
}
