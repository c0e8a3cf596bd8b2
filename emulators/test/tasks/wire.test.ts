/**
 * The proto3 JSON and resource-name rules of the Cloud Tasks emulator, by tables: Durations, Timestamps,
 * enums, the transcoder's refusals, names and IDs, page tokens and unknown query parameters.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpError } from '../../harness/http.js';
import { page, parseQueueName, TASK_ID, unknownQueryParameter } from '../../tasks/names.js';
import { formatDuration, formatTimestamp, Message, parseDuration, parseEnum, parseTimestamp } from '../../tasks/wire.js';

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof HttpError);
    assert.equal(err.status, 400);
    return err.message;
  }
  return assert.fail('expected a refusal');
};

describe('durations and timestamps', () => {
  const durations: [string, number, string][] = [
    ['10s', 10_000, '10s'],
    ['0.1s', 100, '0.100s'],
    ['1.5s', 1500, '1.500s'],
    ['0.000001s', 0.001, '0.000001s'],
    ['3600s', 3_600_000, '3600s'],
  ];
  for (const [text, ms, printed] of durations) {
    test(`${text} ↔ ${ms} ms ↔ ${printed}`, () => {
      assert.equal(parseDuration(text, 'd'), ms);
      assert.equal(formatDuration(ms), printed);
    });
  }
  for (const bad of ['10', '1.5', 's', '1.1234567890s', 10]) {
    test(`${JSON.stringify(bad)} is refused like Google's transcoder`, () => {
      assert.match(
        refusal(() => parseDuration(bad, 'queue.retry_config.min_backoff')),
        /^Invalid value at 'queue\.retry_config\.min_backoff' \(type\.googleapis\.com\/google\.protobuf\.Duration\), "/,
      );
    });
  }
  test('timestamps: RFC 3339 with fractions and offsets; printed in UTC without .000', () => {
    assert.equal(parseTimestamp('2030-01-01T00:00:00Z', 't'), Date.parse('2030-01-01T00:00:00Z'));
    assert.equal(parseTimestamp('2030-01-01T01:00:00.123456789+01:00', 't'), Date.parse('2030-01-01T00:00:00.123Z'));
    assert.equal(formatTimestamp(Date.parse('2030-01-01T00:00:00Z')), '2030-01-01T00:00:00Z');
    assert.equal(formatTimestamp(Date.parse('2030-01-01T00:00:00.5Z')), '2030-01-01T00:00:00.500Z');
    assert.match(
      refusal(() => parseTimestamp('yesterday', 'task.schedule_time')),
      /task\.schedule_time.*Timestamp/,
    );
  });
});

describe('enums and messages', () => {
  const enums: [unknown, string | undefined][] = [
    [1, 'POST'],
    ['GET', 'GET'],
    ['6', 'PATCH'],
    [undefined, undefined],
    [null, undefined],
  ];
  for (const [given, expected] of enums)
    test(`HttpMethod ${JSON.stringify(given)} → ${expected}`, () => assert.equal(parseEnum('HttpMethod', given, 'm'), expected));
  test('an unknown enum value or field is refused with the field path', () => {
    assert.match(
      refusal(() => parseEnum('HttpMethod', 'FETCH', 'task.http_request.http_method')),
      /task\.http_request\.http_method/,
    );
    assert.equal(
      refusal(() => Message.of({ url: 'x', bogus: 1 }, 'task.http_request', ['url'])),
      `Invalid JSON payload received. Unknown name "bogus" at 'task.http_request': Cannot find field.`,
    );
    const msg = Message.of({ max_attempts: '5', minBackoff: '1s' }, 'queue.retry_config', ['maxAttempts', 'minBackoff']);
    assert.deepEqual([msg.int32('maxAttempts'), msg.duration('minBackoff')], [5, 1000], 'both spellings; int32 as a string');
    assert.match(
      refusal(() => Message.of({ maxAttempts: 1.5 }, 'q', ['maxAttempts']).int32('maxAttempts')),
      /'q\.max_attempts' \(TYPE_INT32\)/,
    );
  });
});

describe('names, pages and query parameters', () => {
  const queues: [string, boolean][] = [
    ['projects/p/locations/us-central1/queues/backup-queue', true],
    ['projects/my.domain:proj/locations/l/queues/q1', true],
    ['projects/p/locations/l/queues/under_score', false],
    ['projects/p/locations/l/queues/' + 'a'.repeat(101), false],
    ['projects/p/queues/q', false],
  ];
  for (const [name, ok] of queues)
    test(`queue name ${name.slice(0, 60)} → ${ok}`, () => assert.equal(parseQueueName(name) !== undefined, ok));
  const taskIds: [string, boolean][] = [
    ['b64-AZaz09_-', true],
    ['a'.repeat(500), true],
    ['a'.repeat(501), false],
    ['with space', false],
    ['', false],
  ];
  for (const [id, ok] of taskIds)
    test(`task ID of ${id.length} chars ${JSON.stringify(id.slice(0, 12))} → ${ok}`, () => assert.equal(TASK_ID.test(id), ok));
  test('page tokens walk the list; a forged one is refused', () => {
    const first = page([1, 2, 3, 4, 5], 2, '', 1000);
    const second = page([1, 2, 3, 4, 5], 2, first.nextPageToken ?? '', 1000);
    const third = page([1, 2, 3, 4, 5], 2, second.nextPageToken ?? '', 1000);
    assert.deepEqual([first.items, second.items, third.items, third.nextPageToken], [[1, 2], [3, 4], [5], undefined]);
    assert.throws(() => page([1], 1, 'garbage', 10), RangeError);
  });
  test('unknown query parameters: system parameters and the method’s fields (either spelling) pass', () => {
    const q = (s: string) => new URLSearchParams(s);
    assert.equal(unknownQueryParameter(q('$alt=json;enum-encoding=int&pageSize=2&page_token=x'), ['pageSize', 'pageToken']), undefined);
    assert.equal(unknownQueryParameter(q('updateMask=a&queue.name=x'), ['updateMask', 'queue']), undefined);
    assert.equal(unknownQueryParameter(q('readMask=stats'), []), 'readMask');
  });
});
