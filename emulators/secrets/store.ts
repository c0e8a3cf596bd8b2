/**
 * In-memory secrets and versions of the Secret Manager emulator, with Google's semantics: version numbers
 * count up per secret from 1 and are never reused, `latest` is the most recently created version whatever
 * its state, DISABLED/DESTROYED versions cannot be accessed (FAILED_PRECONDITION), destroying drops the
 * payload. Operations throw `HttpError(status, message, RPC_STATUS)`; rendering to JSON lives in index.ts.
 */
import { HttpError } from '../harness/http.js';
import { crc32cDecimal, HTTP_STATUS, isRegional, splitVersionName, type RpcStatus } from './names.js';

export type VersionState = 'ENABLED' | 'DISABLED' | 'DESTROYED';

export interface VersionRecord {
  name: string;
  number: number;
  state: VersionState;
  createTime: Date;
  destroyTime?: Date;
  /** Dropped on destroy. */
  data?: Buffer;
  crc32c: string;
  clientSpecifiedPayloadChecksum: boolean;
  etag: string;
}

export interface SecretRecord {
  name: string;
  createTime: Date;
  replication?: unknown;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  etag: string;
  versions: VersionRecord[];
  lastVersionNumber: number;
}

/** Secret Manager's payload limit. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export function rpcError(status: RpcStatus, message: string): HttpError {
  return new HttpError(HTTP_STATUS[status], message, status);
}

let etagSequence = 0;
/** Quoted hex, like Secret Manager's (`"16123abcdef0"`). */
function newEtag(): string {
  etagSequence = (etagSequence + 1) % 1000;
  return `"${(Date.now() * 1000 + etagSequence).toString(16)}"`;
}

export class SecretStore {
  private readonly secrets = new Map<string, SecretRecord>();

  clear(): void {
    this.secrets.clear();
  }

  /** For persistence: the live records, not copies. */
  exportState(): SecretRecord[] {
    return [...this.secrets.values()];
  }

  /** Replaces every secret (persistence restore). */
  importState(records: SecretRecord[]): void {
    this.secrets.clear();
    for (const r of records) this.secrets.set(r.name, r);
  }

  createSecret(
    parent: string,
    secretId: string,
    body: { replication?: unknown; labels?: Record<string, string>; annotations?: Record<string, string> } = {},
  ): SecretRecord {
    const name = `${parent}/secrets/${secretId}`;
    if (this.secrets.has(name)) throw rpcError('ALREADY_EXISTS', `Secret [${name}] already exists.`);
    const replication = body.replication as { automatic?: unknown; userManaged?: unknown } | undefined;
    if (isRegional(name)) {
      if (replication && (replication.automatic || replication.userManaged)) {
        throw rpcError('INVALID_ARGUMENT', 'Regional secrets must not specify replication.');
      }
    } else if (!replication || !(replication.automatic || replication.userManaged)) {
      throw rpcError('INVALID_ARGUMENT', 'Secret.replication must be specified.');
    }
    const record: SecretRecord = {
      name,
      createTime: new Date(),
      replication: isRegional(name) ? undefined : replication,
      labels: { ...(body.labels ?? {}) },
      annotations: { ...(body.annotations ?? {}) },
      etag: newEtag(),
      versions: [],
      lastVersionNumber: 0,
    };
    this.secrets.set(name, record);
    return record;
  }

  getSecret(name: string): SecretRecord {
    const secret = this.secrets.get(name);
    if (!secret) throw rpcError('NOT_FOUND', `Secret [${name}] not found.`);
    return secret;
  }

  /** The secrets directly under `parent`, by name. */
  listSecrets(parent: string): SecretRecord[] {
    return [...this.secrets.values()]
      .filter((s) => s.name.slice(0, s.name.lastIndexOf('/secrets/')) === parent)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  deleteSecret(name: string, etag?: string): void {
    const secret = this.getSecret(name);
    checkEtag(secret.etag, etag);
    this.secrets.delete(name);
  }

  addVersion(secretName: string, data: Buffer, clientCrc32c?: string): VersionRecord {
    const secret = this.getSecret(secretName);
    if (data.length > MAX_PAYLOAD_BYTES) {
      throw rpcError('INVALID_ARGUMENT', `Secret payload is larger than ${MAX_PAYLOAD_BYTES} bytes.`);
    }
    const number = ++secret.lastVersionNumber;
    const version: VersionRecord = {
      name: `${secretName}/versions/${number}`,
      number,
      state: 'ENABLED',
      createTime: new Date(),
      data,
      crc32c: clientCrc32c ?? crc32cDecimal(data),
      clientSpecifiedPayloadChecksum: clientCrc32c !== undefined,
      etag: newEtag(),
    };
    secret.versions.push(version);
    return version;
  }

  /** Versions of a secret, newest first. */
  listVersions(secretName: string): VersionRecord[] {
    return [...this.getSecret(secretName).versions].reverse();
  }

  /** `…/versions/N` or `…/versions/latest` (the most recently created version, in whatever state). */
  getVersion(versionName: string): VersionRecord {
    const { secret: secretName, versionId } = splitVersionName(versionName);
    const secret = this.secrets.get(secretName);
    if (versionId === 'latest') {
      const latest = secret?.versions.at(-1);
      if (!latest) throw rpcError('NOT_FOUND', `Secret [${secretName}] not found or has no versions.`);
      return latest;
    }
    if (!/^[1-9]\d{0,17}$/.test(versionId)) {
      if (!secret) throw rpcError('NOT_FOUND', `Secret [${secretName}] not found or has no versions.`);
      throw rpcError('INVALID_ARGUMENT', `Invalid version id [${versionId}]: use a version number or "latest".`);
    }
    const version = secret?.versions.find((v) => v.number === Number(versionId));
    if (!version) throw rpcError('NOT_FOUND', `Secret Version [${versionName}] not found.`);
    return version;
  }

  access(versionName: string): VersionRecord & { data: Buffer } {
    const version = this.getVersion(versionName);
    if (version.state !== 'ENABLED' || !version.data) {
      throw rpcError('FAILED_PRECONDITION', `Secret Version [${version.name}] is in ${version.state} state.`);
    }
    return version as VersionRecord & { data: Buffer };
  }

  setState(versionName: string, verb: 'enable' | 'disable' | 'destroy', etag?: string): VersionRecord {
    const version = this.getVersion(versionName);
    checkEtag(version.etag, etag);
    if (version.state === 'DESTROYED') {
      throw rpcError('FAILED_PRECONDITION', `Secret Version [${version.name}] is in DESTROYED state.`);
    }
    if (verb === 'destroy') {
      version.state = 'DESTROYED';
      version.destroyTime = new Date();
      version.data = undefined;
    } else {
      version.state = verb === 'enable' ? 'ENABLED' : 'DISABLED';
    }
    version.etag = newEtag();
    return version;
  }
}

function checkEtag(current: string, given: string | undefined): void {
  if (given && given !== current) {
    throw rpcError('ABORTED', `The etag provided in the request [${given}] does not match the current etag.`);
  }
}
