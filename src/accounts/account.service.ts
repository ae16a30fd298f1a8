/**
 * Account administration under 三员分立 (policy.ts): every operation checks its platform role
 * first, refuses to act on the actor's own account (nobody grants themselves anything), writes
 * in one transaction and audits what it did. The system administrator creates accounts, grants
 * and revokes agency roles and disables accounts; the security officer resets passwords, unlocks
 * accounts, sets the security policy and assigns the three platform roles; everyone changes their
 * own password. Initial and reset passwords are random, shown once, and must be changed at the
 * next login.
 */
import type { Kysely } from 'kysely';
import type { Database, PlatformRole, Role } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import { ValidationError } from '../validation.js';
import { audit } from '../audit/audit.js';
import { isMailAddress } from '../mail/address.js';
import { clearFailures } from './lockout.js';
import { generatePassword, hashPassword, isRecentPassword, passwordProblem, storePassword, verifyPassword } from './password.js';
import { assertPlatform, ForbiddenError, NO_BUSINESS_ROLES, PLATFORM_ROLE_LABELS, ROLE_LABELS, type Actor } from './policy.js';
import { parsePolicy, POLICY_KEYS, type SecurityPolicy } from './security-policy.js';
import { destroyUserSessions } from './session.js';
import { createUser, findUserByUsername, grantRole } from './user.repository.js';

type Db = Kysely<Database>;

export const USERNAME_RE = /^[A-Za-z0-9._-]{3,64}$/;
export const ROLES = Object.keys(ROLE_LABELS) as Role[];
export const PLATFORM_ROLES = Object.keys(PLATFORM_ROLE_LABELS) as PlatformRole[];

export interface AccountRow {
  id: number;
  username: string;
  displayName: string;
  email: string | null;
  disabled: boolean;
  mustChangePassword: boolean;
  platformRole: PlatformRole | null;
  grants: { agencyId: number; agencyName: string; role: Role }[];
}

/** Every account with its grants (system administrator and security officer). */
export async function listAccounts(db: Db, actor: Actor | null): Promise<AccountRow[]> {
  if (!actor || (actor.platformRole !== 'sysadmin' && actor.platformRole !== 'secadmin')) throw new ForbiddenError('账号列表只对系统管理员和安全保密管理员开放（三员分立）');
  const users = await db
    .selectFrom('users')
    .leftJoin('platform_roles', 'platform_roles.user_id', 'users.id')
    .select(['users.id', 'users.username', 'users.display_name', 'users.email', 'users.disabled', 'users.must_change_password', 'platform_roles.role as platform_role'])
    .orderBy('users.username')
    .execute();
  const grants = await db
    .selectFrom('user_roles')
    .innerJoin('agencies', 'agencies.id', 'user_roles.agency_id')
    .select(['user_roles.user_id', 'user_roles.agency_id', 'user_roles.role', 'agencies.name'])
    .orderBy('user_roles.agency_id')
    .execute();
  return users.map((u) => ({
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    email: u.email,
    disabled: u.disabled === 1,
    mustChangePassword: u.must_change_password === 1,
    platformRole: u.platform_role ?? null,
    grants: grants.filter((g) => g.user_id === u.id).map((g) => ({ agencyId: g.agency_id, agencyName: g.name, role: g.role })),
  }));
}

async function target(db: Db, actor: Actor, userId: number) {
  if (userId === actor.userId) throw new ForbiddenError('不能修改自己的账号或权限（须由其他管理员办理）');
  const u = await db
    .selectFrom('users')
    .leftJoin('platform_roles', 'platform_roles.user_id', 'users.id')
    .select(['users.id', 'users.username', 'users.disabled', 'platform_roles.role as platform_role'])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  if (!u) throw new NotFoundError('没有这个账号');
  return u;
}

const agencyExists = async (db: Db, id: number) => !!(await db.selectFrom('agencies').select('id').where('id', '=', id).executeTakeFirst());

/** Creates an account (system administrator), optionally with a first agency role; returns its id and the one-time initial password. */
export async function createAccount(
  db: Db,
  actor: Actor | null,
  input: { username: string; displayName: string; email?: string; agencyId?: string; role?: string },
  ip: string | null,
): Promise<{ userId: number; password: string }> {
  assertPlatform(actor, 'manage_accounts');
  const errors: Record<string, string> = {};
  const username = input.username.trim();
  const displayName = input.displayName.trim();
  const email = input.email?.trim() || null;
  if (!USERNAME_RE.test(username)) errors.username = '用户名只能包含字母、数字和 . _ -，长度 3–64';
  if (!displayName || [...displayName].length > 50) errors.displayName = '请填写姓名（不超过 50 个字）';
  if (email !== null && !isMailAddress(email)) errors.email = '电子邮箱格式不正确';
  const agencyId = input.agencyId?.trim() ? Number(input.agencyId) : null;
  const role = input.role?.trim() || null;
  if ((agencyId === null) !== (role === null)) errors[agencyId === null ? 'agencyId' : 'role'] = '机关和角色须同时选择（或都不选）';
  if (role !== null && !ROLES.includes(role as Role)) errors.role = '请选择有效的角色';
  if (agencyId !== null && (!Number.isSafeInteger(agencyId) || !(await agencyExists(db, agencyId)))) errors.agencyId = '请选择有效的机关';
  if (!errors.username && (await findUserByUsername(db, username))) errors.username = `用户名「${username}」已被使用`;
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const password = generatePassword();
  const hash = await hashPassword(password);
  const userId = await db.transaction().execute(async (trx) => {
    const id = await createUser(trx, { username, displayName, passwordHash: hash, email, mustChangePassword: true });
    if (agencyId !== null && role !== null) await grantRole(trx, id, agencyId, role as Role);
    await audit(trx, { userId: actor.userId, agencyId, action: 'user.create', subjectType: 'user', subjectId: id, details: { username, role }, ip });
    return id;
  });
  return { userId, password };
}

/** Grants an agency role (system administrator); never to oneself, never to a security officer or auditor. */
export async function grantAgencyRole(db: Db, actor: Actor | null, userId: number, input: { agencyId: string; role: string }, ip: string | null): Promise<void> {
  assertPlatform(actor, 'manage_accounts');
  const u = await target(db, actor, userId);
  const errors: Record<string, string> = {};
  const agencyId = Number(input.agencyId);
  if (!/^\d{1,9}$/.test(input.agencyId.trim()) || !(await agencyExists(db, agencyId))) errors.agencyId = '请选择有效的机关';
  if (!ROLES.includes(input.role as Role)) errors.role = '请选择有效的角色';
  if (Object.keys(errors).length) throw new ValidationError(errors);
  if (u.platform_role && NO_BUSINESS_ROLES.includes(u.platform_role)) {
    throw new ForbiddenError(`${PLATFORM_ROLE_LABELS[u.platform_role]}不能同时持有机关业务角色（三员分立）`);
  }
  await db.transaction().execute(async (trx) => {
    await grantRole(trx, userId, agencyId, input.role as Role);
    await audit(trx, { userId: actor.userId, agencyId, action: 'user_role.grant', subjectType: 'user', subjectId: userId, details: { role: input.role }, ip });
  });
}

export async function revokeAgencyRole(db: Db, actor: Actor | null, userId: number, agencyId: number, role: string, ip: string | null): Promise<void> {
  assertPlatform(actor, 'manage_accounts');
  await target(db, actor, userId);
  if (!ROLES.includes(role as Role)) throw new ValidationError({ role: '请选择有效的角色' });
  await db.transaction().execute(async (trx) => {
    const r = await trx.deleteFrom('user_roles').where('user_id', '=', userId).where('agency_id', '=', agencyId).where('role', '=', role as Role).executeTakeFirst();
    if (!Number(r.numDeletedRows)) throw new NotFoundError('该账号在这个机关没有这个角色');
    await audit(trx, { userId: actor.userId, agencyId, action: 'user_role.revoke', subjectType: 'user', subjectId: userId, details: { role }, ip });
  });
}

/** Disables or enables an account (system administrator); the three platform accounts are the security officer's. */
export async function setDisabled(db: Db, actor: Actor | null, userId: number, disabled: boolean, ip: string | null): Promise<void> {
  assertPlatform(actor, 'manage_accounts');
  const u = await target(db, actor, userId);
  if (u.platform_role) throw new ForbiddenError(`该账号担任${PLATFORM_ROLE_LABELS[u.platform_role]}，须先由安全保密管理员撤销其角色`);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ disabled: disabled ? 1 : 0 }).where('id', '=', userId).execute();
    if (disabled) await destroyUserSessions(trx, userId);
    await audit(trx, { userId: actor.userId, action: disabled ? 'user.disable' : 'user.enable', subjectType: 'user', subjectId: userId, ip });
  });
}

/** Resets a password (security officer): a random one, shown once, to be changed at the next login; sessions end, the lock is lifted. */
export async function resetPassword(db: Db, actor: Actor | null, userId: number, ip: string | null): Promise<string> {
  assertPlatform(actor, 'manage_security');
  const u = await target(db, actor, userId);
  const password = generatePassword();
  const hash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    await storePassword(trx, userId, hash, true);
    await destroyUserSessions(trx, userId);
    await clearFailures(trx, u.username);
    await audit(trx, { userId: actor.userId, action: 'password.reset', subjectType: 'user', subjectId: userId, ip });
  });
  return password;
}

/** Lifts a lock (security officer); audited whether or not the name has an account. */
export async function unlockAccount(db: Db, actor: Actor | null, username: string, ip: string | null): Promise<void> {
  assertPlatform(actor, 'manage_security');
  const name = username.trim();
  if (!name || name.length > 64) throw new ValidationError({ username: '用户名无效' });
  if (name === actor.username) throw new ForbiddenError('不能解锁自己的账号（须由其他安全保密管理员办理）');
  const user = await findUserByUsername(db, name);
  await db.transaction().execute(async (trx) => {
    const r = await trx.deleteFrom('account_lockouts').where('username', '=', name).executeTakeFirst();
    if (!Number(r.numDeletedRows)) throw new NotFoundError('该用户名没有被锁定');
    await audit(trx, { userId: actor.userId, action: 'account.unlock', subjectType: 'user', subjectId: user?.id ?? null, details: { username: name }, ip });
  });
}

/**
 * Assigns (or with null removes) a platform role (security officer). An account holds at most one
 * of the three: a different role must be removed first. The security officer and the auditor hold
 * no agency role.
 */
export async function assignPlatformRole(db: Db, actor: Actor | null, userId: number, role: string | null, ip: string | null): Promise<void> {
  assertPlatform(actor, 'manage_security');
  const u = await target(db, actor, userId);
  if (role !== null && !PLATFORM_ROLES.includes(role as PlatformRole)) throw new ValidationError({ role: '请选择有效的三员角色' });
  const next = role as PlatformRole | null;
  if (next === u.platform_role) return;
  if (next && u.platform_role) {
    throw new ForbiddenError(`该账号已担任${PLATFORM_ROLE_LABELS[u.platform_role]}，一个账号只能担任三员中的一个（请先撤销现有角色）`);
  }
  if (next && NO_BUSINESS_ROLES.includes(next)) {
    const grants = await db.selectFrom('user_roles').select('role').where('user_id', '=', userId).limit(1).execute();
    if (grants.length) throw new ForbiddenError(`该账号持有机关业务角色，不能担任${PLATFORM_ROLE_LABELS[next]}（三员分立；请系统管理员先撤销其业务角色）`);
  }
  await db.transaction().execute(async (trx) => {
    if (next) await trx.insertInto('platform_roles').values({ user_id: userId, role: next, granted_by: actor.userId, granted_at: new Date().toISOString() }).execute();
    else await trx.deleteFrom('platform_roles').where('user_id', '=', userId).execute();
    await audit(trx, {
      userId: actor.userId,
      action: next ? 'platform_role.grant' : 'platform_role.revoke',
      subjectType: 'user',
      subjectId: userId,
      details: { role: next ?? u.platform_role },
      ip,
    });
  });
}

/** Stores the security policy (security officer); the form's values are validated against the same bounds as the configuration. */
export async function saveSecurityPolicy(
  db: Db,
  actor: Actor | null,
  values: Readonly<Record<string, string | undefined>>,
  current: SecurityPolicy,
  ip: string | null,
): Promise<SecurityPolicy> {
  assertPlatform(actor, 'manage_security');
  const missing = POLICY_KEYS.filter((k) => !values[k]?.trim());
  if (missing.length) throw new ValidationError(Object.fromEntries(missing.map((k) => [k, '请填写此项'])));
  const parsed = parsePolicy(values, current);
  if (parsed.errors) throw new ValidationError(parsed.errors);
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('security_settings').values({ at: new Date().toISOString(), user_id: actor.userId, settings: JSON.stringify(parsed.policy) }).execute();
    await audit(trx, { userId: actor.userId, action: 'security.policy', details: { before: current, after: parsed.policy }, ip });
  });
  return parsed.policy;
}

/**
 * The account's own password change: the current password, a new one that meets the policy, is
 * not the user name and not one of the last N, typed twice. Other sessions end; this one stays.
 */
export async function changeOwnPassword(
  db: Db,
  actor: Actor,
  input: { current: string; password: string; confirm: string },
  policy: SecurityPolicy,
  sessionId: string | null,
  ip: string | null,
): Promise<void> {
  const user = await db.selectFrom('users').select(['id', 'username', 'password_hash']).where('id', '=', actor.userId).executeTakeFirstOrThrow();
  const errors: Record<string, string> = {};
  if (!input.current || input.current.length > 200 || !(await verifyPassword(user.password_hash, input.current))) errors.current = '当前密码不正确';
  const problem = passwordProblem(input.password, { policy, username: user.username });
  if (problem) errors.password = problem;
  else if (input.password !== input.confirm) errors.confirm = '两次输入的新密码不一致';
  else if (await isRecentPassword(db, user.id, input.password, Math.max(1, policy.passwordHistory))) {
    errors.password = policy.passwordHistory > 1 ? `新密码不能与最近 ${policy.passwordHistory} 次使用过的密码相同` : '新密码不能与当前密码相同';
  }
  if (Object.keys(errors).length) {
    if (errors.current) await audit(db, { userId: user.id, action: 'password.change_failed', ip });
    throw new ValidationError(errors);
  }
  const hash = await hashPassword(input.password);
  await db.transaction().execute(async (trx) => {
    await storePassword(trx, user.id, hash, false);
    await destroyUserSessions(trx, user.id, sessionId ?? undefined);
    await audit(trx, { userId: user.id, action: 'password.change', subjectType: 'user', subjectId: user.id, ip });
  });
}
