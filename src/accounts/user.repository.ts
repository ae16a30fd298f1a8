/** Staff accounts and their roles (plain functions, db or transaction first). */
import type { Kysely, Transaction } from 'kysely';
import type { Database, Role } from '../db/schema.js';
import { VersionedCache } from '../db/versions.js';
import { expandGrants, type Actor } from './policy.js';

type Q = Kysely<Database> | Transaction<Database>;

export function findUserByUsername(db: Q, username: string) {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function createUser(
  db: Q,
  u: { username: string; displayName: string; passwordHash: string; email?: string | null; mustChangePassword?: boolean },
): Promise<number> {
  const now = new Date().toISOString();
  const r = await db
    .insertInto('users')
    .values({
      username: u.username,
      display_name: u.displayName,
      password_hash: u.passwordHash,
      password_changed_at: now,
      created_at: now,
      email: u.email ?? null,
      must_change_password: u.mustChangePassword ? 1 : 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function grantRole(db: Q, userId: number, agencyId: number, role: Role): Promise<void> {
  await db.insertInto('user_roles').values({ user_id: userId, agency_id: agencyId, role }).onConflict((oc) => oc.doNothing()).execute();
}

/** Agency id → ids of its direct children. */
export async function agencyChildren(db: Q): Promise<Map<number, number[]>> {
  const rows = await db.selectFrom('agencies').select(['id', 'parent_id']).execute();
  const m = new Map<number, number[]>();
  for (const r of rows) {
    if (r.parent_id === null) continue;
    const list = m.get(r.parent_id);
    if (list) list.push(r.id);
    else m.set(r.parent_id, [r.id]);
  }
  return m;
}

/** The actor for a user: grants expanded over the agency tree. */
export async function loadActor(db: Q, userId: number, tree?: Promise<Map<number, number[]>>): Promise<Actor | null> {
  const user = await db
    .selectFrom('users')
    .leftJoin('platform_roles', 'platform_roles.user_id', 'users.id')
    .select(['users.id', 'users.username', 'users.display_name', 'users.disabled', 'users.must_change_password', 'platform_roles.role as platform_role'])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  if (!user || user.disabled) return null;
  const grants = await db.selectFrom('user_roles').select(['agency_id', 'role']).where('user_id', '=', userId).execute();
  const access = expandGrants(
    grants.map((g) => ({ agencyId: g.agency_id, role: g.role })),
    await (tree ?? agencyChildren(db)),
  );
  return {
    userId: user.id,
    username: user.username,
    displayName: user.display_name,
    access,
    platformRole: user.platform_role ?? null,
    mustChangePassword: user.must_change_password === 1,
  };
}

/**
 * Actors kept in memory between requests, valid while no user, role or agency has changed (the
 * counters the session query reads, on any node). Agency trees are shared by all actors of a
 * version, so a province's thousands of agencies are read once per change, not once per request.
 */
export class ActorCache {
  readonly #actors: VersionedCache<Actor | null>;
  #tree: { version: number; children: Promise<Map<number, number[]>> } | null = null;

  constructor(capacity = 10_000) {
    this.#actors = new VersionedCache(capacity);
  }

  async get(db: Kysely<Database>, userId: number, versions: { accounts: number; agencies: number }): Promise<Actor | null> {
    const version = `${versions.accounts}/${versions.agencies}`;
    const key = String(userId);
    const hit = this.#actors.get(key, version);
    if (hit !== undefined) return hit;
    if (this.#tree?.version !== versions.agencies) {
      const children = agencyChildren(db);
      // A failed read is not kept.
      children.catch(() => (this.#tree = null));
      this.#tree = { version: versions.agencies, children };
    }
    const actor = await loadActor(db, userId, this.#tree.children);
    this.#actors.set(key, version, actor);
    return actor;
  }
}
