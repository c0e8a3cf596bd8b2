/** Unit tests of the streaming multipart/related parser: boundaries split across chunks, large media, errors. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { boundaryOf, MultipartParser, parseMultipartRelated } from '../../harness/multipart.js';
import { HttpError } from '../../harness/http.js';
import { pseudoRandomBytes } from '../support.js';

/** A body exactly as gaxios writes it. */
function gaxiosBody(boundary: string, metadata: string, mediaType: string, media: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${metadata}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Type: ${mediaType}\r\n\r\n`),
    media,
    Buffer.from(`\r\n--${boundary}--`),
  ]);
}

function chunked(buf: Buffer, sizes: number[]): Readable {
  const chunks: Buffer[] = [];
  let off = 0;
  let i = 0;
  while (off < buf.length) {
    const n = sizes[i++ % sizes.length] ?? 1;
    chunks.push(buf.subarray(off, off + n));
    off += n;
  }
  return Readable.from(chunks);
}

describe('boundaryOf', () => {
  const cases: Array<[string, string | undefined]> = [
    ['multipart/related; boundary=abc', 'abc'],
    ['multipart/related; boundary="a b:c"', 'a b:c'],
    // Python's email package via apitools (gcloud) quotes with single quotes: boundary=%r.
    ["multipart/related; boundary='===============4396227276823449832=='", '===============4396227276823449832=='],
    ["multipart/related; boundary=''", ''],
    ['Multipart/Related;Boundary=xyz; type=application/json', 'xyz'],
    ['multipart/related; charset=utf-8; boundary=0d8f-11', '0d8f-11'],
    ['multipart/related', undefined],
    ['application/json; boundary=abc', undefined],
    ['', undefined],
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => assert.equal(boundaryOf(input), expected));
  }
});

describe('parseMultipartRelated', () => {
  const boundary = '5c1b6d2e-7f3a-4a0b-9c1d-2e3f4a5b6c7d';
  const type = `multipart/related; boundary=${boundary}`;
  const meta = JSON.stringify({ name: 'a/b ü.txt', metadata: { k: 'v' } });

  test('every split position of a small body', async () => {
    const media = Buffer.from(`hello\r\n--${boundary.slice(0, 10)} not a delimiter\r\n-`);
    const body = gaxiosBody(boundary, meta, 'text/plain', media);
    for (let split = 0; split <= body.length; split++) {
      const stream = Readable.from([body.subarray(0, split), body.subarray(split)].filter((b) => b.length));
      const out = await parseMultipartRelated(stream, type);
      assert.deepEqual(out.metadata, JSON.parse(meta), `split ${split}`);
      assert.equal(out.mediaContentType, 'text/plain');
      assert.deepEqual(out.media.toBuffer(), media, `split ${split}`);
    }
  });

  const chunkings: Array<[string, number[]]> = [
    ['1-byte chunks', [1]],
    ['7/13/64 chunks', [7, 13, 64]],
    ['one chunk', [1 << 30]],
    ['64 KiB chunks', [65536]],
  ];
  for (const [label, sizes] of chunkings) {
    test(`media ending in delimiter-like bytes, ${label}`, async () => {
      const media = Buffer.concat([pseudoRandomBytes(3000, 7), Buffer.from(`\r\n--${boundary}`.slice(0, 20))]);
      const body = gaxiosBody(boundary, meta, 'application/octet-stream', media);
      const out = await parseMultipartRelated(chunked(body, sizes), type);
      assert.deepEqual(out.media.toBuffer(), media);
    });
  }

  test('empty media and empty metadata', async () => {
    const out = await parseMultipartRelated(Readable.from([gaxiosBody(boundary, '', 'image/png', Buffer.alloc(0))]), type);
    assert.deepEqual(out.metadata, {});
    assert.equal(out.media.size, 0);
    assert.equal(out.mediaContentType, 'image/png');
  });

  test('5 MiB media in 64 KiB chunks round-trips with matching size and md5', async () => {
    const media = pseudoRandomBytes(5 * 1024 * 1024 + 17, 42);
    const body = gaxiosBody(boundary, meta, 'application/octet-stream', media);
    const out = await parseMultipartRelated(chunked(body, [65536]), type);
    assert.equal(out.media.size, media.length);
    assert.equal(out.media.md5Hex, createHash('md5').update(media).digest('hex'));
  });

  test('LF-only line endings, preamble, header folding-free extra headers, epilogue', async () => {
    const body = Buffer.from(
      `preamble text\r\n--${boundary}\nContent-Type: application/json; charset=UTF-8\n\n{"a":1}\r\n` +
        `--${boundary}\r\nContent-Type: text/csv\r\nContent-Transfer-Encoding: binary\r\n\r\nx,y\r\n--${boundary}--\r\nepilogue`,
    );
    const out = await parseMultipartRelated(Readable.from([body]), type);
    assert.deepEqual(out.metadata, { a: 1 });
    assert.equal(out.mediaContentType, 'text/csv');
    assert.equal(out.media.toBuffer().toString(), 'x,y');
  });

  /** A body as gcloud (apitools + Python's email generator) writes it: LF-only line ends, a single-quoted boundary. */
  function gcloudBody(b: string, media: Buffer): Buffer {
    return Buffer.concat([
      Buffer.from(`--${b}\nContent-Type: application/json\nMIME-Version: 1.0\n\n{"bucket": "bk", "name": "x"}\n`),
      Buffer.from(`--${b}\nContent-Type: text/plain\nMIME-Version: 1.0\nContent-Transfer-Encoding: binary\n\n`),
      media,
      Buffer.from(`\n--${b}--\n`),
    ]);
  }

  const lfEndings: Array<[string, Buffer]> = [
    ['text ending in LF', Buffer.from('hello\n')],
    ['content ending in CR (not part of an LF delimiter)', Buffer.from('abc\r')],
    ['content ending in CRLF', Buffer.from('abc\r\n')],
    ['empty content', Buffer.alloc(0)],
    ['a lone CR', Buffer.from('\r')],
    ['binary with delimiter-like bytes', Buffer.concat([pseudoRandomBytes(5000, 3), Buffer.from('\n--=====\r')])],
  ];
  for (const [label, media] of lfEndings) {
    for (const [chunking, sizes] of [
      ['one chunk', [1 << 30]],
      ['1-byte chunks', [1]],
      ['3-byte chunks', [3]],
    ] as const) {
      test(`gcloud's LF-only body, single-quoted boundary: ${label}, ${chunking}`, async () => {
        const b = '===============0009427196958379023==';
        const out = await parseMultipartRelated(chunked(gcloudBody(b, media), [...sizes]), `multipart/related; boundary='${b}'`);
        assert.deepEqual(out.metadata, { bucket: 'bk', name: 'x' });
        assert.equal(out.mediaContentType, 'text/plain');
        assert.deepEqual(out.media.toBuffer(), media);
      });
    }
  }

  test('CRLF body whose content ends in CR keeps it; a closing delimiter without a line end is fine', async () => {
    const media = Buffer.from('ends in CR\r');
    const out = await parseMultipartRelated(Readable.from([gaxiosBody(boundary, meta, 'text/plain', media)]), type);
    assert.deepEqual(out.media.toBuffer(), media);
  });

  test('double-quoted boundary with characters a token cannot hold', async () => {
    const b = 'a b:c?';
    const out = await parseMultipartRelated(
      Readable.from([gaxiosBody(b, meta, 'text/plain', Buffer.from('q'))]),
      `multipart/related; boundary="${b}"`,
    );
    assert.equal(out.media.toBuffer().toString(), 'q');
  });

  const errors: Array<[string, string, string]> = [
    ['no boundary param', 'multipart/related', `--${boundary}\r\n\r\n{}\r\n--${boundary}--`],
    ['not multipart', 'application/json', '{}'],
    ['missing close delimiter', type, `--${boundary}\r\n\r\n{}\r\n--${boundary}\r\n\r\nabc`],
    ['only one part', type, `--${boundary}\r\n\r\n{}\r\n--${boundary}--`],
    ['bad JSON metadata', type, `--${boundary}\r\n\r\n{nope\r\n--${boundary}\r\n\r\nabc\r\n--${boundary}--`],
    ['no delimiter at all', type, 'just some bytes'],
  ];
  for (const [label, contentType, text] of errors) {
    test(`400 on ${label}`, async () => {
      await assert.rejects(parseMultipartRelated(Readable.from([Buffer.from(text)]), contentType), (err: unknown) => {
        assert.ok(err instanceof HttpError);
        assert.equal(err.status, 400);
        return true;
      });
    });
  }
});

describe('MultipartParser', () => {
  test('hands out more than two parts in order', () => {
    const parts: Array<{ headers: Record<string, string>; data: string }> = [];
    const parser = new MultipartParser('b', {
      onPartStart: (headers) => parts.push({ headers, data: '' }),
      onPartData: (d) => {
        const last = parts[parts.length - 1];
        if (last) last.data += d.toString();
      },
      onPartEnd: () => undefined,
    });
    for (const ch of '--b\r\nX-A: 1\r\n\r\none\r\n--b\r\n\r\ntwo\r\n--b\r\nX-C: 3\r\n\r\nthree\r\n--b--') parser.push(Buffer.from(ch));
    parser.end();
    assert.deepEqual(parts, [
      { headers: { 'x-a': '1' }, data: 'one' },
      { headers: {}, data: 'two' },
      { headers: { 'x-c': '3' }, data: 'three' },
    ]);
  });
});
