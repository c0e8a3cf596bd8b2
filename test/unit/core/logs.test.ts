/**
 * Tests for the structured logger: a table of (named event call → severity, event name, message, fields)
 * checked on the single JSON line each call writes; trace correlation; and redaction, where a registered
 * sentinel secret must never reach the output, wherever it hides.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, projectFromEnv, traceFields, type Logger } from '../../../src/core/logs.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
const OBJ = { bucket: 'src', name: 'a/b.txt', generation: '17' };
const PROBLEM = { problemCode: 'drive-storage-full', failureClass: 'operator', service: 'drive' } as const;

function capture(project?: string): { logger: Logger; lines: string[]; entries: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const logger = createLogger({ write: (line) => lines.push(line), project });
  return { logger, lines, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('named events', () => {
  type Row = [
    title: string,
    call: (log: Logger) => void,
    severity: string,
    event: string,
    message: RegExp,
    fields: Record<string, unknown>,
  ];
  const rows: Row[] = [
    [
      'objectOutcome uploaded',
      (l) => l.objectOutcome({ outcome: 'uploaded', ...OBJ, bytes: 42, durationMs: 120, driveFileId: 'f1', attempts: 1 }),
      'INFO',
      'objectOutcome',
      /^uploaded gs:\/\/src\/a\/b\.txt#17 \(42 bytes in 120 ms\)$/,
      { outcome: 'uploaded', ...OBJ, bytes: 42, durationMs: 120, driveFileId: 'f1', attempts: 1 },
    ],
    [
      'objectOutcome revised',
      (l) => l.objectOutcome({ outcome: 'revised', ...OBJ, durationMs: 5, attempts: 2 }),
      'INFO',
      'objectOutcome',
      /^revised gs:\/\/src\/a\/b\.txt#17 \(5 ms\)$/,
      { outcome: 'revised', attempts: 2 },
    ],
    [
      'objectOutcome skipped with reason',
      (l) => l.objectOutcome({ outcome: 'skipped', reason: 'excluded', ...OBJ, durationMs: 0, attempts: 1 }),
      'INFO',
      'objectOutcome',
      /: excluded$/,
      { outcome: 'skipped', reason: 'excluded' },
    ],
    [
      'objectOutcome failed is an ERROR',
      (l) =>
        l.objectOutcome({
          outcome: 'failed',
          reason: 'quota',
          ...OBJ,
          durationMs: 9,
          attempts: 3,
          failureClass: 'transient',
          service: 'drive',
        }),
      'ERROR',
      'objectOutcome',
      /^failed gs:\/\/src\/a\/b\.txt#17 .*: quota$/,
      { outcome: 'failed', reason: 'quota', failureClass: 'transient', service: 'drive' },
    ],
    [
      'eventReceived',
      (l) => l.eventReceived({ ...OBJ, eventType: 'finalized', eventId: 'e0' }),
      'INFO',
      'eventReceived',
      /^received finalized event e0 for gs:\/\/src\/a\/b\.txt#17$/,
      { ...OBJ, eventType: 'finalized', eventId: 'e0' },
    ],
    [
      'eventIgnored',
      (l) => l.eventIgnored({ type: 'google.cloud.storage.object.v1.archived', id: 'e1' }),
      'INFO',
      'eventIgnored',
      /ignored event e1 of type google\.cloud\.storage\.object\.v1\.archived/,
      { type: 'google.cloud.storage.object.v1.archived', id: 'e1' },
    ],
    [
      'malformedEvent',
      (l) => l.malformedEvent({ id: 'e2', problems: ['data is missing', 'id is missing'] }),
      'ERROR',
      'malformedEvent',
      /malformed event e2 .*data is missing; id is missing/,
      { id: 'e2', problems: ['data is missing', 'id is missing'] },
    ],
    [
      'configInvalid',
      (l) => l.configInvalid({ variable: 'STATE_BUCKET', message: 'STATE_BUCKET is required' }),
      'ERROR',
      'configInvalid',
      /^invalid configuration: STATE_BUCKET is required$/,
      { variable: 'STATE_BUCKET' },
    ],
    [
      'reauthorizeRequired',
      (l) => l.reauthorizeRequired({ secret: 'projects/p/secrets/tok/versions/latest' }),
      'ERROR',
      'reauthorizeRequired',
      /^The Drive authorization stored in projects\/p\/secrets\/tok\/versions\/latest was revoked or expired: run `npx --no gcs-drive-backup authorize --client-secrets credentials\.json --secret projects\/p\/secrets\/tok`.* again; events will be retried and nothing is lost\.$/,
      {
        secret: 'projects/p/secrets/tok/versions/latest',
        problem: 'The Drive authorization stored in projects/p/secrets/tok/versions/latest was revoked or expired',
        action:
          'run `npx --no gcs-drive-backup authorize --client-secrets credentials.json --secret projects/p/secrets/tok` (with the options used the first time) again',
        problemCode: 'reauthorize',
        outcome: 'failed',
        failureClass: 'reauthorize',
        service: 'oauth',
      },
    ],
    [
      'operatorActionRequired with an object',
      (l) => l.operatorActionRequired({ ...OBJ, problem: 'folder is gone', action: 'share a new folder', ...PROBLEM }),
      'ERROR',
      'operatorActionRequired',
      /^gs:\/\/src\/a\/b\.txt#17: folder is gone; action required: share a new folder$/,
      { problem: 'folder is gone', action: 'share a new folder', ...OBJ, ...PROBLEM, outcome: 'failed' },
    ],
    [
      'operatorActionRequired without an object',
      (l) => l.operatorActionRequired({ problem: 'quota', action: 'free space', ...PROBLEM }),
      'ERROR',
      'operatorActionRequired',
      /^quota; action required: free space$/,
      { problem: 'quota', outcome: 'failed' },
    ],
    [
      'permanentFailure',
      (l) =>
        l.permanentFailure({
          ...OBJ,
          problem: 'object too large',
          action: 'nothing',
          problemCode: 'object-too-large',
          failureClass: 'permanent',
          service: 'drive',
        }),
      'ERROR',
      'permanentFailure',
      /^giving up on gs:\/\/src\/a\/b\.txt#17: object too large\. .*not be retried\. Action: nothing$/,
      { problem: 'object too large', action: 'nothing', problemCode: 'object-too-large', outcome: 'failed', failureClass: 'permanent' },
    ],
    [
      'retrying',
      (l) => l.retrying({ what: 'files.create', attempt: 2, delayMs: 400, reason: 'userRateLimitExceeded' }),
      'INFO',
      'retrying',
      /^retrying files\.create \(attempt 2\) in 400 ms: userRateLimitExceeded$/,
      { what: 'files.create', attempt: 2, delayMs: 400 },
    ],
    [
      'uploadCheckpoint',
      (l) => l.uploadCheckpoint({ ...OBJ, offset: 8388608, total: 20000000 }),
      'INFO',
      'uploadCheckpoint',
      /at 8388608 of 20000000 bytes before the deadline; will continue on retry$/,
      { offset: 8388608, total: 20000000 },
    ],
    [
      'keptRevisionReleased, a kept revision deleted',
      (l) =>
        l.keptRevisionReleased({
          ...OBJ,
          driveFileId: 'F1',
          keptForever: 200,
          revisionId: 'R1',
          revisionModifiedTime: '2026-01-01T00:00:00Z',
        }),
      'NOTICE',
      'keptRevisionReleased',
      /^gs:\/\/src\/a\/b\.txt#17: its Drive backup F1 keeps 200 revisions forever, the most Drive allows: deleted the oldest one kept forever \(revision R1 of 2026-01-01T00:00:00Z\)/,
      { driveFileId: 'F1', keptForever: 200, revisionId: 'R1' },
    ],
    [
      'keptRevisionReleased, none may go',
      (l) => l.keptRevisionReleased({ ...OBJ, driveFileId: 'F1', keptForever: 1 }),
      'NOTICE',
      'keptRevisionReleased',
      /goes up without keepForever$/,
      { keptForever: 1 },
    ],
    [
      'folderOverflowed',
      (l) => l.folderOverflowed({ folder: 'a/b', fullFolderId: 'D1', overflowFolderId: 'D2', overflowFolderName: 'b (overflow 2)' }),
      'NOTICE',
      'folderOverflowed',
      /^the Drive folder "a\/b" \(D1\) holds Drive's maximum of items: new items of its path go to "b \(overflow 2\)" \(D2\) beside it$/,
      { folder: 'a/b', overflowFolderName: 'b (overflow 2)' },
    ],
    [
      'deleteMirrored',
      (l) => l.deleteMirrored({ ...OBJ, result: 'trashed', durationMs: 3 }),
      'INFO',
      'deleteMirrored',
      /^deleted gs:\/\/src\/a\/b\.txt#17: its Drive backup moved to the trash$/,
      { result: 'trashed', durationMs: 3 },
    ],
    [
      'deleteMirrored (DELETE_MODE=keep: recorded)',
      (l) => l.deleteMirrored({ ...OBJ, result: 'recorded', durationMs: 3 }),
      'INFO',
      'deleteMirrored',
      /^deleted gs:\/\/src\/a\/b\.txt#17: the deletion recorded, its Drive backup kept$/,
      { result: 'recorded', durationMs: 3 },
    ],
  ];
  for (const [title, call, severity, event, message, fields] of rows) {
    test(title, () => {
      const { logger, lines, entries } = capture();
      call(logger);
      assert.equal(lines.length, 1, 'exactly one line');
      assert.ok(!lines[0].includes('\n'), 'no newline inside the line');
      const [entry] = entries();
      assert.equal(entry.severity, severity);
      assert.equal(entry.event, event);
      assert.match(String(entry.message), message);
      for (const [k, v] of Object.entries(fields)) assert.deepEqual(entry[k], v, k);
      assert.equal('logging.googleapis.com/trace' in entry, false);
    });
  }
});

describe('generic lines', () => {
  const rows: [keyof Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>, string][] = [
    ['debug', 'DEBUG'],
    ['info', 'INFO'],
    ['warn', 'WARNING'],
    ['error', 'ERROR'],
  ];
  for (const [method, severity] of rows) {
    test(`${method} → ${severity}`, () => {
      const { logger, entries } = capture();
      logger[method]('hello', { n: 1, severity: 'NOPE', message: 'nope' });
      assert.deepEqual(entries(), [{ severity, message: 'hello', n: 1 }]);
    });
  }
});

describe('trace correlation', () => {
  type Row = [trace: string | undefined, project: string | undefined, expected: Record<string, unknown>];
  const rows: Row[] = [
    [
      TRACEPARENT,
      'my-proj',
      {
        'logging.googleapis.com/trace': `projects/my-proj/traces/${TRACE_ID}`,
        'logging.googleapis.com/spanId': '00f067aa0ba902b7',
        'logging.googleapis.com/trace_sampled': true,
      },
    ],
    [
      `00-${TRACE_ID}-00f067aa0ba902b7-00`,
      'p',
      {
        'logging.googleapis.com/trace': `projects/p/traces/${TRACE_ID}`,
        'logging.googleapis.com/spanId': '00f067aa0ba902b7',
        'logging.googleapis.com/trace_sampled': false,
      },
    ],
    [TRACEPARENT, undefined, {}],
    [`projects/other/traces/${TRACE_ID}`, undefined, { 'logging.googleapis.com/trace': `projects/other/traces/${TRACE_ID}` }],
    ['garbage', 'p', {}],
    [undefined, 'p', {}],
  ];
  for (const [trace, project, expected] of rows) {
    test(`${trace} with project ${project}`, () => {
      assert.deepEqual(traceFields(trace, project), expected);
      const { logger, entries } = capture(project);
      logger.retrying({ what: 'x', attempt: 1, delayMs: 1, reason: 'r', trace });
      const [entry] = entries();
      for (const [k, v] of Object.entries(expected)) assert.deepEqual(entry[k], v, k);
      assert.equal('trace' in entry, false, 'the raw trace is not a payload field');
    });
  }

  test('projectFromEnv prefers GOOGLE_CLOUD_PROJECT', () => {
    assert.equal(projectFromEnv({ GOOGLE_CLOUD_PROJECT: 'a', GCLOUD_PROJECT: 'b' }), 'a');
    assert.equal(projectFromEnv({ GCLOUD_PROJECT: 'b' }), 'b');
    assert.equal(projectFromEnv({ GOOGLE_CLOUD_PROJECT: '' }), undefined);
  });
});

describe('redaction', () => {
  const SENTINEL = 'sentinel-of-no-known-shape-7f3a9c';
  type Row = [title: string, call: (log: Logger) => void];
  const rows: Row[] = [
    ['in the message', (l) => l.info(`token is ${SENTINEL}`)],
    ['in a field', (l) => l.info('x', { note: `has ${SENTINEL} inside` })],
    ['in a nested object and array', (l) => l.info('x', { a: { b: [{ c: SENTINEL }] } })],
    [
      'in an error message',
      (l) =>
        l.permanentFailure({
          ...OBJ,
          problem: 'p',
          action: 'a',
          problemCode: 'object-too-large',
          failureClass: 'permanent',
          service: 'drive',
          error: new Error(`bad ${SENTINEL}`),
        }),
    ],
    ['in an error cause', (l) => l.error('x', { error: new Error('outer', { cause: new Error(SENTINEL) }) })],
    ['in a reason string', (l) => l.retrying({ what: 'w', attempt: 1, delayMs: 1, reason: SENTINEL })],
    [
      'in an objectOutcome reason',
      (l) =>
        l.objectOutcome({
          outcome: 'failed',
          reason: SENTINEL,
          ...OBJ,
          durationMs: 1,
          attempts: 1,
          failureClass: 'transient',
          service: 'drive',
        }),
    ],
    ['in malformed problems', (l) => l.malformedEvent({ problems: [`data ${SENTINEL}`] })],
    ['as a key-less JSON body', (l) => l.warn('x', { body: `{"error":"${SENTINEL}"}` })],
    [
      'in a circular object',
      (l) => {
        const o: Record<string, unknown> = { s: SENTINEL };
        o.self = o;
        l.info('x', { o });
      },
    ],
  ];
  for (const [title, call] of rows) {
    test(title, () => {
      const { logger, lines } = capture();
      logger.registerSecret(SENTINEL);
      call(logger);
      assert.equal(lines.length, 1);
      assert.ok(!lines[0].includes(SENTINEL), lines[0]);
      assert.ok(!lines[0].includes('7f3a9c'), lines[0]);
      assert.ok(lines[0].includes('[REDACTED]'), lines[0]);
    });
  }

  test('a secret with JSON-escaped characters is redacted too', () => {
    const { logger, lines } = capture();
    const secret = 'quote"back\\slash-secret';
    logger.registerSecret(secret);
    logger.info('x', { v: `a ${secret} b` });
    assert.ok(!lines[0].includes(JSON.stringify(secret).slice(1, -1)), lines[0]);
    assert.equal((JSON.parse(lines[0]) as { v: string }).v, 'a [REDACTED] b');
  });

  type KeyRow = [title: string, fields: Record<string, unknown>, hidden: string];
  const keyRows: KeyRow[] = [
    ['refresh_token key', { refresh_token: 'rt-value-1' }, 'rt-value-1'],
    ['accessToken key', { nested: { accessToken: 'at-value-2' } }, 'at-value-2'],
    ['client_secret key', { client_secret: 'cs-value-3' }, 'cs-value-3'],
    ['Authorization header', { headers: { Authorization: 'Basic dXNlcjpwYXNz' } }, 'dXNlcjpwYXNz'],
    ['token key', { token: { value: 'tok-value-4' } }, 'tok-value-4'],
    ['Bearer inside a string', { msg: 'sent Authorization: Bearer abc.DEF-123_x' }, 'abc.DEF-123_x'],
    ['JSON body inside a string', { body: '{"access_token": "ya29-like-5", "expires_in": 3599}' }, 'ya29-like-5'],
    ['form body inside a string', { body: 'grant_type=refresh_token&refresh_token=rt-form-6&client_id=x' }, 'rt-form-6'],
    ['Google access token shape', { msg: 'got ya29.a0AfB_byC-xyz' }, 'a0AfB_byC-xyz'],
    ['Google refresh token shape', { msg: 'stored 1//0gAbCdEfGhIjKlMnOpQrStUv' }, 'AbCdEfGhIjKlMnOpQrStUv'],
  ];
  for (const [title, fields, hidden] of keyRows) {
    test(title, () => {
      const { logger, lines } = capture();
      logger.info('x', fields);
      assert.ok(!lines[0].includes(hidden), lines[0]);
      assert.ok(lines[0].includes('[REDACTED]'), lines[0]);
    });
  }

  test('object names that look like credentials are logged as they are, #generation included', () => {
    const { logger, entries } = capture();
    for (const name of ['reports/token=abc123456789.txt', 'ya29.notatoken-really.txt', 'a/access_token=x/Bearer y.txt']) {
      logger.objectOutcome({ outcome: 'uploaded', bucket: 'src', name, generation: '17', durationMs: 1, attempts: 1 });
      const entry = entries().at(-1) as Record<string, unknown>;
      assert.equal(entry.name, name);
      assert.equal(entry.message, `uploaded gs://src/${name}#17 (1 ms)`);
    }
  });

  test('ordinary fields are left alone', () => {
    const { logger, entries } = capture();
    logger.info('x', { tokenSecret: 'projects/p/secrets/s', expires_in: 3599, error: null });
    assert.deepEqual(entries()[0], { severity: 'INFO', message: 'x', tokenSecret: 'projects/p/secrets/s', expires_in: 3599, error: null });
  });

  test('short values are not registered (they would shred every line)', () => {
    const { logger, lines } = capture();
    logger.registerSecret('abc');
    logger.info('abcdef');
    assert.equal((JSON.parse(lines[0]) as { message: string }).message, 'abcdef');
  });

  test('errors keep name, message, code and stack but not their other properties', () => {
    const { logger, entries } = capture();
    const err = Object.assign(new Error('boom'), { code: 403, config: { headers: { 'x-goog-api-key': 'k' } } });
    logger.error('x', { error: err });
    const logged = entries()[0].error as Record<string, unknown>;
    assert.equal(logged.name, 'Error');
    assert.equal(logged.message, 'boom');
    assert.equal(logged.code, 403);
    assert.match(String(logged.stack), /boom/);
    assert.equal('config' in logged, false);
  });
});
