/**
 * The restore's read path puts a fixed number of listeners on its streams, whatever the number of chunks
 * or of re-opens: the Drive body and the download stream (src/restore/drive-download.ts) and every body a
 * cut read re-opens (src/restore/content.ts over src/backup/upload/source-reader.ts). A listener added per
 * chunk or per retry would hold every closure it captured until the stream ends, and trip Node's
 * MaxListenersExceededWarning. The Drive client is a stand-in behind the product's real gateway; its
 * bodies are counted chunk by chunk.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { Gateway } from '../../../src/core/gateway.js';
import type { DriveClient, DriveGateway } from '../../../src/drive/gateway.js';
import { RestoredContent } from '../../../src/restore/content.js';
import { openDownload, type DownloadSource } from '../../../src/restore/drive-download.js';

const CHUNK = 1024;
const SOURCE: DownloadSource = { fileId: 'f', revisionId: 'r', head: true, acknowledgeAbuse: false };

/** All listeners of a stream, over every event. */
const listeners = (s: NodeJS.EventEmitter): number => s.eventNames().reduce((n, e) => n + s.listenerCount(e), 0);

/**
 * A Drive whose `files.get` (media) answers with a body of `chunks` chunks from the requested offset on,
 * cut with ECONNRESET after `cutAfter` chunks of the first body when given. Counts the listeners of each
 * body as every chunk leaves it.
 */
function fakeDrive(chunks: number, cutAfter?: number) {
  const bodies: { offset: number; counts: number[] }[] = [];
  const get = (_params: unknown, options: { headers: Record<string, string> }) => {
    const offset = Number(/bytes=(\d+)-/.exec(options.headers.Range ?? '')?.[1] ?? 0);
    const counts: number[] = [];
    const first = bodies.length === 0;
    bodies.push({ offset, counts });
    let at = offset / CHUNK;
    const body = new Readable({
      read() {
        counts.push(listeners(body));
        if (first && cutAfter !== undefined && at === cutAfter)
          return void body.destroy(Object.assign(new Error('cut'), { code: 'ECONNRESET' }));
        this.push(at < chunks ? Buffer.alloc(CHUNK, at++ % 256) : null);
      },
    });
    return Promise.resolve({ status: offset > 0 ? 206 : 200, data: body });
  };
  const client = { api: { files: { get } }, authHeaders: () => Promise.resolve({}), baseUrl: '' } as unknown as DriveClient;
  const gateway: DriveGateway = new Gateway<DriveClient>({
    service: 'drive',
    client: () => Promise.resolve(client),
    sleep: () => Promise.resolve(),
  });
  return { gateway, bodies };
}

describe('the restore read path adds no listener per chunk or per re-open', () => {
  test('a download of many chunks: the body and the download stream keep the listeners they had at the first chunk', async () => {
    for (const chunks of [4, 2_000]) {
      const { gateway, bodies } = fakeDrive(chunks);
      const out = openDownload(gateway, SOURCE, 0);
      const outCounts: number[] = [];
      let bytes = 0;
      for await (const chunk of out) {
        outCounts.push(listeners(out));
        bytes += (chunk as Buffer).length;
      }
      assert.equal(bytes, chunks * CHUNK);
      const [body] = bodies;
      assert.ok(body && body.counts.length > chunks, `the body was read chunk by chunk (${body?.counts.length} reads)`);
      // From the first chunk on (the pipes are set up by then), the counts never grow.
      const steady = body.counts.slice(1);
      assert.equal(
        Math.max(...steady),
        steady[0],
        `${chunks} chunks: the body's listeners grew from ${steady[0]} to ${Math.max(...steady)}`,
      );
      assert.equal(
        Math.max(...outCounts),
        outCounts[0],
        `${chunks} chunks: the download's listeners grew from ${outCounts[0]} to ${Math.max(...outCounts)}`,
      );
    }
  });

  test('a read cut mid-way re-opens at its next byte, and the new body has no more listeners than the first', async () => {
    const chunks = 600;
    const { gateway, bodies } = fakeDrive(chunks, 300);
    const content = new RestoredContent(gateway, SOURCE, chunks * CHUNK, {}, undefined, false);
    let bytes = 0;
    for await (const piece of content.pieces()) bytes += piece.length;
    assert.equal(bytes, chunks * CHUNK);
    assert.equal(content.opens.length, 2);
    assert.ok(content.opens[1] > 0 && content.opens[1] <= 300 * CHUNK, `re-opened at ${content.opens[1]}`);
    const [first, second] = bodies.map((b) => b.counts.slice(1));
    assert.ok(first && second);
    assert.equal(Math.max(...first), first[0], `the first body's listeners grew from ${first[0]} to ${Math.max(...first)}`);
    assert.equal(Math.max(...second), first[0], `the re-opened body has ${Math.max(...second)} listeners, the first ${first[0]}`);
  });
});
