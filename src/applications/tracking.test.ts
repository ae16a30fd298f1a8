import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SECRET_ALPHABET,
  displaySecret,
  formatTrackingNumber,
  hashTrackingSecret,
  newTrackingSecret,
  normalizeSecret,
  normalizeTrackingNumber,
  verifyTrackingSecret,
} from './tracking.js';

describe('tracking number and 查询码', () => {
  test('tracking numbers: readable, canonical when typed loosely', () => {
    assert.equal(formatTrackingNumber(7, 2026, 123), '7-2026-000123');
    assert.equal(normalizeTrackingNumber(' ７－２０２６－０００１２３ '), '7-2026-000123');
    assert.equal(normalizeTrackingNumber('7—2026—000123'), '7-2026-000123');
    assert.equal(normalizeTrackingNumber('7-2026-123'), null);
    assert.equal(normalizeTrackingNumber("7-2026-000123' or 1=1"), null);
  });

  test('the alphabet has no look-alikes; codes use all of it, uniformly enough', () => {
    assert.equal(SECRET_ALPHABET.length, 32);
    assert.equal(new Set(SECRET_ALPHABET).size, 32);
    for (const c of '01IO') assert.ok(!SECRET_ALPHABET.includes(c));
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const s = newTrackingSecret();
      assert.match(s, /^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}$/);
      for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    assert.equal(counts.size, 32);
    for (const n of counts.values()) assert.ok(n > 350 && n < 650, String(n)); // expected 500
  });

  test('hash: bound to the tracking number; verify tolerates how people type the code', () => {
    const h = hashTrackingSecret('7-2026-000123', 'ABCD2345');
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.notEqual(h, hashTrackingSecret('7-2026-000124', 'ABCD2345'));
    assert.ok(verifyTrackingSecret('7-2026-000123', 'ABCD2345', h));
    assert.ok(verifyTrackingSecret('7-2026-000123', displaySecret('abcd2345'), h));
    assert.ok(verifyTrackingSecret('7-2026-000123', ' abcd 2345 ', h));
    assert.ok(!verifyTrackingSecret('7-2026-000123', 'ABCD2346', h));
    assert.ok(!verifyTrackingSecret('7-2026-000123', '', h));
    assert.ok(!verifyTrackingSecret('7-2026-000123', 'ABCD2345', 'not a hash'));
    assert.equal(normalizeSecret('ａｂｃｄ－２３４５'), 'ABCD2345');
    assert.equal(displaySecret('ABCD2345'), 'ABCD-2345');
  });
});
