/**
 * Authorization: the one place that decides what a staff member may do. Roles are granted per
 * agency; an administrator's and a supervisor's grant reach the agency's whole subtree (a
 * supervisor only reads). Pure: the caller resolves the actor's grants once (loadActor).
 */
import type { Role } from '../db/schema.js';

export const ROLE_LABELS: Record<Role, string> = {
  clerk: '信息员',
  reviewer: '审核人',
  head: '负责人',
  admin: '管理员',
  supervisor: '督查',
};

export type Action =
  /** See an agency's cases and records. */
  | 'read'
  /** Register applications, record events, draft letters. */
  | 'handle'
  /** Review drafts (catalogue items, letters, reports). */
  | 'review'
  /** Approve an extension of the reply limit (条例第33条: the office head). */
  | 'approve_extension'
  /** Manage the agency's accounts and settings. */
  | 'administer'
  /**
   * Supervise the agency (the supervision dashboard and the reminders' digest): timeliness of
   * its applications and catalogue, its annual report, its unanswered complaints. Read-only.
   */
  | 'supervise';

const ALLOWED: Record<Action, readonly Role[]> = {
  read: ['clerk', 'reviewer', 'head', 'admin', 'supervisor'],
  handle: ['clerk', 'reviewer', 'head'],
  review: ['reviewer', 'head'],
  approve_extension: ['head'],
  administer: ['admin'],
  supervise: ['supervisor', 'admin'],
};

export interface Actor {
  userId: number;
  username: string;
  displayName: string;
  /** agency id → the roles the actor holds there (subtree grants already expanded). */
  access: ReadonlyMap<number, ReadonlySet<Role>>;
}

export function can(actor: Actor | null, action: Action, agencyId: number): boolean {
  if (!actor) return false;
  const roles = actor.access.get(agencyId);
  if (!roles) return false;
  for (const r of ALLOWED[action]) if (roles.has(r)) return true;
  return false;
}

/** Whether a role, wherever it is held, allows the action (e.g. which grants make a supervisor). */
export function roleMay(role: Role, action: Action): boolean {
  return ALLOWED[action].includes(role);
}

/** Whether the actor holds this very role at the agency (a review level names its role). */
export function holds(actor: Actor | null, role: Role, agencyId: number): boolean {
  return actor?.access.get(agencyId)?.has(role) ?? false;
}

export class ForbiddenError extends Error {
  readonly status = 403;
  constructor(message = '没有权限执行此操作') {
    super(message);
    this.name = 'ForbiddenError';
  }
}

export function assertCan(actor: Actor | null, action: Action, agencyId: number): asserts actor is Actor {
  if (!can(actor, action, agencyId)) throw new ForbiddenError();
}

/** Agencies where the actor may perform `action`. */
export function agenciesWhere(actor: Actor, action: Action): number[] {
  return [...actor.access.keys()].filter((id) => can(actor, action, id));
}

/**
 * Expands grants over the agency tree: admin and supervisor grants cover every descendant;
 * other roles stay on their own agency.
 */
export function expandGrants(
  grants: readonly { agencyId: number; role: Role }[],
  children: ReadonlyMap<number, readonly number[]>,
): Map<number, Set<Role>> {
  const access = new Map<number, Set<Role>>();
  const add = (agencyId: number, role: Role) => {
    let s = access.get(agencyId);
    if (!s) access.set(agencyId, (s = new Set()));
    s.add(role);
  };
  for (const g of grants) {
    add(g.agencyId, g.role);
    if (g.role !== 'admin' && g.role !== 'supervisor') continue;
    const stack = [...(children.get(g.agencyId) ?? [])];
    while (stack.length) {
      const id = stack.pop()!;
      add(id, g.role);
      stack.push(...(children.get(id) ?? []));
    }
  }
  return access;
}
