/**
 * Password hashing with argon2id (memory-hard) and the password policy: length, character
 * classes, not the user name, not one of the account's last N passwords, expiry. The rules' values
 * come from the security policy (security-policy.ts); without one, its defaults apply.
 */
import { hash, verify } from '@node-rs/argon2';
import { randomInt } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { DEFAULT_SECURITY_POLICY, type SecurityPolicy } from './security-policy.js';

/** argon2id with OWASP's minimum parameters (19 MiB, 2 iterations). */
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = DEFAULT_SECURITY_POLICY.passwordMinLength;
export const MAX_PASSWORD_LENGTH = 200;

const CLASSES = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u];

/**
 * Why a password is refused (Chinese), or null when it is acceptable. `username`: the password
 * may neither contain the user name nor be contained in it (case ignored).
 */
export function passwordProblem(pw: string, opts: { policy?: Pick<SecurityPolicy, 'passwordMinLength' | 'passwordClasses'>; username?: string } = {}): string | null {
  const min = opts.policy?.passwordMinLength ?? MIN_PASSWORD_LENGTH;
  const classes = opts.policy?.passwordClasses ?? DEFAULT_SECURITY_POLICY.passwordClasses;
  const length = [...pw].length;
  if (length < min) return `密码至少 ${min} 个字符`;
  if (length > MAX_PASSWORD_LENGTH) return `密码不能超过 ${MAX_PASSWORD_LENGTH} 个字符`;
  if (new Set(pw).size < 4) return '密码过于简单（不同字符太少）';
  if (CLASSES.filter((r) => r.test(pw)).length < classes) return `密码须包含小写字母、大写字母、数字、符号中的至少 ${classes} 类`;
  const name = opts.username?.trim().toLowerCase();
  if (name && name.length >= 3) {
    const p = pw.toLowerCase();
    if (p.includes(name) || name.includes(p)) return '密码不能包含用户名';
  }
  return null;
}

export function hashPassword(pw: string): Promise<string> {
  return hash(pw, OPTIONS);
}

/** Constant-time verification; false for a malformed hash rather than an exception. */
export async function verifyPassword(hashed: string, pw: string): Promise<boolean> {
  try {
    return await verify(hashed, pw);
  } catch {
    return false;
  }
}

/** A hash of a random password, to spend the same time when the user does not exist. */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  return (dummy ??= hashPassword(`dummy-${Math.random()}`));
}

type Q = Kysely<Database> | Transaction<Database>;

/**
 * Whether `pw` is one of the account's last `n` passwords: the current one and the n − 1 before
 * it (password_history keeps the hashes each change replaced). n = 0: never.
 */
export async function isRecentPassword(db: Q, userId: number, pw: string, n: number): Promise<boolean> {
  if (n <= 0) return false;
  const user = await db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst();
  const earlier = n > 1 ? await db.selectFrom('password_history').select('password_hash').where('user_id', '=', userId).orderBy('id', 'desc').limit(n - 1).execute() : [];
  for (const h of [user?.password_hash, ...earlier.map((r) => r.password_hash)]) {
    if (h && (await verifyPassword(h, pw))) return true;
  }
  return false;
}

/**
 * Stores a new password hash: the old hash goes to the history, the change time is now, and
 * `mustChange` says whether the account has to change it at its next login (an administrator set it).
 */
export async function storePassword(db: Q, userId: number, passwordHash: string, mustChange: boolean, now = new Date()): Promise<void> {
  const user = await db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirstOrThrow();
  const at = now.toISOString();
  await db.insertInto('password_history').values({ user_id: userId, password_hash: user.password_hash, changed_at: at }).execute();
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash, password_changed_at: at, must_change_password: mustChange ? 1 : 0 })
    .where('id', '=', userId)
    .execute();
}

/** Whether a password changed at `changedAt` has expired under the policy (maxAgeDays 0: never). */
export function passwordExpired(changedAt: string, maxAgeDays: number, now = Date.now()): boolean {
  return maxAgeDays > 0 && now - Date.parse(changedAt) > maxAgeDays * 86_400_000;
}

/**
 * A random initial password (set by an administrator, shown once, changed at first login):
 * 16 characters with all four classes, without look-alike characters.
 */
export function generatePassword(length = 16): string {
  const sets = ['abcdefghijkmnpqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '-_.!@#%+='];
  const all = sets.join('');
  const chars = sets.map((s) => s[randomInt(s.length)]!);
  while (chars.length < length) chars.push(all[randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
