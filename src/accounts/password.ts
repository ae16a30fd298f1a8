/** Password hashing with argon2id (memory-hard) and the password policy. */
import { hash, verify } from '@node-rs/argon2';

/** argon2id with OWASP's minimum parameters (19 MiB, 2 iterations). */
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

/** Why a password is refused (Chinese), or null when it is acceptable. */
export function passwordProblem(pw: string): string | null {
  if (pw.length < MIN_PASSWORD_LENGTH) return `密码至少 ${MIN_PASSWORD_LENGTH} 个字符`;
  if (pw.length > MAX_PASSWORD_LENGTH) return `密码不能超过 ${MAX_PASSWORD_LENGTH} 个字符`;
  if (new Set(pw).size < 4) return '密码过于简单（不同字符太少）';
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(pw)).length;
  if (classes < 2) return '密码须包含字母、数字、符号中的至少两类';
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
