/**
 * Contract tests of the Cloud Storage emulator, driven only through the official `@google-cloud/storage`
 * client: uploads of every kind and size round-trip byte-exact with matching hashes, ranged and
 * generation-pinned reads, preconditions, list pagination, compose/patch/delete, notifications, faults.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, Storage, type Bucket } from '@google-cloud/storage';
import type { StorageObjectData } from '../gcs/index.js';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '../index.js';
import { collect, crc32cBase64, md5Base64, pseudoRandomBytes } from './gcs/support.js';

const KiB = 1024;
const MiB = 1024 * KiB;

let emu: Emulators;
let storage: Storage;
let bucket: Bucket;
let tmp: string;

function apiCode(err: unknown): unknown {
  return (err as ApiError).code;
}

async function assertApiError(promise: Promise<unknown>, code: number): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected ApiError, got ${String(err)}`);
    assert.equal(apiCode(err), code);
    return true;
  });
}

before(async () => {
  emu = await startEmulators({ limits: RATE_LIMITS_OFF });
  storage = new Storage({ apiEndpoint: emu.env.STORAGE_EMULATOR_HOST, projectId: 'test' });
  [bucket] = await storage.createBucket('contract-bucket');
  tmp = mkdtempSync(join(tmpdir(), 'gcs-emu-'));
});

after(async () => {
  await emu.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('buckets', () => {
  test('get, list, 409 on duplicate, 404 for unknown bucket on object routes', async () => {
    const [meta] = await bucket.getMetadata();
    assert.equal(meta.name, 'contract-bucket');
    const [buckets] = await storage.getBuckets();
    assert.ok(buckets.some((b) => b.name === 'contract-bucket'));
    await assertApiError(storage.createBucket('contract-bucket'), 409);
    const missing = storage.bucket('no-such-bucket');
    await assertApiError(missing.getMetadata(), 404);
    await assertApiError(missing.file('x').getMetadata(), 404);
    await assertApiError(missing.file('x').save('abc', { resumable: false }), 404);
    await assertApiError(missing.getFiles(), 404);
    await assertApiError(missing.file('x').download(), 404);
  });

  test('STORAGE_EMULATOR_HOST mode (JSON API paths without /storage/v1) works too', async () => {
    const saved = process.env.STORAGE_EMULATOR_HOST;
    process.env.STORAGE_EMULATOR_HOST = emu.env.STORAGE_EMULATOR_HOST;
    try {
      const envClient = new Storage({ projectId: 'test' });
      const file = envClient.bucket('contract-bucket').file('env-mode/obj.txt');
      await file.save('via env', { resumable: false, contentType: 'text/plain' });
      const [meta] = await file.getMetadata();
      assert.equal(meta.contentType, 'text/plain');
      const [data] = await file.download();
      assert.equal(data.toString(), 'via env');
      const [files] = await envClient.bucket('contract-bucket').getFiles({ prefix: 'env-mode/' });
      assert.deepEqual(
        files.map((f) => f.name),
        ['env-mode/obj.txt'],
      );
    } finally {
      if (saved === undefined) delete process.env.STORAGE_EMULATOR_HOST;
      else process.env.STORAGE_EMULATOR_HOST = saved;
    }
  });
});

describe('uploads round-trip byte-exact', () => {
  const sizes = [0, 1, 256 * KiB - 1, 256 * KiB, 256 * KiB + 1, 5 * MiB];
  const modes = [
    { label: 'multipart', opts: { resumable: false } },
    { label: 'resumable, one PUT', opts: { resumable: true } },
    { label: 'resumable, 256 KiB chunks', opts: { resumable: true, chunkSize: 256 * KiB } },
  ] as const;
  let seed = 1;
  for (const size of sizes) {
    for (const mode of modes) {
      const s = seed++;
      test(`${size} B, ${mode.label}`, async () => {
        const data = pseudoRandomBytes(size, s);
        const file = bucket.file(`sizes/${size}/${mode.label}`);
        const putsBefore = emu.hub.counters()['gcs.upload.resumable.put'] ?? 0;
        await file.save(data, { ...mode.opts, contentType: 'application/x-test', metadata: { metadata: { seed: String(s) } } });
        const puts = (emu.hub.counters()['gcs.upload.resumable.put'] ?? 0) - putsBefore;
        if ('chunkSize' in mode.opts) assert.equal(puts, Math.max(1, Math.ceil(size / (256 * KiB))));
        const [meta] = await file.getMetadata();
        assert.equal(meta.size, String(size));
        assert.equal(meta.md5Hash, md5Base64(data));
        assert.equal(meta.crc32c, crc32cBase64(data));
        assert.equal(meta.contentType, 'application/x-test');
        assert.deepEqual(meta.metadata, { seed: String(s) });
        for (const validation of ['crc32c', 'md5'] as const) {
          const [back] = await file.download({ validation });
          assert.ok(back.equals(data), `content differs (${validation})`);
        }
        const view = emu.gcs.getObject('contract-bucket', file.name);
        assert.equal(view?.generation, String(meta.generation));
        assert.ok(view?.content.toBuffer().equals(data));
      });
    }
  }

  test('24 MiB through createWriteStream (resumable, three 8 MiB chunks) and bucket.upload of a 5 MiB file', async () => {
    const big = pseudoRandomBytes(24 * MiB, 64);
    const file = bucket.file('big/24mib.bin');
    await new Promise<void>((resolve, reject) => {
      const ws = file.createWriteStream({ resumable: true, chunkSize: 8 * MiB });
      ws.on('error', reject).on('finish', resolve);
      for (let off = 0; off < big.length; off += 4 * MiB) ws.write(big.subarray(off, off + 4 * MiB));
      ws.end();
    });
    const [meta] = await file.getMetadata();
    assert.equal(meta.md5Hash, md5Base64(big));
    assert.equal(meta.crc32c, crc32cBase64(big));
    const back = await collect(file.createReadStream({ validation: 'crc32c' }));
    assert.ok(back.equals(big));

    const five = pseudoRandomBytes(5 * MiB + 3, 5);
    const path = join(tmp, 'five.bin');
    writeFileSync(path, five);
    const [uploaded] = await bucket.upload(path, { destination: 'big/five-from-disk.bin' });
    assert.equal(uploaded.metadata.md5Hash, md5Base64(five));
    const [again] = await uploaded.download({ validation: 'md5' });
    assert.ok(again.equals(five));
  });

  test('a non-resumable createWriteStream (multipart) upload', async () => {
    const data = pseudoRandomBytes(300 * KiB, 77);
    const file = bucket.file('streams/multipart.bin');
    const before = emu.hub.counters()['gcs.upload.multipart'] ?? 0;
    await new Promise<void>((resolve, reject) => {
      file.createWriteStream({ resumable: false }).on('error', reject).on('finish', resolve).end(data);
    });
    assert.equal((emu.hub.counters()['gcs.upload.multipart'] ?? 0) - before, 1);
    const [back] = await file.download();
    assert.ok(back.equals(data));
  });
});

describe('reads', () => {
  const data = pseudoRandomBytes(1000 * KiB + 7, 99);
  before(async () => {
    await bucket.file('reads/ranged.bin').save(data, { resumable: false });
  });

  const ranges: Array<[string, { start?: number; end?: number }, [number, number]]> = [
    ['first byte', { start: 0, end: 0 }, [0, 1]],
    ['middle', { start: 1000, end: 300_000 }, [1000, 300_001]],
    ['open end', { start: 700_000 }, [700_000, data.length]],
    ['end past size', { start: 10, end: 10 * MiB }, [10, data.length]],
    ['last byte', { start: data.length - 1 }, [data.length - 1, data.length]],
  ];
  for (const [label, opts, [from, to]] of ranges) {
    test(`ranged createReadStream: ${label}`, async () => {
      const got = await collect(bucket.file('reads/ranged.bin').createReadStream(opts));
      assert.ok(got.equals(data.subarray(from, to)), `got ${got.length} bytes`);
    });
  }

  test('a range starting past the end is rejected with 416', async () => {
    await assert.rejects(collect(bucket.file('reads/ranged.bin').createReadStream({ start: data.length + 5 })), (err: unknown) => {
      assert.equal(apiCode(err), 416);
      return true;
    });
  });

  test('generation-pinned reads see older generations, also after the live one is deleted', async () => {
    const name = 'reads/versions.txt';
    const [v1] = await bucket
      .file(name)
      .save('one', { resumable: false })
      .then(() => bucket.file(name).getMetadata());
    await bucket.file(name).save('two', { resumable: false });
    const [v2] = await bucket.file(name).getMetadata();
    assert.ok(BigInt(String(v2.generation)) > BigInt(String(v1.generation)));
    const [old] = await bucket.file(name, { generation: String(v1.generation) }).download();
    assert.equal(old.toString(), 'one');
    const [live] = await bucket.file(name).download();
    assert.equal(live.toString(), 'two');
    const [oldMeta] = await bucket.file(name, { generation: String(v1.generation) }).getMetadata();
    assert.equal(oldMeta.generation, v1.generation);

    await bucket.file(name).delete();
    await assertApiError(bucket.file(name).getMetadata(), 404);
    const [stillThere] = await bucket.file(name, { generation: String(v2.generation) }).download();
    assert.equal(stillThere.toString(), 'two');
    const [versions] = await bucket.getFiles({ prefix: name, versions: true });
    assert.deepEqual(
      versions.map((f) => String(f.metadata.generation)),
      [String(v1.generation), String(v2.generation)],
    );

    await bucket.file(name, { generation: String(v1.generation) }).delete();
    await assertApiError(bucket.file(name, { generation: String(v1.generation) }).download(), 404);
  });
});

describe('preconditions', () => {
  test('ifGenerationMatch: 0 on an existing object is 412, on a new one succeeds', async () => {
    const file = bucket.file('pre/gen0.txt');
    await file.save('first', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });
    await assertApiError(file.save('second', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } }), 412);
    await assert.rejects(file.save('second', { resumable: true, preconditionOpts: { ifGenerationMatch: 0 } }), (err: unknown) => {
      assert.equal(apiCode(err), 412);
      return true;
    });
    const [content] = await file.download();
    assert.equal(content.toString(), 'first');
  });

  test('ifGenerationMatch with the live generation succeeds; a stale one is 412 (with its message)', async () => {
    const file = bucket.file('pre/genmatch.txt');
    await file.save('v1', { resumable: false });
    const [m1] = await file.getMetadata();
    await file.save('v2', { resumable: false, preconditionOpts: { ifGenerationMatch: Number(m1.generation) } });
    await assert.rejects(
      file.save('v3', { resumable: false, preconditionOpts: { ifGenerationMatch: Number(m1.generation) } }),
      (err: unknown) => {
        assert.equal(apiCode(err), 412);
        assert.match((err as Error).message, /pre-conditions you specified did not hold/);
        return true;
      },
    );
    await assertApiError(file.delete({ ifGenerationMatch: Number(m1.generation) }), 412);
  });

  test('ifMetagenerationMatch on setMetadata: mismatch 412, match bumps metageneration', async () => {
    const file = bucket.file('pre/meta.txt');
    await file.save('x', { resumable: false, metadata: { metadata: { a: '1', b: '2' } } });
    const [m1] = await file.getMetadata();
    assert.equal(m1.metageneration, '1');
    await assertApiError(file.setMetadata({ metadata: { c: '3' } }, { ifMetagenerationMatch: 7 }), 412);
    const [m2] = await file.setMetadata({ metadata: { a: null, c: '3' }, contentType: 'text/x-patched' }, { ifMetagenerationMatch: 1 });
    assert.equal(m2.metageneration, '2');
    assert.equal(m2.generation, m1.generation);
    assert.deepEqual(m2.metadata, { b: '2', c: '3' });
    assert.equal(m2.contentType, 'text/x-patched');
    assert.ok(String(m2.updated) >= String(m1.updated));
    assert.notEqual(m2.etag, m1.etag);
  });
});

describe('list', () => {
  const COUNT = 1100;
  const names = Array.from({ length: COUNT }, (_, i) => `list/${String(i).padStart(5, '0')}`);
  before(async () => {
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(names.slice(i, i + 50).map((n) => bucket.file(n).save(n, { resumable: false })));
    }
    for (const n of ['tree/a/1', 'tree/a/2', 'tree/b/1', 'tree/c', 'tree/d/e/f']) await bucket.file(n).save(n, { resumable: false });
  });

  test(`${COUNT} objects, pages of 100 with autoPaginate: false: every name once, in order`, async () => {
    const seen: string[] = [];
    let query: Record<string, unknown> | null = { prefix: 'list/', maxResults: 100, autoPaginate: false };
    let pages = 0;
    while (query) {
      const [files, next] = (await bucket.getFiles(query)) as unknown as [Array<{ name: string }>, Record<string, unknown> | null];
      seen.push(...files.map((f) => f.name));
      query = next;
      pages++;
    }
    assert.equal(pages, Math.ceil(COUNT / 100));
    assert.deepEqual(seen, names);
  });

  test('default page size is 1000 and autoPaginate gets everything', async () => {
    const [firstPage, next] = (await bucket.getFiles({ prefix: 'list/', autoPaginate: false })) as unknown as [unknown[], unknown];
    assert.equal(firstPage.length, 1000);
    assert.ok(next);
    const [all] = await bucket.getFiles({ prefix: 'list/' });
    assert.deepEqual(
      all.map((f) => f.name),
      names,
    );
  });

  test('startOffset / endOffset', async () => {
    const [files] = await bucket.getFiles({ prefix: 'list/', startOffset: 'list/00010', endOffset: 'list/00013' });
    assert.deepEqual(
      files.map((f) => f.name),
      ['list/00010', 'list/00011', 'list/00012'],
    );
  });

  test('prefix + delimiter give prefixes, also across pages', async () => {
    const [files, , resp] = (await bucket.getFiles({ prefix: 'tree/', delimiter: '/', autoPaginate: false })) as unknown as [
      Array<{ name: string }>,
      unknown,
      { prefixes?: string[] },
    ];
    assert.deepEqual(
      files.map((f) => f.name),
      ['tree/c'],
    );
    assert.deepEqual(resp.prefixes, ['tree/a/', 'tree/b/', 'tree/d/']);

    const items: string[] = [];
    const prefixes: string[] = [];
    let query: Record<string, unknown> | null = { prefix: 'tree/', delimiter: '/', maxResults: 1, autoPaginate: false };
    while (query) {
      const [page, next, r] = (await bucket.getFiles(query)) as unknown as [
        Array<{ name: string }>,
        Record<string, unknown> | null,
        { prefixes?: string[] },
      ];
      items.push(...page.map((f) => f.name));
      prefixes.push(...(r.prefixes ?? []));
      query = next;
    }
    assert.deepEqual(items, ['tree/c']);
    assert.deepEqual(prefixes, ['tree/a/', 'tree/b/', 'tree/d/']);
  });

  test('fields is accepted', async () => {
    const [files] = await bucket.getFiles({ prefix: 'tree/a/', fields: 'items(name)' } as never);
    assert.deepEqual(
      files.map((f) => f.name),
      ['tree/a/1', 'tree/a/2'],
    );
  });
});

describe('compose, delete, patch', () => {
  test('compose: content is the concatenation, crc32c right, no md5Hash, componentCount', async () => {
    const parts = [pseudoRandomBytes(300 * KiB, 11), pseudoRandomBytes(1, 12), pseudoRandomBytes(70 * KiB, 13)];
    const files = parts.map((_, i) => bucket.file(`compose/part-${i}`));
    await Promise.all(files.map((f, i) => f.save(parts[i] as Buffer, { resumable: false })));
    const [dest] = await bucket.combine(files, 'compose/all.bin');
    const whole = Buffer.concat(parts);
    const [meta] = await dest.getMetadata();
    assert.equal(meta.md5Hash, undefined);
    assert.equal(meta.crc32c, crc32cBase64(whole));
    assert.equal(meta.componentCount, 3);
    assert.equal(meta.size, String(whole.length));
    const [back] = await dest.download({ validation: 'crc32c' });
    assert.ok(back.equals(whole));
    await assert.rejects(dest.download({ validation: 'md5' }), /MD5/i);
    await assertApiError(bucket.combine([bucket.file('compose/missing')], 'compose/x'), 404);
  });

  test('delete then get is 404; deleting again is 404', async () => {
    const file = bucket.file('del/me.txt');
    await file.save('bye', { resumable: false });
    await file.delete();
    await assertApiError(file.getMetadata(), 404);
    await assertApiError(file.download(), 404);
    await assertApiError(file.delete(), 404);
    assert.equal(emu.gcs.getObject('contract-bucket', 'del/me.txt'), undefined);
  });

  test('awkward names: slashes, percent, quotes, unicode, spaces', async () => {
    for (const name of ['a/b/c', '100%/x', `q"u'o"te`, 'üñí©ødé/日本', ' spaced name ', 'plus+and&amp?#hash']) {
      await bucket.file(name).save(name, { resumable: false });
      const [data] = await bucket.file(name).download();
      assert.equal(data.toString(), name);
      const [meta] = await bucket.file(name).getMetadata();
      assert.equal(meta.name, name);
    }
  });
});

describe('notifications', () => {
  test('subscribe: one finalized per write (same generation), one deleted per delete; the webhook gets the same JSON', async () => {
    const received: Array<{ kind: string; data: StorageObjectData }> = [];
    const hook: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString()) as { kind: string; data: StorageObjectData });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/events`;
    const reg = await fetch(`${emu.env.STORAGE_EMULATOR_HOST}/_emulator/gcs/notifications`, {
      method: 'POST',
      body: JSON.stringify({ url: hookUrl }),
    });
    assert.equal(reg.status, 200);

    const events: Array<{ kind: string; data: StorageObjectData }> = [];
    const unsubscribe = emu.gcs.subscribe((kind, data) => events.push({ kind, data }));
    try {
      const file = bucket.file('notify/obj.bin');
      await file.save(pseudoRandomBytes(1000, 1), { resumable: false });
      const [m1] = await file.getMetadata();
      await file.save(pseudoRandomBytes(600 * KiB, 2), { resumable: true, chunkSize: 256 * KiB });
      const [m2] = await file.getMetadata();
      await file.setMetadata({ metadata: { x: '1' } });
      await file.delete();

      assert.deepEqual(
        events.map((e) => [e.kind, e.data.generation]),
        [
          ['finalized', String(m1.generation)],
          ['finalized', String(m2.generation)],
          ['deleted', String(m2.generation)],
        ],
      );
      const fin = events[1]?.data as StorageObjectData;
      assert.equal(fin.kind, 'storage#object');
      assert.equal(fin.id, `contract-bucket/notify/obj.bin/${String(m2.generation)}`);
      assert.equal(fin.size, String(600 * KiB));
      assert.equal(fin.md5Hash, m2.md5Hash);
      assert.equal(fin.crc32c, m2.crc32c);
      assert.equal(fin.metageneration, '1');
      assert.match(fin.timeCreated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

      // Waits on progress (every event posted), not on a wall-clock budget.
      while (received.length < events.length) await sleep(20);
      assert.deepEqual(received, JSON.parse(JSON.stringify(events)));
    } finally {
      unsubscribe();
      await fetch(`${emu.env.STORAGE_EMULATOR_HOST}/_emulator/gcs/notifications`, { method: 'DELETE', body: '{}' });
      await new Promise<void>((r) => hook.close(() => r()));
    }
    const countAfter = events.length;
    await bucket.file('notify/after.txt').save('x', { resumable: false });
    assert.equal(events.length, countAfter, 'unsubscribed listener must not be called');
  });
});

describe('faults as the client sees them', () => {
  test('a 503 on the first upload request is retried by the client and succeeds', async () => {
    emu.hub.faults.add({
      service: 'gcs',
      route: 'gcs.upload.*',
      action: { kind: 'status', status: 503, body: { error: { code: 503, message: 'try again' } } },
    });
    const before = emu.hub.total('gcs.upload.');
    // A fresh client: save() without a generation precondition turns `autoRetry` off on its Storage for good.
    const fresh = new Storage({ apiEndpoint: emu.env.STORAGE_EMULATOR_HOST, projectId: 'test' });
    const file = fresh.bucket('contract-bucket').file('faults/retried.bin');
    const data = pseudoRandomBytes(400 * KiB, 503);
    await file.save(data, { resumable: true, preconditionOpts: { ifGenerationMatch: 0 } });
    assert.ok(emu.hub.total('gcs.upload.') - before >= 3, 'the failed request plus a retried session start and its PUT');
    const [back] = await file.download();
    assert.ok(back.equals(data));
  });

  test('a response cut after K bytes: the client stream errors at once (storage 8), the next read is whole', async () => {
    const file = bucket.file('faults/cut.bin');
    const data = pseudoRandomBytes(2 * MiB, 7);
    await file.save(data, { resumable: false });
    emu.hub.faults.add({
      service: 'gcs',
      route: 'gcs.objects.download',
      action: { kind: 'reset', direction: 'response', afterBytes: 100 * KiB },
    });
    // Downloads carry Content-Length. Under storage 7, node-fetch 2 missed a close mid-body and the stream
    // hung; storage 8's fetch reports the cut as an error ("aborted", ECONNRESET) once the socket closes.
    const stream = file.createReadStream();
    let received = 0;
    const failed = await new Promise<unknown>((resolve) => {
      stream.on('data', (c: Buffer) => (received += c.length));
      stream.on('end', () => resolve(undefined));
      stream.on('error', resolve);
    });
    assert.ok(failed instanceof Error, 'the cut is an error, not an end');
    assert.match(`${(failed as NodeJS.ErrnoException).code} ${(failed as Error).message}`, /ECONNRESET|aborted|premature/i);
    assert.ok(received <= 100 * KiB, `no more than the bytes sent before the cut (${received})`);
    const [ok] = await file.download();
    assert.ok(ok.equals(data), 'the next download is whole again');
  });
});
