/**
 * The deployment files in deploy/ are real: the environment example is a configuration this
 * program accepts (every variable known, documented in the README), and nginx accepts the proxy
 * configuration (`nginx -t`, where nginx is installed).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { loadConfig } from '../src/config.js';
import { generateKeyItem } from '../src/crypto/keys.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

/** KEY=value lines of an env file (comments and blank lines skipped; commented-out settings too). */
function envFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

describe('deploy/', () => {
  test('the environment example is accepted as it stands, with its paths and secrets filled in', () => {
    const example = envFile(read('deploy/gongkai.env.example'));
    const commented = envFile(
      read('deploy/gongkai.env.example')
        .split('\n')
        .filter((l) => l.startsWith('#') && /^#[A-Z_]+=/.test(l))
        .map((l) => l.slice(1))
        .join('\n'),
    );
    const dir = mkdtempSync(join(tmpdir(), 'gongkai-deploy-'));
    try {
      const keys = join(dir, 'data.keys');
      writeFileSync(keys, `${generateKeyItem()}\n`, { mode: 0o600 });
      const env: NodeJS.ProcessEnv = {
        ...Object.fromEntries([...example, ...commented]),
        PORT: '3001', // set per instance by systemd
        GONGKAI_DATA: join(dir, 'data'),
        GONGKAI_FILES: join(dir, 'files'),
        GONGKAI_DATA_KEY_FILE: keys,
      };
      const config = loadConfig(env);
      assert.equal(config.port, 3001);
      assert.equal(config.host, '127.0.0.1');
      assert.equal(config.trustProxy, true);
      assert.equal(config.secureCookies, true);
      assert.equal(config.demo, false);
      assert.ok(config.databaseUrl?.startsWith('postgres://'));
      assert.ok(config.mail, 'the commented SMTP lines are a valid pair');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Every variable of the example is in the README's configuration table.
    const readme = read('README.md');
    for (const name of [...example.keys(), ...commented.keys()]) assert.ok(readme.includes(`| \`${name}\``), `${name} is documented in README.md`);
  });

  test('the systemd unit starts the built CLI and passes the instance as the port', () => {
    const unit = read('deploy/gongkai@.service');
    assert.match(unit, /^ExecStart=\/usr\/bin\/node \/opt\/gongkai\/bin\/gongkai\.js serve$/m);
    assert.match(unit, /^Environment=PORT=%i$/m);
    assert.match(unit, /^EnvironmentFile=\/etc\/gongkai\/gongkai\.env$/m);
    assert.ok(existsSync(join(ROOT, 'bin/gongkai.js')));
  });

  const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
  const openssl = spawnSync('openssl', ['version']).status === 0;
  test('nginx accepts the proxy configuration', { skip: !nginx ? 'nginx is not installed' : !openssl ? 'openssl is not installed' : false }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'gongkai-nginx-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.key'), '-out', join(dir, 'c.crt'), '-days', '1', '-subj', '/CN=xxgk.example.gov.cn'], { stdio: 'pipe' });
      const site = read('deploy/nginx.conf')
        .replace('/etc/nginx/tls/xxgk.example.gov.cn.crt', join(dir, 'c.crt'))
        .replace('/etc/nginx/tls/xxgk.example.gov.cn.key', join(dir, 'k.key'))
        .replace('/var/cache/nginx/gongkai', join(dir, 'cache'));
      writeFileSync(join(dir, 'site.conf'), site);
      writeFileSync(join(dir, 'main.conf'), `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  client_body_temp_path ${dir}/body;\n  proxy_temp_path ${dir}/proxy;\n  include ${dir}/site.conf;\n}\n`);
      const r = spawnSync(nginx!, ['-t', '-c', join(dir, 'main.conf'), '-p', dir], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /test is successful/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
