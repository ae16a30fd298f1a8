/**
 * E-mail addresses as the platform accepts them (staff members' reminder addresses, the sender):
 * one mailbox `local@domain.tld`, no display name, no spaces, angle brackets, quotes, commas or
 * control characters — so an address can never smuggle a second recipient or a header line.
 */

/** Longest address accepted (RFC 5321's path limit). */
export const MAX_MAIL_ADDRESS = 254;

const MAILBOX = /^[^\s<>@",;:\\()[\]]{1,64}@[^\s<>@",;:\\()[\]]+\.[^\s<>@",;:\\()[\]]+$/;

export function isMailAddress(s: string): boolean {
  return s.length <= MAX_MAIL_ADDRESS && MAILBOX.test(s) && !/[\u0000-\u001f\u007f]/.test(s);
}
