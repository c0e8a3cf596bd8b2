/**
 * What the caller may do in a bucket, as Cloud Storage's IAM decides it: an optional per-bucket grant, the
 * set of IAM permissions the caller holds on that bucket (`POST /_emulator/gcs/grants` with `{"bucket",
 * "permissions": [...] | null, "principal"?}`, `GET` lists them, a reset clears them; a bucket not named
 * grants everything, so nothing else changes). A request needing a permission the grant lacks is refused
 * with Cloud Storage's 403, reason `forbidden`: "<principal> does not have storage.objects.delete access to
 * the Google Cloud Storage object. Permission 'storage.objects.delete' denied on resource (or it may not
 * exist)." (`principal`: the caller's email).
 *
 * Which permission each JSON API method needs is Google's table, "IAM permissions for JSON methods"
 * (https://cloud.google.com/storage/docs/access-control/iam-json): objects.get (metadata and media)
 * storage.objects.get; objects.list storage.objects.list; objects.insert (every upload type)
 * storage.objects.create; objects.patch storage.objects.update; objects.delete storage.objects.delete;
 * compose storage.objects.create and storage.objects.get; copy/rewrite storage.objects.get on the source and
 * storage.objects.create on the destination; buckets.get storage.buckets.get. Replacing a live object also
 * needs storage.objects.delete ("IAM permissions for Cloud Storage",
 * https://cloud.google.com/storage/docs/access-control/iam-permissions: to replace an existing object both
 * storage.objects.create and storage.objects.delete are needed); it is checked where the write would
 * replace, after the request's preconditions: an upload with `ifGenerationMatch=0` over an existing object
 * replaces nothing and gets the precondition's 412 (a guess: Google's pages do not say which comes first;
 * `ifGenerationMatch=0` is the documented way to create only, https://cloud.google.com/storage/docs/request-preconditions).
 * roles/storage.objectCreator holds storage.objects.create, storage.managedFolders.create and the
 * multipartUploads create/abort/listParts permissions, and no get, list or delete
 * (https://cloud.google.com/storage/docs/access-control/iam-roles): `OBJECT_CREATOR` below.
 */
import { HttpError, type RequestContext, type Route } from '../harness/http.js';

/** roles/storage.objectCreator's Cloud Storage permissions. */
export const OBJECT_CREATOR = [
  'storage.objects.create',
  'storage.managedFolders.create',
  'storage.multipartUploads.create',
  'storage.multipartUploads.abort',
  'storage.multipartUploads.listParts',
];

const PERMISSION = /^storage\.[a-zA-Z]+\.[a-zA-Z]+$/;
export const DEFAULT_PRINCIPAL = 'emulator-caller@emulator.iam.gserviceaccount.com';

/** The per-bucket grants: bucket → the IAM permissions the caller has there; a bucket not named: every one. */
export class Grants {
  private readonly byBucket = new Map<string, Set<string>>();
  principal = DEFAULT_PRINCIPAL;

  /** Grants exactly `permissions` on `bucket`; `null`: every permission again. */
  set(bucket: string, permissions: readonly string[] | null): void {
    if (permissions === null) this.byBucket.delete(bucket);
    else this.byBucket.set(bucket, new Set(permissions));
  }

  list(): { principal: string; grants: Record<string, string[]> } {
    return { principal: this.principal, grants: Object.fromEntries([...this.byBucket].map(([b, p]) => [b, [...p].sort()])) };
  }

  clear(): void {
    this.byBucket.clear();
    this.principal = DEFAULT_PRINCIPAL;
  }

  /** Throws Cloud Storage's 403 unless the caller holds `permission` on `bucket`. */
  require(bucket: string, permission: string, on: 'object' | 'bucket'): void {
    const granted = this.byBucket.get(bucket);
    if (granted !== undefined && !granted.has(permission)) throw forbidden(this.principal, permission, on);
  }

  /** A control body `{"bucket", "permissions": [...] | null, "principal"?}` applied; what is wrong otherwise. */
  apply(body: Record<string, unknown>): void {
    const { bucket, permissions, principal } = body;
    if (typeof bucket !== 'string' || bucket === '')
      throw new Error('body must be {"bucket": "...", "permissions": [...] | null, "principal"?: "..."}');
    if (permissions !== null && !(Array.isArray(permissions) && permissions.every((p) => typeof p === 'string' && PERMISSION.test(p))))
      throw new Error('permissions must be null (every permission) or a list of IAM permissions such as "storage.objects.create"');
    if (principal !== undefined && (typeof principal !== 'string' || principal === ''))
      throw new Error('principal must be a non-empty string');
    this.set(bucket, permissions as string[] | null);
    if (typeof principal === 'string') this.principal = principal;
  }
}

export function forbidden(principal: string, permission: string, on: 'object' | 'bucket'): HttpError {
  return new HttpError(
    403,
    `${principal} does not have ${permission} access to the Google Cloud Storage ${on}. Permission '${permission}' denied on resource (or it may not exist).`,
    'forbidden',
  );
}

type Need = [param: string, permission: string, on: 'object' | 'bucket'];

/** The permissions each route needs, on the bucket in which route parameter (Google's JSON methods table). */
const NEEDS: Record<string, Need[]> = {
  'gcs.buckets.get': [['bucket', 'storage.buckets.get', 'bucket']],
  'gcs.buckets.getStorageLayout': [['bucket', 'storage.buckets.getObjectInsights', 'bucket']],
  'gcs.buckets.patch': [['bucket', 'storage.buckets.update', 'bucket']],
  'gcs.buckets.delete': [['bucket', 'storage.buckets.delete', 'bucket']],
  'gcs.objects.get': [['bucket', 'storage.objects.get', 'object']],
  'gcs.objects.download': [['bucket', 'storage.objects.get', 'object']],
  'gcs.objects.list': [['bucket', 'storage.objects.list', 'bucket']],
  'gcs.objects.patch': [['bucket', 'storage.objects.update', 'object']],
  'gcs.objects.delete': [['bucket', 'storage.objects.delete', 'object']],
  'gcs.objects.compose': [
    ['bucket', 'storage.objects.create', 'object'],
    ['bucket', 'storage.objects.get', 'object'],
  ],
  'gcs.objects.copy': [
    ['sb', 'storage.objects.get', 'object'],
    ['db', 'storage.objects.create', 'object'],
  ],
  'gcs.objects.rewrite': [
    ['sb', 'storage.objects.get', 'object'],
    ['db', 'storage.objects.create', 'object'],
  ],
  'gcs.upload.media': [['bucket', 'storage.objects.create', 'object']],
  'gcs.upload.multipart': [['bucket', 'storage.objects.create', 'object']],
  'gcs.upload.resumable.start': [['bucket', 'storage.objects.create', 'object']],
};

/** The routes with their permission checks in front (before anything else of the request is looked at). */
export function guardedRoutes(routes: readonly Route[], grants: Grants): Route[] {
  return routes.map((route) => {
    const needs = NEEDS[route.name];
    if (!needs) return route;
    return {
      ...route,
      handle: (ctx: RequestContext) => {
        for (const [param, permission, on] of needs) grants.require(ctx.params[param] ?? '', permission, on);
        return route.handle(ctx);
      },
    };
  });
}
