/**
 * Demo data for `npm start` on an empty database: the agency tree of the first customer
 * (市中区人民政府 with departments; 永安镇人民政府 with villages and a community) and one user
 * per role — the agency roles and the three platform roles of 三员分立 (系统管理员 sysadmin,
 * 安全保密管理员 secadmin, 安全审计员 auditor; docs/security.md) — all with the same demo password
 * (printed at start). Demo accounts are not asked to change it at first login.
 */
import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import { hashPassword } from '../accounts/password.js';
import { createUser, grantRole } from '../accounts/user.repository.js';
import { createAgency } from '../agencies/agency.repository.js';
import type { AgencyKind, Database, PlatformRole, Role } from '../db/schema.js';
import { seedDemoPublishedReport2020 } from './annual-report-2020.js';
import { seedDemoReport2020 } from './report-2020.js';

export const DEMO_PASSWORD = 'Gongkai-demo-2026';

/** An agency user has an agency and a role; a platform user (三员) has a platform role and no agency role. */
export type DemoUser = { username: string; displayName: string } & ({ agency: string; role: Role; platformRole?: never } | { platformRole: PlatformRole; agency?: never; role?: never });

export const DEMO_USERS: DemoUser[] = [
  { username: 'admin', displayName: '区政府办 管理员', agency: '市中区人民政府', role: 'admin' },
  { username: 'supervisor', displayName: '区政务公开办 督查', agency: '市中区人民政府', role: 'supervisor' },
  { username: 'clerk', displayName: '永安镇 信息员', agency: '永安镇人民政府', role: 'clerk' },
  { username: 'reviewer', displayName: '永安镇 审核人', agency: '永安镇人民政府', role: 'reviewer' },
  { username: 'head', displayName: '永安镇党政办 负责人', agency: '永安镇人民政府', role: 'head' },
  { username: 'village', displayName: '永安村 信息员', agency: '永安村民委员会', role: 'clerk' },
  { username: 'district', displayName: '区政府办 审核人', agency: '市中区人民政府', role: 'reviewer' },
  { username: 'sysadmin', displayName: '平台 系统管理员', platformRole: 'sysadmin' },
  { username: 'secadmin', displayName: '平台 安全保密管理员', platformRole: 'secadmin' },
  { username: 'auditor', displayName: '平台 安全审计员', platformRole: 'auditor' },
];

interface DemoAgency {
  name: string;
  kind: AgencyKind;
  code: string;
  office?: { name: string; address: string; hours: string; phone: string; fax?: string; email?: string; postcode: string };
  children?: DemoAgency[];
}

const HOURS = '工作日 上午8:30–12:00，下午13:30–17:30（法定节假日除外）';

const TREE: DemoAgency = {
  name: '市中区人民政府',
  kind: 'government',
  code: '113704020040000001',
  office: { name: '市中区人民政府办公室', address: '市中区政府大院1号楼201室', hours: HOURS, phone: '0632-3010001', fax: '0632-3010002', email: 'gk@szq.example.gov.cn', postcode: '277100' },
  children: [
    { name: '市中区发展和改革局', kind: 'department', code: '113704020040000102', office: { name: '市中区发展和改革局办公室', address: '市中区光明大道88号', hours: HOURS, phone: '0632-3010101', postcode: '277100' } },
    { name: '市中区教育局', kind: 'department', code: '113704020040000103', office: { name: '市中区教育局办公室', address: '市中区文化路12号', hours: HOURS, phone: '0632-3010201', postcode: '277100' } },
    { name: '市中区民政局', kind: 'department', code: '113704020040000104', office: { name: '市中区民政局办公室', address: '市中区民生路6号', hours: HOURS, phone: '0632-3010301', postcode: '277100' } },
    {
      name: '永安镇人民政府',
      kind: 'town',
      code: '113704020040000201',
      office: { name: '永安镇党政办公室', address: '市中区永安镇政府路1号', hours: HOURS, phone: '0632-3020001', postcode: '277121' },
      children: [
        { name: '永安村民委员会', kind: 'village', code: '543704020040000301' },
        { name: '新华村民委员会', kind: 'village', code: '543704020040000302' },
        { name: '东关社区居民委员会', kind: 'community', code: '553704020040000303' },
      ],
    },
  ],
};

/** Whether the database has no agency yet (demo data goes only into an empty database). */
export async function isEmpty(db: Kysely<Database> | Transaction<Database>): Promise<boolean> {
  const r = await db.selectFrom('agencies').select('id').limit(1).executeTakeFirst();
  return !r;
}

/** The advisory lock of demo seeding on PostgreSQL ('gkd' + 1). */
const SEED_LOCK = 0x676b6401;

/**
 * The demo agencies, users and reports, in one transaction, if the database is still empty when
 * the transaction holds the seeding lock: of several nodes started at once on one empty database
 * (GONGKAI_DEMO=1), one seeds and the others find it done. Returns whether this call seeded.
 * (SQLite transactions take the write lock first, database.ts: the same effect.)
 */
export async function seedDemo(db: Kysely<Database>): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (trx.getExecutor().adapter instanceof PostgresAdapter) await sql`SELECT pg_advisory_xact_lock(${SEED_LOCK}::bigint)`.execute(trx);
    if (!(await isEmpty(trx))) return false;
    const ids = new Map<string, number>();
    const add = async (a: DemoAgency, parentId: number | null) => {
      const id = await createAgency(trx, {
        parent_id: parentId,
        name: a.name,
        short_name: null,
        kind: a.kind,
        code: a.code,
        office_name: a.office?.name ?? null,
        office_address: a.office?.address ?? null,
        office_hours: a.office?.hours ?? null,
        office_phone: a.office?.phone ?? null,
        office_fax: a.office?.fax ?? null,
        office_email: a.office?.email ?? null,
        postcode: a.office?.postcode ?? null,
      });
      ids.set(a.name, id);
      for (const c of a.children ?? []) await add(c, id);
    };
    await add(TREE, null);
    const hash = await hashPassword(DEMO_PASSWORD);
    for (const u of DEMO_USERS) {
      const userId = await createUser(trx, { username: u.username, displayName: u.displayName, passwordHash: hash });
      if (u.platformRole) await trx.insertInto('platform_roles').values({ user_id: userId, role: u.platformRole, granted_by: null, granted_at: new Date().toISOString() }).execute();
      else await grantRole(trx, userId, ids.get(u.agency)!, u.role);
    }
    await seedDemoReport2020(trx);
    await seedDemoPublishedReport2020(trx);
    return true;
  });
}
