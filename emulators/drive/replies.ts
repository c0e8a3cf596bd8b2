/**
 * Sending Drive resources with the `fields` parameter applied: a bad selector is Drive's 400
 * `invalidParameter` "Invalid field selection X" (checked before a request changes anything).
 */
import { sendJson, type RequestContext } from '../harness/http.js';
import { DriveError } from './errors.js';
import { checkFields, FieldSelectionError, parseFields, pickFields, type FieldSchema } from './fields.js';
import { DEFAULT_FILE_FIELDS, FILE_SCHEMA, fileResource } from './resource.js';
import type { Caller, DriveStore, StoredFile } from './store.js';

function fieldsError(err: unknown): unknown {
  if (!(err instanceof FieldSelectionError)) return err;
  return new DriveError(400, err.message, 'invalidParameter', { location: 'fields', locationType: 'parameter' });
}

/** Prunes `value` to the selector (or the default one); throws the 400 for a bad selector. */
export function selectOrThrow(value: unknown, selector: string | null | undefined, fallback: string, schema: FieldSchema): unknown {
  try {
    const tree = parseFields(selector && selector.trim() ? selector : fallback);
    checkFields(tree, schema);
    return pickFields(value, tree);
  } catch (err) {
    throw fieldsError(err);
  }
}

export function checkSelector(selector: string | null | undefined, schema: FieldSchema): void {
  if (!selector || !selector.trim()) return;
  try {
    checkFields(parseFields(selector), schema);
  } catch (err) {
    throw fieldsError(err);
  }
}

export class FileReplies {
  constructor(private readonly store: DriveStore) {}

  checkFileFields(selector: string | null | undefined): void {
    checkSelector(selector, FILE_SCHEMA);
  }

  fileJson(file: StoredFile, caller: Caller, selector: string | null | undefined): unknown {
    return selectOrThrow(fileResource(this.store, file, caller), selector, DEFAULT_FILE_FIELDS, FILE_SCHEMA);
  }

  sendFile(ctx: RequestContext, file: StoredFile, caller: Caller, selector: string | null | undefined, status = 200): void {
    sendJson(ctx.res, status, this.fileJson(file, caller, selector));
  }
}
