#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with Node's own test runner (through tsx).
// Usage: node scripts/test.mjs [filter]   — filter keeps test files whose path contains it.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts') || name.endsWith('.test.tsx')) out.push(p);
  }
  return out;
}

const filter = process.argv[2];
const files = ['src', 'test'].flatMap((d) => find(d)).filter((f) => !filter || f.includes(filter)).sort();
if (files.length === 0) {
  console.error(`no test files${filter ? ` matching ${filter}` : ''}`);
  process.exit(2);
}
const reporter = process.env.CI ? 'spec' : 'spec';
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-reporter=${reporter}`, ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
