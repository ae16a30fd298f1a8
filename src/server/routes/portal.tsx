/** The public portal: the agencies and how to reach their disclosure offices; links to their columns (/xxgk). */
import type { FastifyInstance } from 'fastify';
import { APPLICATION_AGENCY_KINDS, listAgencies, type AgencyNode } from '../../agencies/agency.repository.js';
import { sendPage } from '../app.js';
import { Layout } from '../views/layout.js';

function AgencyTree({ nodes }: { nodes: AgencyNode[] }) {
  return (
    <ul>
      {nodes.map((n) => (
        <li key={n.id}>
          <strong>{APPLICATION_AGENCY_KINDS.includes(n.kind) ? <a href={`/xxgk/${n.id}`}>{n.name}</a> : n.name}</strong>
          {n.officeName ? (
            <span>
              {' '}
              · 信息公开工作机构：{n.officeName}
              {n.officePhone ? `，电话 ${n.officePhone}` : ''}
              {n.officeAddress ? `，地址 ${n.officeAddress}` : ''}
            </span>
          ) : null}
          {n.children.length ? <AgencyTree nodes={n.children} /> : null}
        </li>
      ))}
    </ul>
  );
}

export function registerPortalRoutes(app: FastifyInstance): void {
  app.get('/', async (_req, reply) => {
    const tree = await listAgencies(app.deps.db.kysely);
    return sendPage(
      reply,
      <Layout title="首页" area="portal">
        <h1>政府信息公开</h1>
        <p>依据《中华人民共和国政府信息公开条例》，公民、法人和其他组织可以向行政机关申请获取相关政府信息。</p>
        <section aria-labelledby="xxgk-title" class="actions">
          <h2 id="xxgk-title">主动公开</h2>
          <ul class="action-links">
            <li>
              <a href="/xxgk">政府信息公开专栏</a>
              <span class="hint">各行政机关的政府信息公开指南、制度和法定主动公开内容，可检索、查阅和下载</span>
            </li>
          </ul>
        </section>
        <section aria-labelledby="apply-title" class="actions">
          <h2 id="apply-title">依申请公开</h2>
          <ul class="action-links">
            <li>
              <a href="/apply">在线申请</a>
              <span class="hint">填写申请表，向行政机关申请获取政府信息</span>
            </li>
            <li>
              <a href="/track">申请查询</a>
              <span class="hint">凭申请编号和查询码查看办理进度和告知书</span>
            </li>
          </ul>
        </section>
        <h2>行政机关及其政府信息公开工作机构</h2>
        {tree.length ? <AgencyTree nodes={tree} /> : <p>尚未登记行政机关。</p>}
      </Layout>,
    );
  });
}
