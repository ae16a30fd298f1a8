/**
 * 政府信息公开指南 (条例第12条), rendered from portal/guide.ts: what is published and how it is
 * arranged, how to obtain information, the disclosure office. A detail the agency has not
 * registered is shown as missing, with a note saying so; nothing is filled in.
 */
import type { Guide } from '../../../portal/guide.js';
import { Layout } from '../layout.js';
import { Breadcrumbs, ColumnNav, columnTrail, columnUrl } from './common.js';

const NOT_REGISTERED = '本机关尚未登记';

function Contact({ value, kind }: { value: string | null; kind?: 'email' | 'phone' | undefined }) {
  if (value === null) return <span class="missing">{NOT_REGISTERED}</span>;
  if (kind === 'email') return <a href={`mailto:${value}`}>{value}</a>;
  return <>{value}</>;
}

export function GuidePage({ guide, urls }: { guide: Guide; urls: { apply: string; track: string } }) {
  const { agency, office } = guide;
  const base = columnUrl(agency.id);
  return (
    <Layout title={`${agency.name} 政府信息公开指南`} area="portal">
      <Breadcrumbs trail={columnTrail(agency, { label: '政府信息公开指南' })} />
      <h1>{agency.name} 政府信息公开指南</h1>
      <ColumnNav columnId={agency.id} current="guide" />
      <p>
        依据《中华人民共和国政府信息公开条例》第十二条编制。本指南由本平台根据{agency.name}登记的信息生成，机关信息变更后随即更新。
      </p>

      <h2>一、政府信息公开工作机构</h2>
      <table class="meta-table">
        <tbody>
          <tr>
            <th scope="row">机构名称</th>
            <td>
              <Contact value={office.name} />
            </td>
          </tr>
          {office.contacts.map((c) => (
            <tr key={c.label}>
              <th scope="row">{c.label}</th>
              <td>
                <Contact value={c.value} kind={c.kind} />
              </td>
            </tr>
          ))}
          <tr>
            <th scope="row">互联网联系方式</th>
            <td>
              <a href={base}>本专栏</a>
              {guide.takesApplications ? (
                <>
                  {'；'}
                  <a href={urls.apply}>在线申请</a>
                </>
              ) : null}
            </td>
          </tr>
        </tbody>
      </table>
      {office.missing.length ? (
        <p class="notice" role="note">
          说明：{agency.name}尚未在本平台登记政府信息公开工作机构的{office.missing.join('、')}，本指南因此未列出这些内容；登记后本页随即更新。
          {guide.takesApplications ? '在此之前，可以通过本平台在线申请。' : ''}
        </p>
      ) : null}

      <h2>二、政府信息的分类</h2>
      <p>
        政府信息分为主动公开、依申请公开和不予公开三类。涉及公众利益调整、需要公众广泛知晓或者需要公众参与决策的政府信息，应当主动公开（条例第十九条）；其他政府信息，公民、法人或者其他组织可以申请获取（条例第二十七条）；依法确定为国家秘密等不予公开的情形，见条例第十四条至第十六条。
      </p>
      <p>本机关主动公开的政府信息按条例规定的类别编排：</p>
      <ol class="law-categories">
        {guide.categories.own.map((c) => (
          <li key={c.id}>
            <a href={`${base}/catalogue?category=${encodeURIComponent(c.id)}`}>{c.label}</a>
            <span class="muted small">（{c.basis}）</span>
          </li>
        ))}
      </ol>
      {guide.categories.others.length ? (
        <p>
          本专栏还收录下列机关（单位）发布的其他类别信息：
          {guide.categories.others.map((c, i) => (
            <span key={c.id}>
              {i ? '、' : ''}
              <a href={`${base}/catalogue?category=${encodeURIComponent(c.id)}`}>{c.label}</a>
            </span>
          ))}
          。
        </p>
      ) : null}

      <h2>三、政府信息公开目录的编排体系</h2>
      <p>
        政府信息公开目录按上述类别编排，同一类别内按发布日期由近及远排列，可以按类别、年度和发布机关筛选。每条信息列明索引号、名称、内容概述、发布机构、文号、成文日期、发布日期、主题分类和有效性。
      </p>
      <p>
        索引号的格式为：<span class="code-inline">{guide.indexNumber.words}</span>。
        {guide.indexNumber.codeMissing ? `${agency.name}的机构代码尚未登记，已发布信息的索引号以其实际显示为准。` : ''}
      </p>
      {guide.members.length ? <p>本专栏目录同时收录{guide.members.join('、')}发布的信息。</p> : null}

      <h2>四、获取政府信息的方式</h2>
      <h3>（一）主动公开</h3>
      <p>
        主动公开的政府信息在本专栏发布，自该信息形成或者变更之日起20个工作日内公开（条例第二十六条）。可以在<a href={`${base}/catalogue`}>目录</a>中查阅、
        <a href={`/xxgk/search?column=${agency.id}`}>检索</a>和下载附件，也可以<a href={`${base}/feed.atom`}>订阅</a>本专栏的新信息。
      </p>
      {guide.takesApplications ? (
        <>
          <h3>（二）依申请公开</h3>
          <p>
            公民、法人或者其他组织可以向{agency.name}申请获取政府信息（条例第二十七条）。申请可以通过本平台<a href={urls.apply}>在线提交</a>
            ，也可以采用信函、传真或者当面提交书面申请
            {office.contacts.some((c) => (c.label === '办公地址' || c.label === '传真号码') && c.value) ? '，地址和传真号码见本指南第一部分。' : '；本机关尚未登记办公地址和传真号码。'}
          </p>
          <p>
            申请应当包括：申请人的姓名或者名称、身份证明、联系方式；申请公开的政府信息的名称、文号或者便于查询的其他特征性描述；申请公开的政府信息的形式要求，包括获取信息的方式、途径（条例第二十九条）。
          </p>
          <p>
            能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内答复，需要延长的，经政府信息公开工作机构负责人同意并告知申请人，延长不超过20个工作日（条例第三十三条）。
          </p>
          <p>
            依申请提供政府信息不收取费用；申请公开政府信息的数量、频次明显超过合理范围的，可以收取信息处理费（条例第四十二条，国办函〔2020〕109号）。
          </p>
          <p>
            在线提交的申请可以凭申请编号和查询码<a href={urls.track}>查询办理进度</a>。
          </p>
        </>
      ) : null}

      <h2>五、监督和救济</h2>
      <p>
        公民、法人或者其他组织认为行政机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼（条例第五十一条）。
        {guide.parentName ? `本机关的上一级行政机关是${guide.parentName}。` : ''}
        {guide.reviewBody ? `行政复议机关：${guide.reviewBody}。` : ''}
        {guide.court ? `人民法院：${guide.court}。` : ''}
      </p>
      <p>
        对本机关政府信息公开工作的意见和建议，也可以通过本专栏的<a href={`${base}/complaint`}>意见和投诉</a>表单提交，由本机关答复。
      </p>
    </Layout>
  );
}
