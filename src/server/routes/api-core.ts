/** Core JSON API: the agency tree (public) and the logged-in staff member (staff). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ROLE_LABELS } from '../../accounts/policy.js';
import { agencyNames } from '../../agencies/agency.repository.js';
import { defineEndpoint } from '../api.js';

const AgencyOut = z.object({
  id: z.number().int(),
  parent_id: z.number().int().nullable(),
  name: z.string(),
  kind: z.enum(['government', 'department', 'town', 'street', 'village', 'community']),
  office: z.object({
    name: z.string().nullable(),
    address: z.string().nullable(),
    hours: z.string().nullable(),
    phone: z.string().nullable(),
    fax: z.string().nullable(),
    email: z.string().nullable(),
    postcode: z.string().nullable(),
  }),
});

const MeOut = z.object({
  id: z.number().int(),
  username: z.string(),
  display_name: z.string(),
  csrf_token: z.string().describe('修改数据的请求须在 x-csrf-token 请求头中带上此令牌'),
  roles: z.array(z.object({ agency_id: z.number().int(), agency: z.string(), roles: z.array(z.string()), labels: z.array(z.string()) })),
});

export function registerCoreApi(app: FastifyInstance): void {
  const { db } = app.deps;
  defineEndpoint(app, {
    method: 'GET',
    path: '/agencies',
    summary: '行政机关及其政府信息公开工作机构（公开）',
    tag: 'agencies',
    auth: 'public',
    response: z.object({ agencies: z.array(AgencyOut) }),
    handler: async () => {
      const rows = await db.kysely.selectFrom('agencies').selectAll().orderBy('id').execute();
      return {
        agencies: rows.map((r) => ({
          id: r.id,
          parent_id: r.parent_id,
          name: r.name,
          kind: r.kind,
          office: {
            name: r.office_name,
            address: r.office_address,
            hours: r.office_hours,
            phone: r.office_phone,
            fax: r.office_fax,
            email: r.office_email,
            postcode: r.postcode,
          },
        })),
      };
    },
  });

  defineEndpoint(app, {
    method: 'GET',
    path: '/me',
    summary: '当前登录的工作人员及其角色',
    tag: 'accounts',
    auth: 'staff',
    response: MeOut,
    handler: async ({ req, actor }) => {
      const a = actor!;
      const names = await agencyNames(db.kysely, [...a.access.keys()]);
      return {
        id: a.userId,
        username: a.username,
        display_name: a.displayName,
        csrf_token: req.csrfToken,
        roles: [...a.access.entries()].map(([id, roles]) => ({
          agency_id: id,
          agency: names.get(id) ?? '',
          roles: [...roles],
          labels: [...roles].map((r) => ROLE_LABELS[r]),
        })),
      };
    },
  });
}
