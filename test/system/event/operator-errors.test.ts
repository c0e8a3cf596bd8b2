/**
 * What the operator must fix is one clear ERROR line and a retried event (nothing is lost): a bad
 * configuration value, a root folder the app cannot see, a secret the runtime cannot read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { worldForFile, writeObject } from '../../support/world.js';
import { deliverStorageEvent } from '../../../harness/deliver.js';

const world = worldForFile();

const cases: Array<{ label: string; env: Record<string, string>; expect: RegExp }> = [
  { label: 'a bad config value names the variable', env: { UPLOAD_CHUNK_MIB: '3.3' }, expect: /UPLOAD_CHUNK_MIB/ },
  {
    label: 'a missing root folder says what DRIVE_FOLDER_ID needs',
    env: { DRIVE_FOLDER_ID: '1NoSuchFolderAnywhere000000' },
    expect: /DRIVE_FOLDER_ID/,
  },
  { label: 'a missing secret says to run authorize', env: { TOKEN_SECRET: 'projects/test/secrets/missing' }, expect: /authorize/ },
];

for (const c of cases) {
  test(c.label, async () => {
    const fn = await world().startFunction('event', c.env);
    const data = await writeObject(world(), `operator/${c.label.replace(/\W+/g, '-')}.txt`, 'content');
    const status = await deliverStorageEvent(fn.url, data);
    assert.equal(status, 500, 'the event is retried, not acknowledged');
    const errors = fn.logs.lines.filter((l) => (JSON.parse(l) as { severity: string }).severity === 'ERROR');
    assert.equal(errors.length, 1, `one ERROR line, got:\n${fn.output.join('\n')}`);
    assert.match(errors[0], c.expect);
    assert.ok(!fn.output.some((l) => l.includes(world().emulators.seed.refreshToken)));
  });
}
