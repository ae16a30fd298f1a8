/**
 * The security policy: password rules, password expiry and account lockout. One validator with
 * one set of bounds and Chinese messages serves both sources of the values — the configuration
 * (environment variables, read at start: the installation's defaults) and the security officer's
 * form (安全保密管理员, stored append-only in security_settings: the latest row applies, so the
 * history of the policy is kept). The bounds are the floor that neither source can go below.
 *
 * Defaults (docs/security.md explains them): 12 characters and 3 of the 4 character classes (等保
 * 2.0 测评's usual "大小写字母、数字、特殊字符中至少三类，长度不少于 8 位", and ASVS 4.0 V2.1.1's 12),
 * no reuse of the last 5 passwords, expiry after 90 days (等保 2.0 8.1.4.1 a "定期更换"; ASVS
 * V2.1.10 advises against rotation, so it can be switched off with 0), lock after 5 consecutive
 * failures for 30 minutes (等保 2.0 8.1.4.1 b "限制非法登录次数").
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

export interface SecurityPolicy {
  /** Shortest password accepted. */
  passwordMinLength: number;
  /** How many of the four character classes (lower case, upper case, digits, symbols) a password needs. */
  passwordClasses: number;
  /** A new password may not be any of the account's last N passwords (the current one included); 0: no check. */
  passwordHistory: number;
  /** Days after which a password must be changed at the next login; 0: never. */
  passwordMaxAgeDays: number;
  /** Consecutive failed logins that lock the account. */
  lockoutThreshold: number;
  /** How long a lock lasts, in minutes (the security officer can unlock earlier). */
  lockoutMinutes: number;
}

export const DEFAULT_SECURITY_POLICY: Readonly<SecurityPolicy> = {
  passwordMinLength: 12,
  passwordClasses: 3,
  passwordHistory: 5,
  passwordMaxAgeDays: 90,
  lockoutThreshold: 5,
  lockoutMinutes: 30,
};

interface Bound {
  label: string;
  env: string;
  min: number;
  max: number;
  unit: string;
  /** 0 is allowed besides [min, max] and means "off". */
  zeroOff?: boolean;
}

/** Bounds of each value: what a form field and an environment variable accept. */
export const POLICY_BOUNDS: Readonly<Record<keyof SecurityPolicy, Bound>> = {
  passwordMinLength: { label: '密码最短长度', env: 'GONGKAI_PASSWORD_MIN_LENGTH', min: 8, max: 64, unit: '个字符' },
  passwordClasses: { label: '密码须包含的字符类别数', env: 'GONGKAI_PASSWORD_CLASSES', min: 2, max: 4, unit: '类' },
  passwordHistory: { label: '不得重复使用的历史密码个数', env: 'GONGKAI_PASSWORD_HISTORY', min: 0, max: 24, unit: '个' },
  passwordMaxAgeDays: { label: '密码有效期', env: 'GONGKAI_PASSWORD_MAX_AGE_DAYS', min: 30, max: 365, unit: '天', zeroOff: true },
  lockoutThreshold: { label: '连续登录失败锁定次数', env: 'GONGKAI_LOCKOUT_THRESHOLD', min: 3, max: 10, unit: '次' },
  lockoutMinutes: { label: '账号锁定时长', env: 'GONGKAI_LOCKOUT_MINUTES', min: 5, max: 1440, unit: '分钟' },
};

export const POLICY_KEYS = Object.keys(POLICY_BOUNDS) as (keyof SecurityPolicy)[];

/** What a value must be, in words (for the messages and the form's hints). */
export function boundText(b: Bound): string {
  return `${b.min}–${b.max} 之间的整数（${b.unit}）${b.zeroOff ? '，或 0 表示不启用' : ''}`;
}

/**
 * Reads the values (strings from a form or the environment; missing or blank: the fallback's)
 * into a policy, or the problems, one Chinese message per key.
 */
export function parsePolicy(
  input: Readonly<Record<string, string | undefined>>,
  fallback: Readonly<SecurityPolicy>,
  name: (key: keyof SecurityPolicy) => string = (k) => k,
): { policy: SecurityPolicy; errors: null } | { policy: null; errors: Record<string, string> } {
  const policy = { ...fallback };
  const errors: Record<string, string> = {};
  for (const key of POLICY_KEYS) {
    const b = POLICY_BOUNDS[key];
    const raw = input[name(key)];
    let v = raw?.trim().normalize('NFKC') ?? '';
    if (v === '') continue;
    if (b.zeroOff && v.toLowerCase() === 'off') v = '0';
    const n = /^\d{1,5}$/.test(v) ? Number(v) : NaN;
    if (!(n >= b.min && n <= b.max) && !(b.zeroOff && n === 0)) {
      errors[name(key)] = `${b.label}应为${boundText(b)}（收到「${raw!.trim().slice(0, 20)}」）`;
      continue;
    }
    policy[key] = n;
  }
  return Object.keys(errors).length ? { policy: null, errors } : { policy, errors: null };
}

type Q = Kysely<Database> | Transaction<Database>;

/** The policy in force: the security officer's latest values, or the configuration's. */
export async function effectivePolicy(db: Q, configured: Readonly<SecurityPolicy> = DEFAULT_SECURITY_POLICY): Promise<SecurityPolicy> {
  const row = await db.selectFrom('security_settings').select('settings').orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!row) return { ...configured };
  const stored = JSON.parse(row.settings) as Partial<Record<keyof SecurityPolicy, unknown>>;
  const strings = Object.fromEntries(POLICY_KEYS.map((k) => [k, typeof stored[k] === 'number' ? String(stored[k]) : undefined]));
  // A stored value outside today's bounds (bounds tightened by an upgrade) falls back to the configuration's.
  const parsed = parsePolicy(strings, configured);
  if (parsed.policy) return parsed.policy;
  const ok = Object.fromEntries(Object.entries(strings).filter(([k]) => !(k in parsed.errors)));
  return parsePolicy(ok, configured).policy!;
}
