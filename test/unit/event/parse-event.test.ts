/**
 * Table-driven tests for CloudEvent parsing: good events in every shape functions-framework produces
 * (structured mode objects, binary mode Buffers and JSON strings, `data_base64`) with int64 fields as
 * strings and numbers, and bad events → the exact list of problems reported.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DELETED_TYPE, FINALIZED_TYPE, MalformedEventError, parseStorageEvent, type StorageEvent } from '../../../src/event/parse-event.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const objectData = {
  kind: 'storage#object',
  bucket: 'src-bucket',
  name: 'a/b.txt',
  generation: '1700000000123456',
  metageneration: '1',
  size: '42',
  md5Hash: 'XrY7u+Ae7tCTyyK7j1rNww==',
  crc32c: 'yZRlqg==',
  contentType: 'text/plain',
  updated: '2024-01-01T00:00:00.000Z',
  timeCreated: '2024-01-01T00:00:00.000Z',
  storageClass: 'STANDARD',
};

/** The object as parsed: every field of the event's data but the two the backup does not use. */
const { kind: _kind, storageClass: _storageClass, ...expectedObject } = objectData;

function cloudEvent(data: unknown, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    specversion: '1.0',
    type: FINALIZED_TYPE,
    id: 'evt-1',
    source: '//storage.googleapis.com/projects/_/buckets/src-bucket',
    subject: 'objects/a/b.txt',
    time: '2024-01-01T00:00:00.000Z',
    data,
    ...overrides,
  };
}

describe('parseStorageEvent: good events', () => {
  type Row = [title: string, event: unknown, expected: StorageEvent];
  const rows: Row[] = [
    ['structured mode, data object', cloudEvent(objectData), { kind: 'finalized', id: 'evt-1', object: expectedObject }],
    [
      'binary mode, data Buffer',
      cloudEvent(Buffer.from(JSON.stringify(objectData))),
      { kind: 'finalized', id: 'evt-1', object: expectedObject },
    ],
    [
      'binary mode, data Uint8Array',
      cloudEvent(new TextEncoder().encode(JSON.stringify(objectData))),
      { kind: 'finalized', id: 'evt-1', object: expectedObject },
    ],
    ['data JSON string', cloudEvent(JSON.stringify(objectData)), { kind: 'finalized', id: 'evt-1', object: expectedObject }],
    [
      'structured mode with data_base64',
      cloudEvent(undefined, { data_base64: Buffer.from(JSON.stringify(objectData)).toString('base64') }),
      { kind: 'finalized', id: 'evt-1', object: expectedObject },
    ],
    [
      'int64 fields as numbers',
      cloudEvent({ ...objectData, generation: 1700000000123456, metageneration: 1, size: 42 }),
      { kind: 'finalized', id: 'evt-1', object: expectedObject },
    ],
    [
      'int64 strings with leading zeros are normalised',
      cloudEvent({ bucket: 'b', name: 'n', generation: '0007', size: '000' }),
      { kind: 'finalized', id: 'evt-1', object: { bucket: 'b', name: 'n', generation: '7', size: '0' } },
    ],
    [
      'generation beyond 2^53 kept exact as a string',
      cloudEvent({ bucket: 'b', name: 'n', generation: '9223372036854775807' }),
      { kind: 'finalized', id: 'evt-1', object: { bucket: 'b', name: 'n', generation: '9223372036854775807' } },
    ],
    [
      'deleted event, minimal data, nulls ignored',
      cloudEvent({ bucket: 'b', name: 'n', generation: '5', md5Hash: null }, { type: DELETED_TYPE }),
      { kind: 'deleted', id: 'evt-1', object: { bucket: 'b', name: 'n', generation: '5' } },
    ],
    [
      'traceparent carried',
      cloudEvent({ bucket: 'b', name: 'n', generation: '5' }, { traceparent: TRACEPARENT }),
      { kind: 'finalized', id: 'evt-1', object: { bucket: 'b', name: 'n', generation: '5' }, traceparent: TRACEPARENT },
    ],
    [
      'invalid traceparent dropped',
      cloudEvent({ bucket: 'b', name: 'n', generation: '5' }, { traceparent: 'nonsense' }),
      { kind: 'finalized', id: 'evt-1', object: { bucket: 'b', name: 'n', generation: '5' } },
    ],
    [
      'custom metadata kept, its string entries only (a canary says it is one there)',
      cloudEvent({ bucket: 'b', name: 'n', generation: '5', metadata: { 'gcs-drive-backup-canary': 'run-1', n: 5 } }),
      {
        kind: 'finalized',
        id: 'evt-1',
        object: { bucket: 'b', name: 'n', generation: '5', metadata: { 'gcs-drive-backup-canary': 'run-1' } },
      },
    ],
    [
      'empty or null custom metadata left out',
      cloudEvent({ bucket: 'b', name: 'n', generation: '5', metadata: null }),
      { kind: 'finalized', id: 'evt-1', object: { bucket: 'b', name: 'n', generation: '5' } },
    ],
    [
      'other type ignored without looking at data',
      cloudEvent('garbage', { type: 'google.cloud.storage.object.v1.metadataUpdated' }),
      { kind: 'ignored', type: 'google.cloud.storage.object.v1.metadataUpdated', id: 'evt-1' },
    ],
    [
      'archived type ignored',
      cloudEvent(objectData, { type: 'google.cloud.storage.object.v1.archived', id: 'x' }),
      { kind: 'ignored', type: 'google.cloud.storage.object.v1.archived', id: 'x' },
    ],
  ];
  // Every row's event has the CloudEvent `time` 2024-01-01T00:00:00.000Z: a change's time is carried.
  for (const [title, event, expected] of rows) {
    const withTime = expected.kind === 'ignored' ? expected : { ...expected, time: '2024-01-01T00:00:00.000Z' };
    test(title, () => assert.deepEqual(parseStorageEvent(event), withTime));
  }
});

describe('parseStorageEvent: malformed events', () => {
  type Row = [title: string, event: unknown, problems: string[]];
  const rows: Row[] = [
    ['not an object', 'hello', ['event is the string "hello", not an object']],
    ['null', null, ['event is null, not an object']],
    ['no data', cloudEvent(undefined), ['data is missing']],
    ['data null', cloudEvent(null), ['data is missing']],
    ['data an array', cloudEvent([1]), ['data is an array, expected a JSON object']],
    ['data a number', cloudEvent(5), ['data is the number 5, expected a JSON object']],
    ['data JSON of a string', cloudEvent('"x"'), ['data is the string "x", expected a JSON object']],
    [
      'missing id and type plus bad data',
      { data: {} },
      [
        'id is missing, expected a non-empty string',
        'type is missing, expected a non-empty string',
        'data.bucket is missing, expected a non-empty string',
        'data.name is missing, expected a non-empty string',
        'data.generation is missing',
      ],
    ],
    ['ignored type without id', { type: 'other.type' }, ['id is missing, expected a non-empty string']],
    [
      'every field wrong',
      cloudEvent({
        bucket: 7,
        name: '',
        generation: 'abc',
        metageneration: -1,
        size: 1.5,
        md5Hash: 5,
        contentType: {},
        updated: false,
      }),
      [
        'data.bucket is the number 7, expected a non-empty string',
        'data.name is an empty string, expected a non-empty string',
        'data.generation is the string "abc", expected a non-negative integer (decimal string or number)',
        'data.metageneration is the number -1, expected a non-negative integer (decimal string or number)',
        'data.size is the number 1.5, expected a non-negative integer (decimal string or number)',
        'data.md5Hash is the number 5, expected a string',
        'data.contentType is an object, expected a string',
        'data.updated is the boolean false, expected a string',
      ],
    ],
    [
      'metadata not a map',
      cloudEvent({ bucket: 'b', name: 'n', generation: '5', metadata: 'x' }),
      ['data.metadata is the string "x", expected an object'],
    ],
    [
      'unsafe integer number',
      cloudEvent({ bucket: 'b', name: 'n', generation: 2 ** 53 }),
      ['data.generation is the number 9007199254740992, expected a non-negative integer (decimal string or number)'],
    ],
  ];
  for (const [title, event, problems] of rows) {
    test(title, () => {
      assert.throws(
        () => parseStorageEvent(event),
        (err: unknown) => {
          assert.ok(err instanceof MalformedEventError);
          assert.deepEqual(err.problems, problems);
          for (const p of problems) assert.ok(err.message.includes(p), `message mentions ${p}`);
          return true;
        },
      );
    });
  }

  test('garbage JSON names the parse failure', () => {
    assert.throws(
      () => parseStorageEvent(cloudEvent(Buffer.from('{not json'))),
      (err: unknown) =>
        err instanceof MalformedEventError &&
        err.problems.length === 1 &&
        err.problems[0].startsWith('data is not valid JSON') &&
        err.problems[0].endsWith('"{not json"'),
    );
  });

  test('the message carries the event id', () => {
    assert.throws(() => parseStorageEvent(cloudEvent(undefined, { id: 'evt-42' })), /malformed storage event evt-42: data is missing/);
  });
});

describe('parseStorageEvent: the event time (a deletion is recorded at it)', () => {
  const rows: [title: string, time: unknown, expected: string | undefined][] = [
    ['RFC 3339 in UTC kept', '2026-12-01T10:00:00.000Z', '2026-12-01T10:00:00.000Z'],
    ['microseconds and an offset normalised to UTC milliseconds', '2026-12-01T11:00:00.123456+01:00', '2026-12-01T10:00:00.123Z'],
    ['not a time left out', 'yesterday', undefined],
    ['absent left out', undefined, undefined],
    ['not a string left out', 1764583200000, undefined],
  ];
  for (const [title, time, expected] of rows) {
    test(title, () => {
      const event = parseStorageEvent(cloudEvent({ bucket: 'b', name: 'n', generation: '5' }, { type: DELETED_TYPE, time }));
      assert.equal(event.kind === 'ignored' ? 'ignored' : event.time, expected);
    });
  }
});
