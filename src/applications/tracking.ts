/**
 * Public tracking of an application: a readable tracking number (受理编号) and a random
 * query code (查询码) that only the applicant receives. Both are needed to see the case; the code
 * is shown once and only its SHA-256 is stored, compared in constant time.
 *
 * - Tracking number: `<agency id>-<year>-<6-digit serial per agency and year>`, e.g.
 *   `7-2026-000123`: digits and hyphens only, easy to read over the phone.
 * - 查询码: 8 characters from 32 unambiguous ones (no 0/O, 1/I): 40 bits. Guessing is further
 *   limited by the web layer's rate limiting; a lookup never says which of the two was wrong.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SECRET_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const SECRET_LENGTH = 8;

export function formatTrackingNumber(agencyId: number, year: number, serial: number): string {
  return `${agencyId}-${year}-${String(serial).padStart(6, '0')}`;
}

const TRACKING = /^(\d{1,9})-(\d{4})-(\d{6,9})$/;

/** The canonical form of a typed tracking number (full-width digits, spaces, dashes), or null. */
export function normalizeTrackingNumber(input: string): string | null {
  const s = input
    .normalize('NFKC')
    .replace(/[\s\u3000]+/g, '')
    .replace(/[‐‑‒–—―－]/g, '-');
  return TRACKING.test(s) ? s : null;
}

/** A new 查询码 (uniform over the alphabet: 32 symbols, 5 bits each). */
export function newTrackingSecret(): string {
  const bytes = randomBytes(SECRET_LENGTH);
  let out = '';
  for (const b of bytes) out += SECRET_ALPHABET[b & 31];
  return out;
}

/** The canonical form of a typed 查询码: upper case, no spaces or dashes; O read as 0 is not in the alphabet. */
export function normalizeSecret(input: string): string {
  return input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\u3000\-‐‑‒–—―－]+/g, '');
}

/** 8 characters shown as ABCD-EFGH for reading and writing down. */
export function displaySecret(secret: string): string {
  return `${secret.slice(0, 4)}-${secret.slice(4)}`;
}

export function hashTrackingSecret(trackingNumber: string, secret: string): string {
  return createHash('sha256').update(`${trackingNumber}:${normalizeSecret(secret)}`, 'utf8').digest('hex');
}

/** Constant-time check of a 查询码 against the stored hash. */
export function verifyTrackingSecret(trackingNumber: string, secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashTrackingSecret(trackingNumber, secret), 'hex');
  const b = Buffer.from(/^[0-9a-f]{64}$/.test(storedHash) ? storedHash : '0'.repeat(64), 'hex');
  return timingSafeEqual(a, b);
}
