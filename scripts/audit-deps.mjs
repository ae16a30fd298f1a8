#!/usr/bin/env node
// Dependency audit for CI (docs/security.md): known vulnerabilities of high or critical severity
// in the runtime dependencies (npm audit --omit=dev) fail the build, and the installed runtime
// tree must match the lockfile (npm ls).
//
// The advisory database is a service of the registry. Where the registry does not offer it (this
// project's build machines answer 405 to the advisory endpoint, as do many mirrors) the audit
// cannot be done: that is printed loudly and, by default, does not fail the build;
// GONGKAI_NPM_AUDIT=required makes it fail, GONGKAI_NPM_AUDIT=off skips the advisory query.
import { spawnSync } from 'node:child_process';

const mode = process.env.GONGKAI_NPM_AUDIT ?? 'on';
if (!['on', 'off', 'required'].includes(mode)) {
  console.error(`GONGKAI_NPM_AUDIT must be on, off or required, not "${mode}"`);
  process.exit(2);
}

const ls = spawnSync('npm', ['ls', '--omit=dev', '--all', '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
let tree;
try {
  tree = JSON.parse(ls.stdout);
} catch {
  console.error(`npm ls: unreadable output (exit ${ls.status})\n${ls.stderr}`);
  process.exit(1);
}
if (ls.status !== 0 || tree.problems?.length) {
  console.error(`npm ls: the installed runtime dependencies do not match package-lock.json:\n${(tree.problems ?? [ls.stderr]).join('\n')}`);
  process.exit(1);
}
console.log('npm ls: runtime dependency tree matches package-lock.json');

if (mode === 'off') {
  console.log('npm audit: skipped (GONGKAI_NPM_AUDIT=off)');
  process.exit(0);
}
const audit = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
let report;
try {
  report = JSON.parse(audit.stdout);
} catch {
  report = { message: (audit.stderr || audit.stdout).trim().split('\n').pop() };
}
const counts = report.metadata?.vulnerabilities;
if (!counts) {
  const why = report.message ?? report.error?.summary ?? `exit ${audit.status}`;
  console.error(`npm audit: NOT PERFORMED — the registry's advisory service is unavailable from this machine (${why})`);
  process.exit(mode === 'required' ? 1 : 0);
}
const serious = (counts.high ?? 0) + (counts.critical ?? 0);
console.log(`npm audit: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
if (serious > 0) {
  for (const [name, v] of Object.entries(report.vulnerabilities ?? {})) {
    if (v.severity === 'high' || v.severity === 'critical') console.error(`  ${v.severity}: ${name} ${v.range ?? ''}`);
  }
  process.exit(1);
}
