/** The back office home: who is logged in, with which roles, where. */
import type { FastifyInstance } from 'fastify';
import { ROLE_LABELS } from '../../accounts/policy.js';
import { agencyNames } from '../../agencies/agency.repository.js';
import { requireActor, sendPage } from '../app.js';
import { Layout } from '../views/layout.js';

export function registerAdminRoutes(app: FastifyInstance): void {
  app.get('/admin', async (req, reply) => {
    const actor = requireActor(req, reply);
    if (!actor) return reply;
    const names = await agencyNames(app.deps.db.kysely, [...actor.access.keys()]);
    const rows = [...actor.access.entries()].sort((a, b) => a[0] - b[0]);
    return sendPage(
      reply,
      <Layout title="工作台" area="admin" user={actor} csrfToken={req.csrfToken}>
        <h1>工作台</h1>
        <p>您好，{actor.displayName}。</p>
        <h2>我的权限</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">机关</th>
              <th scope="col">角色</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([id, roles]) => (
              <tr key={id}>
                <td>{names.get(id) ?? `#${id}`}</td>
                <td>{[...roles].map((r) => ROLE_LABELS[r]).join('、')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Layout>,
    );
  });
}
