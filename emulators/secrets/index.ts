/**
 * The Secret Manager emulator: the v1 REST surface `@google-cloud/secret-manager` uses in REST fallback
 * mode (`fallback: true`), global and regional secret names, google.rpc.Status-style errors that google-gax
 * decodes into `err.code` (5 NOT_FOUND, 7 PERMISSION_DENIED, 9 FAILED_PRECONDITION, 6 ALREADY_EXISTS,
 * 3 INVALID_ARGUMENT). Any `Authorization: Bearer …` is accepted; a request without one gets 401
 * UNAUTHENTICATED. Route names: `secrets.secrets.{list,create,get,delete}`,
 * `secrets.versions.{add,list,get,access,disable,enable,destroy}`. Control: `POST /_emulator/secrets/deny
 * {resource, denied}`; `hub.reset()` forgets every secret and denial.
 */
import type { RequestContext, Route } from '../harness/http.js';
import { drain, readJson, sendJson } from '../harness/http.js';
import type { ControlHub, ErrorRenderer } from '../harness/server.js';
import { checkCrc32c, isValidSecretId, page, paths, rpcStatusOf, underPrefix } from './names.js';
import { rpcError, SecretStore, type SecretRecord, type VersionRecord } from './store.js';
import { restoreSecrets, snapshotSecrets } from './snapshot.js';
import type { Persistable } from '../persistence/persistable.js';

export interface SecretsEmulator extends Persistable {
  routes: Route[];
  renderError: ErrorRenderer;
  /** `projects/P/secrets/S` (or `projects/P/locations/L/secrets/S`), automatic replication. Throws if it exists. */
  createSecret(name: string): void;
  /** Adds an ENABLED version; returns `projects/P/secrets/S/versions/N`. Throws if the secret does not exist. */
  addVersion(secret: string, payload: string | Buffer): string;
  /** Every call naming a resource at or under `resourcePrefix` (segment-wise) → 403 PERMISSION_DENIED. */
  setAccessDenied(resourcePrefix: string, denied: boolean): void;
}

const renderRpcError: ErrorRenderer = (res, err) => {
  const status = rpcStatusOf(err.status, err.reason);
  sendJson(res, err.status, { error: { code: err.status, message: err.message, status } }, err.headers);
};

const STATE_NUMBER = { ENABLED: 1, DISABLED: 2, DESTROYED: 3 } as const;

export function createSecretsEmulator(hub: ControlHub): SecretsEmulator {
  const store = new SecretStore();
  const denied = new Set<string>();
  hub.onReset(() => {
    store.clear();
    denied.clear();
  });

  /** Auth and IAM, before anything else (real Secret Manager: 403 "... (or it may not exist)"). */
  function guard(ctx: RequestContext, permission: string, ...resources: string[]): void {
    if (!/^Bearer\s+\S+/i.test(ctx.req.headers.authorization ?? '')) {
      throw rpcError(
        'UNAUTHENTICATED',
        'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      );
    }
    for (const resource of resources) {
      if ([...denied].some((prefix) => underPrefix(resource, prefix))) {
        throw rpcError('PERMISSION_DENIED', `Permission '${permission}' denied for resource '${resource}' (or it may not exist).`);
      }
    }
  }

  const numericEnums = (ctx: RequestContext) => /enum-encoding=int/.test(ctx.query.get('$alt') ?? '');

  function secretJson(s: SecretRecord) {
    return {
      name: s.name,
      ...(s.replication === undefined ? {} : { replication: s.replication }),
      createTime: s.createTime.toISOString(),
      ...(Object.keys(s.labels).length ? { labels: s.labels } : {}),
      ...(Object.keys(s.annotations).length ? { annotations: s.annotations } : {}),
      etag: s.etag,
    };
  }

  function versionJson(ctx: RequestContext, v: VersionRecord) {
    return {
      name: v.name,
      createTime: v.createTime.toISOString(),
      ...(v.destroyTime ? { destroyTime: v.destroyTime.toISOString() } : {}),
      state: numericEnums(ctx) ? STATE_NUMBER[v.state] : v.state,
      etag: v.etag,
      clientSpecifiedPayloadChecksum: v.clientSpecifiedPayloadChecksum,
    };
  }

  function paging(ctx: RequestContext) {
    const size = ctx.query.get('pageSize') ?? ctx.query.get('page_size') ?? '0';
    return { size: Number(size), token: ctx.query.get('pageToken') ?? ctx.query.get('page_token') ?? '' };
  }

  function paged<T>(ctx: RequestContext, items: readonly T[]) {
    const { size, token } = paging(ctx);
    try {
      return page(items, size, token);
    } catch (err) {
      throw rpcError('INVALID_ARGUMENT', (err as Error).message);
    }
  }

  /**
   * A route on one named resource (`param` of the path) without a request body: the caller's permission on
   * it (the route's name with Secret Manager's prefix, e.g. `secretmanager.secrets.get`), then `answer` as JSON.
   */
  const onResource = (
    method: string,
    path: Route['path'],
    name: string,
    param: 'secret' | 'version',
    answer: (resource: string, ctx: RequestContext) => unknown,
  ): Route => ({
    method,
    path,
    name,
    async handle(ctx) {
      await drain(ctx.body);
      const resource = ctx.params[param] ?? '';
      guard(ctx, name.replace(/^secrets\./, 'secretmanager.'), resource);
      sendJson(ctx.res, 200, answer(resource, ctx));
    },
  });

  const routes: Route[] = [
    {
      method: 'GET',
      path: paths.secrets,
      name: 'secrets.secrets.list',
      async handle(ctx) {
        await drain(ctx.body);
        guard(ctx, 'secretmanager.secrets.list', ctx.params.parent ?? '');
        if (ctx.query.get('filter')) throw rpcError('INVALID_ARGUMENT', 'The emulator does not support list filters.');
        const all = store.listSecrets(ctx.params.parent ?? '');
        const { items, nextPageToken } = paged(ctx, all);
        sendJson(ctx.res, 200, { secrets: items.map(secretJson), ...(nextPageToken ? { nextPageToken } : {}), totalSize: all.length });
      },
    },
    {
      method: 'POST',
      path: paths.secrets,
      name: 'secrets.secrets.create',
      async handle(ctx) {
        const body = await readJson<Record<string, unknown>>(ctx.body);
        const parent = ctx.params.parent ?? '';
        const secretId = ctx.query.get('secretId') ?? ctx.query.get('secret_id');
        guard(ctx, 'secretmanager.secrets.create', parent, `${parent}/secrets/${secretId ?? ''}`);
        if (!isValidSecretId(secretId)) {
          throw rpcError('INVALID_ARGUMENT', 'Secret id must be 1-255 characters of letters, numbers, hyphens and underscores.');
        }
        sendJson(ctx.res, 200, secretJson(store.createSecret(parent, secretId, body)));
      },
    },
    onResource('GET', paths.secret, 'secrets.secrets.get', 'secret', (secret) => secretJson(store.getSecret(secret))),
    onResource('DELETE', paths.secret, 'secrets.secrets.delete', 'secret', (secret, ctx) => {
      store.deleteSecret(secret, ctx.query.get('etag') ?? undefined);
      return {};
    }),
    {
      method: 'POST',
      path: paths.addVersion,
      name: 'secrets.versions.add',
      async handle(ctx) {
        const body = await readJson<{ payload?: { data?: unknown; dataCrc32c?: unknown } }>(ctx.body);
        const secret = ctx.params.secret ?? '';
        guard(ctx, 'secretmanager.versions.add', secret);
        const payload = body.payload;
        if (!payload || typeof payload !== 'object') throw rpcError('INVALID_ARGUMENT', 'Payload is required.');
        if (payload.data !== undefined && typeof payload.data !== 'string') {
          throw rpcError('INVALID_ARGUMENT', "Invalid value at 'payload.data' (TYPE_BYTES).");
        }
        const data = Buffer.from(payload.data ?? '', 'base64');
        let crc: string | undefined;
        if (payload.dataCrc32c !== undefined && payload.dataCrc32c !== null) {
          const check = checkCrc32c(data, payload.dataCrc32c);
          if (check === 'invalid') throw rpcError('INVALID_ARGUMENT', "Invalid value at 'payload.data_crc32c' (TYPE_INT64).");
          if (check === 'mismatch') {
            throw rpcError(
              'INVALID_ARGUMENT',
              'Checksum mismatch: the data_crc32c in the request does not match the CRC32C of the payload data.',
            );
          }
          crc = BigInt(String(payload.dataCrc32c)).toString();
        }
        sendJson(ctx.res, 200, versionJson(ctx, store.addVersion(secret, data, crc)));
      },
    },
    {
      method: 'GET',
      path: paths.versions,
      name: 'secrets.versions.list',
      async handle(ctx) {
        await drain(ctx.body);
        const secret = ctx.params.secret ?? '';
        guard(ctx, 'secretmanager.versions.list', secret);
        let all = store.listVersions(secret);
        const filter = ctx.query.get('filter') ?? '';
        const state = /^\s*state\s*[:=]\s*(ENABLED|DISABLED|DESTROYED)\s*$/.exec(filter)?.[1];
        if (filter && !state) throw rpcError('INVALID_ARGUMENT', 'The emulator supports only "state:ENABLED|DISABLED|DESTROYED" filters.');
        if (state) all = all.filter((v) => v.state === state);
        const { items, nextPageToken } = paged(ctx, all);
        sendJson(ctx.res, 200, {
          versions: items.map((v) => versionJson(ctx, v)),
          ...(nextPageToken ? { nextPageToken } : {}),
          totalSize: all.length,
        });
      },
    },
    onResource('GET', paths.version, 'secrets.versions.get', 'version', (name, ctx) => versionJson(ctx, store.getVersion(name))),
    onResource('GET', paths.versionVerb('access'), 'secrets.versions.access', 'version', (name) => {
      const version = store.access(name);
      return { name: version.name, payload: { data: version.data.toString('base64'), dataCrc32c: version.crc32c } };
    }),
    ...(['disable', 'enable', 'destroy'] as const).map((verb): Route => ({
      method: 'POST',
      path: paths.versionVerb(verb),
      name: `secrets.versions.${verb}`,
      async handle(ctx) {
        const body = await readJson<{ etag?: unknown }>(ctx.body);
        guard(ctx, `secretmanager.versions.${verb}`, ctx.params.version ?? '');
        const etag = typeof body.etag === 'string' && body.etag !== '' ? body.etag : undefined;
        sendJson(ctx.res, 200, versionJson(ctx, store.setState(ctx.params.version ?? '', verb, etag)));
      },
    })),
  ];

  hub.addControl({
    method: 'POST',
    path: 'secrets/deny',
    handle(body) {
      if (typeof body.resource !== 'string' || body.resource === '') throw new Error('resource must be a non-empty string');
      if (body.denied !== undefined && typeof body.denied !== 'boolean') throw new Error('denied must be a boolean');
      emulator.setAccessDenied(body.resource, body.denied ?? true);
      return {};
    },
  });

  const emulator: SecretsEmulator = {
    routes,
    renderError: renderRpcError,
    createSecret(name) {
      const m = /^(?<parent>projects\/[^/:]+(?:\/locations\/[^/:]+)?)\/secrets\/(?<id>[^/:]+)$/.exec(name);
      if (!m?.groups?.parent || !isValidSecretId(m.groups.id)) throw new Error(`not a secret name: ${name}`);
      const regional = name.includes('/locations/');
      store.createSecret(m.groups.parent, m.groups.id, regional ? {} : { replication: { automatic: {} } });
    },
    addVersion(secret, payload) {
      return store.addVersion(secret, typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload)).name;
    },
    setAccessDenied(resourcePrefix, isDenied) {
      if (isDenied) denied.add(resourcePrefix);
      else denied.delete(resourcePrefix);
    },
    snapshot: () => snapshotSecrets(store, denied),
    restore: (data) => restoreSecrets(store, denied, data),
  };
  return emulator;
}
