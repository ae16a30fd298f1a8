/** Agencies: the tree of governments, departments, towns and villages. */
import type { Kysely, Transaction } from 'kysely';
import type { AgencyKind, Database, NewAgency } from '../db/schema.js';

type Q = Kysely<Database> | Transaction<Database>;

export const AGENCY_KIND_LABELS: Record<AgencyKind, string> = {
  government: '人民政府',
  department: '政府部门',
  town: '乡镇',
  street: '街道',
  village: '村',
  community: '社区',
};

/**
 * The kinds of agency that receive applications for government information: administrative
 * organs (条例第2条). Villages and communities are not; their information is applied for at the
 * town government or street office.
 */
export const APPLICATION_AGENCY_KINDS: readonly AgencyKind[] = ['government', 'department', 'town', 'street'];

/** Agencies among `ids` that receive applications. */
export async function applicationAgencies(db: Q, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('agencies').select('id').where('id', 'in', ids).where('kind', 'in', [...APPLICATION_AGENCY_KINDS]).execute();
  return rows.map((r) => r.id);
}

export interface AgencyNode {
  id: number;
  name: string;
  kind: AgencyKind;
  officeName: string | null;
  officePhone: string | null;
  officeAddress: string | null;
  children: AgencyNode[];
}

/** All agencies as a forest, children in name order. */
export async function listAgencies(db: Q): Promise<AgencyNode[]> {
  const rows = await db.selectFrom('agencies').selectAll().orderBy('id').execute();
  const nodes = new Map<number, AgencyNode>();
  for (const r of rows) {
    nodes.set(r.id, {
      id: r.id,
      name: r.name,
      kind: r.kind,
      officeName: r.office_name,
      officePhone: r.office_phone,
      officeAddress: r.office_address,
      children: [],
    });
  }
  const roots: AgencyNode[] = [];
  for (const r of rows) {
    const n = nodes.get(r.id)!;
    const parent = r.parent_id === null ? undefined : nodes.get(r.parent_id);
    (parent ? parent.children : roots).push(n);
  }
  return roots;
}

export async function agencyNames(db: Q, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('agencies').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function createAgency(db: Q, a: Omit<NewAgency, 'created_at'>): Promise<number> {
  const r = await db
    .insertInto('agencies')
    .values({ ...a, created_at: new Date().toISOString() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** An agency by its full name or a unique part of it; null if none; an error listing them if several. */
export async function findAgencyByName(db: Q, name: string): Promise<{ id: number; name: string } | null> {
  const rows = await db.selectFrom('agencies').select(['id', 'name']).execute();
  const exact = rows.find((r) => r.name === name);
  if (exact) return exact;
  const matches = rows.filter((r) => r.name.includes(name));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) return null;
  throw new AmbiguousAgencyError(name, matches.map((r) => r.name));
}

export class AmbiguousAgencyError extends Error {
  constructor(
    readonly query: string,
    readonly names: string[],
  ) {
    super(`「${query}」对应多个机关：${names.slice(0, 6).join('、')}${names.length > 6 ? ' 等' : ''}，请写全称`);
    this.name = 'AmbiguousAgencyError';
  }
}
