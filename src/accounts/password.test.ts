import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generatePassword, passwordExpired, passwordProblem } from './password.js';
import { DEFAULT_SECURITY_POLICY, parsePolicy } from './security-policy.js';
import { can, mayPlatform, type Actor } from './policy.js';

describe('password policy', () => {
  test('weak passwords are refused with the reason; a good one passes', () => {
    const cases: [string, RegExp][] = [
      ['Short-1a', /至少 12 个字符/],
      ['aaaaaaaaaaaaaaa', /不同字符太少/],
      ['abcdefghijkl1', /至少 3 类/],
      ['ABCDEFGHIJKLMN', /至少 3 类/],
      ['x'.repeat(100) + 'Aa1!'.repeat(30), /不能超过 200/],
    ];
    for (const [pw, reason] of cases) assert.match(passwordProblem(pw) ?? '', reason, pw);
    assert.equal(passwordProblem('Gongkai-demo-2026'), null);
  });

  test('the user name may not be in the password (case ignored), nor the password in the name', () => {
    assert.match(passwordProblem('Xiaowang-2026!', { username: 'xiaowang' }) ?? '', /不能包含用户名/);
    assert.match(passwordProblem('Zhang.San.Li2026', { username: 'ZHANG.SAN.LI2026.x' }) ?? '', /不能包含用户名/);
    assert.equal(passwordProblem('Xiaowang-2026!', { username: 'clerk' }), null);
  });

  test('the rules follow the policy: length and classes', () => {
    const p = { passwordMinLength: 8, passwordClasses: 4 };
    assert.match(passwordProblem('Abcdefg1', { policy: p }) ?? '', /至少 4 类/);
    assert.equal(passwordProblem('Abcdef1!', { policy: p }), null);
    assert.match(passwordProblem('Abcde1!', { policy: p }) ?? '', /至少 8 个字符/);
  });

  test('generated initial passwords meet the default policy and differ', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const pw = generatePassword();
      assert.equal(passwordProblem(pw), null, pw);
      seen.add(pw);
    }
    assert.equal(seen.size, 200);
  });

  test('expiry: after max age days; 0 never expires', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    assert.equal(passwordExpired('2026-03-01T00:00:00Z', 90, now), true);
    assert.equal(passwordExpired('2026-03-05T00:00:00Z', 90, now), false);
    assert.equal(passwordExpired('2020-01-01T00:00:00Z', 0, now), false);
  });

  test('policy values: within bounds, "off" for the expiry, Chinese reasons otherwise', () => {
    const ok = parsePolicy({ passwordMinLength: '16', passwordMaxAgeDays: 'off' }, DEFAULT_SECURITY_POLICY);
    assert.deepEqual(ok.policy, { ...DEFAULT_SECURITY_POLICY, passwordMinLength: 16, passwordMaxAgeDays: 0 });
    const bad = parsePolicy(
      { passwordMinLength: '6', passwordClasses: '1', passwordHistory: '-1', passwordMaxAgeDays: '7', lockoutThreshold: 'five', lockoutMinutes: '99999' },
      DEFAULT_SECURITY_POLICY,
    );
    assert.equal(bad.policy, null);
    assert.deepEqual(Object.keys(bad.errors ?? {}).sort(), ['lockoutMinutes', 'lockoutThreshold', 'passwordClasses', 'passwordHistory', 'passwordMaxAgeDays', 'passwordMinLength']);
    assert.match(bad.errors!.passwordMinLength!, /密码最短长度应为8–64 之间的整数/);
    assert.match(bad.errors!.passwordMaxAgeDays!, /或 0 表示不启用/);
  });
});

describe('三员分立 in the policy', () => {
  const access = new Map([[1, new Set(['clerk', 'admin'] as const)]]);
  const actor = (platformRole: Actor['platformRole']): Actor => ({ userId: 1, username: 'u', displayName: 'u', access, platformRole });

  test('each platform action belongs to exactly one role', () => {
    const actions = ['manage_accounts', 'manage_security', 'read_audit'] as const;
    const table = (['sysadmin', 'secadmin', 'auditor', null] as const).map((r) => actions.map((a) => mayPlatform(actor(r), a)));
    assert.deepEqual(table, [
      [true, false, false],
      [false, true, false],
      [false, false, true],
      [false, false, false],
    ]);
  });

  test('a security officer or auditor has no business power even with an agency grant; a system administrator keeps his', () => {
    assert.equal(can(actor('secadmin'), 'handle', 1), false);
    assert.equal(can(actor('auditor'), 'read', 1), false);
    assert.equal(can(actor('sysadmin'), 'administer', 1), true);
    assert.equal(can(actor(null), 'handle', 1), true);
  });
});
