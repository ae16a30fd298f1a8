/**
 * Authorization: the one place that decides what a staff member may do. Two layers:
 *
 * - Business roles, granted per agency; an administrator's and a supervisor's grant reach the
 *   agency's whole subtree (a supervisor only reads). `can`.
 * - Platform roles (三员分立, 等保 2.0 8.1.4.2 c–d): 系统管理员 (accounts, agencies, grants),
 *   安全保密管理员 (security policy, locks, password resets, the three roles), 安全审计员 (the
 *   audit log). An account holds at most one of them (also the table's primary key), never grants
 *   itself anything, and the security officer and the auditor hold no business power at all: `can`
 *   answers no for them whatever agency grants they might have. `mayPlatform`.
 *
 * Pure: the caller resolves the actor's grants once (loadActor).
 */
import type { PlatformRole, Role } from '../db/schema.js';

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
  /** The actor's platform role (三员), if any. */
  platformRole?: PlatformRole | null;
  /** The password must change before anything else (set by an administrator, or expired). */
  mustChangePassword?: boolean;
}

export const PLATFORM_ROLE_LABELS: Record<PlatformRole, string> = {
  sysadmin: '系统管理员',
  secadmin: '安全保密管理员',
  auditor: '安全审计员',
};

export type PlatformAction =
  /** Create accounts, disable/enable them, grant and revoke agency roles, register agencies. */
  | 'manage_accounts'
  /** The security policy, unlocking accounts, password resets, assigning the three platform roles. */
  | 'manage_security'
  /** Read, search and export the audit log. */
  | 'read_audit';

const PLATFORM_ALLOWED: Record<PlatformAction, PlatformRole> = {
  manage_accounts: 'sysadmin',
  manage_security: 'secadmin',
  read_audit: 'auditor',
};

/** Whether the actor's platform role allows the action (each action belongs to exactly one role). */
export function mayPlatform(actor: Actor | null, action: PlatformAction): boolean {
  return !!actor?.platformRole && PLATFORM_ALLOWED[action] === actor.platformRole;
}

export function assertPlatform(actor: Actor | null, action: PlatformAction): asserts actor is Actor {
  if (!mayPlatform(actor, action)) throw new ForbiddenError(`此操作只能由${PLATFORM_ROLE_LABELS[PLATFORM_ALLOWED[action]]}执行（三员分立）`);
}

/** Platform roles that exclude any business role (they must not edit or read business data). */
export const NO_BUSINESS_ROLES: readonly PlatformRole[] = ['secadmin', 'auditor'];

export function can(actor: Actor | null, action: Action, agencyId: number): boolean {
  if (!actor) return false;
  if (actor.platformRole && NO_BUSINESS_ROLES.includes(actor.platformRole)) return false;
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
  if (actor?.platformRole && NO_BUSINESS_ROLES.includes(actor.platformRole)) return false;
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
