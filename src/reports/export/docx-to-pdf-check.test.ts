/**
 * scripts/docx-to-pdf-check.sh: the real check needs LibreOffice, which is not installed here nor
 * in CI, so it runs only where `soffice` exists. What can run anywhere does: the script's exit 3
 * and message without LibreOffice, its usage errors, and (with Chromium) its page and text checks
 * against a stand-in soffice that "converts" by copying a PDF made by our own PDF export.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { renderReportDocx } from './docx.js';
import { chromiumPath, closePdfRenderer, renderReportPdf } from './pdf.js';
import { seedReport } from './test-helpers.js';

const SCRIPT = fileURLToPath(new URL('../../../scripts/docx-to-pdf-check.sh', import.meta.url));
const soffice = spawnSync('sh', ['-c', 'command -v soffice || command -v libreoffice'], { encoding: 'utf8' }).stdout.trim();
const noSoffice: string | false = soffice ? false : 'LibreOffice (soffice) is not installed here (too heavy for CI): the real conversion is a manual check';
const noChromium: string | false = existsSync(chromiumPath()) ? false : `Chromium not found at ${chromiumPath()}`;

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 });
}

describe('scripts/docx-to-pdf-check.sh', () => {
  let dir = '';
  let docx = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gk-docx-check-'));
    docx = join(dir, 'seed.docx');
    writeFileSync(docx, await renderReportDocx(seedReport()));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await closePdfRenderer();
  });

  it('exits 3 and says clearly that LibreOffice is missing', () => {
    const r = run([docx], { SOFFICE: '/nonexistent/soffice' });
    assert.equal(r.status, 3);
    assert.match(r.stderr, /LibreOffice \(soffice\) is not installed at \/nonexistent\/soffice/);
    assert.match(r.stderr, /未安装 LibreOffice/);
  });

  it('with a stand-in soffice: usage errors exit 2; the page and text checks pass or fail (exit 1)', { skip: noChromium }, async () => {
    const pdf = join(dir, 'made.pdf');
    writeFileSync(pdf, await renderReportPdf(seedReport()));
    const fake = join(dir, 'soffice');
    writeFileSync(
      fake,
      '#!/bin/sh\nout=""; in=""\nwhile [ $# -gt 0 ]; do case "$1" in --outdir) out="$2"; shift 2;; -*) shift;; *) in="$1"; shift;; esac; done\nb=$(basename "$in"); cp "$FAKE_PDF" "$out/${b%.*}.pdf"\n',
    );
    chmodSync(fake, 0o755);
    const env = { SOFFICE: fake, FAKE_PDF: pdf };
    assert.equal(run([], env).status, 2);
    assert.equal(run([join(dir, 'missing.docx')], env).status, 2);
    assert.equal(run([docx, '--min-pages', 'x'], env).status, 2);
    const ok = run([docx], env);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /\d+ page\(s\)/);
    const bad = run([docx, '--min-pages', '99', '--expect', '这段文字不在报告里'], env);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /FAIL \d+ page\(s\), expected at least 99/);
    assert.match(bad.stderr, /FAIL text not found: 这段文字不在报告里/);
  });

  it('converts an exported .docx with LibreOffice: pages and text', { skip: noSoffice }, () => {
    const r = run([docx, '--expect', '市中区永安镇政府', '--expect', '第二十条第（九）项']);
    assert.equal(r.status, 0, r.stderr + r.stdout);
  });
});
