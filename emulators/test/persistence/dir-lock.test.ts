/** One emulator process per data directory: held locks refuse, released and stale ones are taken. */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_FILE, lockDirectory } from '../../persistence/dir-lock.js';

const root = mkdtempSync(join(tmpdir(), 'emu-lock-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('lockDirectory', () => {
  test('held in this process → refused; released → free again, lock file gone', async () => {
    const unlock = await lockDirectory(root);
    assert.equal(readFileSync(join(root, LOCK_FILE), 'utf8'), `${process.pid}\n`);
    await assert.rejects(lockDirectory(root), /already used by emulators running in this process/);
    await unlock();
    assert.equal(existsSync(join(root, LOCK_FILE)), false);
    await (
      await lockDirectory(root)
    )();
  });

  test('a lock of a live other process is refused; of a dead one or garbage, taken over', async () => {
    const cases: Array<[string, string, boolean]> = [
      ['live parent process', `${process.ppid}\n`, false],
      ['exited process', `${spawnSync(process.execPath, ['-e', '0']).pid}\n`, true],
      ['garbage', 'not a pid', true],
      ['this pid (a copied directory)', `${process.pid}\n`, true],
    ];
    for (const [what, content, takenOver] of cases) {
      writeFileSync(join(root, LOCK_FILE), content);
      if (takenOver) {
        const unlock = await lockDirectory(root);
        assert.equal(readFileSync(join(root, LOCK_FILE), 'utf8'), `${process.pid}\n`, what);
        await unlock();
      } else {
        await assert.rejects(lockDirectory(root), new RegExp(`in process ${process.ppid}`), what);
      }
    }
  });
});
