/** Table tests of the `fields` selector: parsing, schema checks and pruning. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFields, FieldSelectionError, parseFields, pickFields, type FieldSchema } from '../../drive/fields.js';

const resource = {
  kind: 'drive#fileList',
  nextPageToken: 'tok',
  files: [
    { id: 'a', name: 'A', size: '1', owners: [{ emailAddress: 'u@x', displayName: 'u' }] },
    { id: 'b', name: 'B', size: '2', owners: [{ emailAddress: 'v@x', displayName: 'v' }] },
  ],
};

const schema: FieldSchema = { kind: true, nextPageToken: true, files: { id: true, name: true, size: true, owners: true } };

describe('parseFields + pickFields', () => {
  const cases: Array<[string, unknown]> = [
    ['*', resource],
    ['kind', { kind: 'drive#fileList' }],
    ['nextPageToken,files(id)', { nextPageToken: 'tok', files: [{ id: 'a' }, { id: 'b' }] }],
    [
      'files(id,name)',
      {
        files: [
          { id: 'a', name: 'A' },
          { id: 'b', name: 'B' },
        ],
      },
    ],
    ['files/id', { files: [{ id: 'a' }, { id: 'b' }] }],
    [
      'files/id,files/size',
      {
        files: [
          { id: 'a', size: '1' },
          { id: 'b', size: '2' },
        ],
      },
    ],
    [
      'files(id,owners(emailAddress))',
      {
        files: [
          { id: 'a', owners: [{ emailAddress: 'u@x' }] },
          { id: 'b', owners: [{ emailAddress: 'v@x' }] },
        ],
      },
    ],
    ['files(*)', { files: resource.files }],
    ['files', { files: resource.files }],
    [
      ' files( id , name ) ',
      {
        files: [
          { id: 'a', name: 'A' },
          { id: 'b', name: 'B' },
        ],
      },
    ],
    ['files(id),files(*)', { files: resource.files }],
    ['missing', {}],
  ];
  for (const [selector, expected] of cases) {
    test(`"${selector}"`, () => assert.deepEqual(pickFields(resource, parseFields(selector)), expected));
  }
});

describe('syntax errors', () => {
  for (const bad of ['', 'files(id', 'files)', 'files(id))', 'a,,b', 'files()', 'a/', '/a', 'a b(', 'na-me', '*/id']) {
    test(`"${bad}" is rejected`, () => assert.throws(() => parseFields(bad), FieldSelectionError));
  }
});

describe('checkFields against a schema', () => {
  const cases: Array<[string, string | undefined]> = [
    ['files(id,name),nextPageToken', undefined],
    ['*', undefined],
    ['files(owners(anything))', undefined],
    ['files(id,nmae)', 'Invalid field selection files/nmae'],
    ['nextPagetoken', 'Invalid field selection nextPagetoken'],
  ];
  for (const [selector, error] of cases) {
    test(`"${selector}" → ${error ?? 'ok'}`, () => {
      const run = () => checkFields(parseFields(selector), schema);
      if (error) assert.throws(run, { message: error });
      else assert.doesNotThrow(run);
    });
  }
});
