/**
 * Garbage collection of the file store (SQLite or PostgreSQL, TEST_DATABASE_URL): files referred
 * to by an application's attachment or a catalogue version's file stay; a file removed from a
 * draft goes once it is old enough, unless another record still refers to the same bytes; crash
 * leftovers go; anything not in the store's layout is never touched; a dry run removes nothing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { registerByStaff } from '../applications/application.service.js';
import { createDraft } from '../catalogue/catalogue.service.js';
import { addVersionFile, removeVersionFile } from '../catalogue/files.js';
import type { Db } from '../db/database.js';
import { calendar, inPerson, setupDesk, type Desk } from '../../test/support/application-fixtures.js';
import { openTestDb } from '../../test/support/db.js';
import { cjkPdf } from '../../test/support/pdf.js';
import { addAttachment } from './attachment.service.js';
import { collectGarbage } from './gc.js';
import { createFileStore, type FileStore } from './store.js';

const HOUR = 3_600_000;

describe('file store garbage collection', () => {
  let db: Db;
  let dir: string;
  let store: FileStore;
  let desk: Desk;

  before(async () => {
    db = await openTestDb();
    dir = mkdtempSync(join(tmpdir(), 'gongkai-gc-'));
    store = createFileStore(dir);
    desk = await setupDesk(db);
  });
  after(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Makes a stored file look `hours` old. */
  const age = (sha: string, hours: number) => {
    const t = new Date(Date.now() - hours * HOUR);
    utimesSync(join(dir, sha.slice(0, 2), sha.slice(2, 4), sha), t, t);
  };

  test('only what no record refers to, only when old enough; shared bytes stay while one record holds them', async () => {
    const deps = { calendar, now: () => new Date() };
    const app = await registerByStaff(db, deps, desk.clerkA, inPerson(desk.agencyA, '2026-03-02'));
    const shared = cjkPdf(['两处引用的同一文件']);
    const kept = await addAttachment(db, store, desk.clerkA, { applicationId: app.applicationId, filename: '材料.pdf', bytes: shared, kind: 'incoming' });
    assert.ok(kept.id > 0);

    const draft = await createDraft(db, deps, desk.clerkA, {
      agencyId: desk.agencyA,
      title: '附件清理测试',
      summary: '测试',
      category: 'art20.2',
      subject: '综合政务',
      formedOn: '2026-03-02',
    });
    const lone = cjkPdf(['只在草稿中的文件']);
    let version = draft.version;
    const a = await addVersionFile(db, store, deps, desk.clerkA, draft.itemId, { version, filename: '草稿附件.pdf', bytes: lone });
    version = a.version;
    const b = await addVersionFile(db, store, deps, desk.clerkA, draft.itemId, { version, filename: '同一文件.pdf', bytes: shared });
    version = b.version;
    version = (await removeVersionFile(db, deps, desk.clerkA, draft.itemId, a.file.id, { version })).version;
    version = (await removeVersionFile(db, deps, desk.clerkA, draft.itemId, b.file.id, { version })).version;

    const shaOf = (bytes: Buffer) => import('node:crypto').then((c) => c.createHash('sha256').update(bytes).digest('hex'));
    const loneSha = await shaOf(lone);
    const sharedSha = await shaOf(shared);
    // Crash leftovers and files that are not the store's own.
    const tmp = join(dir, loneSha.slice(0, 2), loneSha.slice(2, 4), `${loneSha}.0123456789ab.tmp`);
    writeFileSync(tmp, 'half');
    mkdirSync(join(dir, 'backup'), { recursive: true });
    writeFileSync(join(dir, 'backup', 'notes.txt'), 'not ours');
    writeFileSync(join(dir, 'README'), 'not ours');

    // Young: nothing goes.
    let r = await collectGarbage(db, store);
    assert.deepEqual([r.removed, r.young], [0, 2]);
    assert.ok(r.referenced >= 1);

    age(loneSha, 30);
    age(sharedSha, 30);
    utimesSync(tmp, new Date(Date.now() - 30 * HOUR), new Date(Date.now() - 30 * HOUR));
    r = await collectGarbage(db, store, { dryRun: true });
    assert.deepEqual([r.removed, r.dryRun], [2, true]);
    assert.ok(existsSync(tmp) && (await store.has(loneSha)), 'a dry run removes nothing');

    // An upload of the same bytes touches the file: it is young again and stays.
    await store.put(lone);
    r = await collectGarbage(db, store);
    assert.deepEqual([r.removed, r.young], [1, 1], 'only the leftover goes; the re-uploaded file is young');
    assert.ok(!existsSync(tmp));
    assert.ok(await store.has(loneSha));

    age(loneSha, 30);
    r = await collectGarbage(db, store);
    assert.equal(r.removed, 1);
    assert.ok(!(await store.has(loneSha)), 'the draft-only file is gone');
    assert.ok(await store.has(sharedSha), 'the application still refers to the shared bytes');
    assert.ok(existsSync(join(dir, 'backup', 'notes.txt')) && existsSync(join(dir, 'README')), 'foreign files untouched');
    await assert.rejects(collectGarbage(db, store, { minAgeMs: -1 }), RangeError);
  });
});
