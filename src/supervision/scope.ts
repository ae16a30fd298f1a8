/**
 * Who supervises what: the agencies a supervision dashboard covers, in tree order with their
 * level. A supervisor's (督查) or an administrator's grant reaches the agency's whole subtree
 * (policy.ts expandGrants); the dashboard shows every agency where the actor may 'supervise',
 * each under its parent. Nothing else decides: the routes and the reminders' digests ask here.
 */
import type { Kysely, Transaction } from 'kysely';
import { agenciesWhere, can, ForbiddenError, type Actor } from '../accounts/policy.js';
import { APPLICATION_AGENCY_KINDS } from '../agencies/agency.repository.js';
import type { AgencyKind, Database } from '../db/schema.js';
import { NotFoundError } from '../errors.js';

type Q = Kysely<Database> | Transaction<Database>;

export interface AgencyInfo {
  id: number;
  parentId: number | null;
  name: string;
  kind: AgencyKind;
}

/** An agency in a scope: its depth below the scope's top (0 for the top agencies). */
export interface ScopedAgency extends AgencyInfo {
  level: number;
  /** An administrative organ (government, department, town, street): it takes applications, reports yearly and has a column. */
  organ: boolean;
}

/** Every agency, for building scopes (a few thousand rows at most; read once per request). */
export async function loadAgencies(db: Q): Promise<AgencyInfo[]> {
  const rows = await db.selectFrom('agencies').select(['id', 'parent_id', 'name', 'kind']).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, parentId: r.parent_id, name: r.name, kind: r.kind }));
}

export const isOrgan = (kind: AgencyKind) => APPLICATION_AGENCY_KINDS.includes(kind);

/**
 * The agencies under the given tops (each with its whole subtree), depth-first with children in
 * id order; an agency reached twice is listed once (under the first top that reaches it). Guards
 * against cycles in bad data.
 */
export function subtreesOf(all: readonly AgencyInfo[], topIds: readonly number[]): ScopedAgency[] {
  const byId = new Map(all.map((a) => [a.id, a]));
  const children = new Map<number, AgencyInfo[]>();
  for (const a of all) {
    if (a.parentId === null || !byId.has(a.parentId)) continue;
    const list = children.get(a.parentId);
    if (list) list.push(a);
    else children.set(a.parentId, [a]);
  }
  for (const list of children.values()) list.sort((x, y) => x.id - y.id);
  const out: ScopedAgency[] = [];
  const seen = new Set<number>();
  const walk = (a: AgencyInfo, level: number) => {
    if (seen.has(a.id)) return;
    seen.add(a.id);
    out.push({ ...a, level, organ: isOrgan(a.kind) });
    for (const c of children.get(a.id) ?? []) walk(c, level + 1);
  };
  for (const id of [...topIds].sort((x, y) => x - y)) {
    const a = byId.get(id);
    if (a) walk(a, 0);
  }
  return out;
}

/** The agencies at the top of what the actor supervises (whose parent the actor does not supervise). */
export function supervisedTops(actor: Actor, all: readonly AgencyInfo[]): number[] {
  const parent = new Map(all.map((a) => [a.id, a.parentId]));
  return agenciesWhere(actor, 'supervise').filter((id) => {
    const p = parent.get(id);
    return p === undefined ? false : p === null || !can(actor, 'supervise', p);
  });
}

/** Whether the actor may open the supervision dashboard at all. */
export function maySupervise(actor: Actor | null): boolean {
  return !!actor && agenciesWhere(actor, 'supervise').length > 0;
}

/**
 * The dashboard's scope for an actor: everything the actor supervises, or the subtree of one of
 * those agencies (`agencyId`). A user who supervises nothing is refused (403); an agency outside
 * the actor's scope is "not found" (its existence is not confirmed).
 */
export function scopeFor(actor: Actor, all: readonly AgencyInfo[], agencyId?: number): ScopedAgency[] {
  if (!maySupervise(actor)) throw new ForbiddenError('督查看板只对督查和管理员开放');
  if (agencyId !== undefined) {
    if (!can(actor, 'supervise', agencyId) || !all.some((a) => a.id === agencyId)) throw new NotFoundError('未找到该机关，或不在您督查的范围内');
    return subtreesOf(all, [agencyId]);
  }
  return subtreesOf(all, supervisedTops(actor, all));
}
