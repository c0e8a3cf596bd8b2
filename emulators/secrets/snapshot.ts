/**
 * The Secret Manager emulator's state as JSON for persistence: secrets with labels, annotations,
 * replication and etags, every version (state, payload base64 unless destroyed, checksum, times), the
 * version counter, and the resources denied through `/_emulator/secrets/deny`.
 */
import { parseDate } from '../persistence/persistable.js';
import type { SecretRecord, SecretStore, VersionRecord } from './store.js';

type VersionSnapshot = Omit<VersionRecord, 'createTime' | 'destroyTime' | 'data'> & {
  createTime: string;
  destroyTime?: string;
  data?: string;
};

type SecretSnapshot = Omit<SecretRecord, 'createTime' | 'versions'> & { createTime: string; versions: VersionSnapshot[] };

export interface SecretsSnapshot {
  secrets: SecretSnapshot[];
  denied: string[];
}

export function snapshotSecrets(store: SecretStore, denied: ReadonlySet<string>): SecretsSnapshot {
  return {
    secrets: store.exportState().map((s) => ({
      ...s,
      createTime: s.createTime.toISOString(),
      versions: s.versions.map((v) => ({
        ...v,
        createTime: v.createTime.toISOString(),
        destroyTime: v.destroyTime?.toISOString(),
        data: v.data?.toString('base64'),
      })),
    })),
    denied: [...denied],
  };
}

export function restoreSecrets(store: SecretStore, denied: Set<string>, data: unknown): void {
  const snap = data as SecretsSnapshot;
  store.importState(
    snap.secrets.map((s) => ({
      ...s,
      createTime: parseDate(s.createTime),
      versions: s.versions.map((v) => {
        const { destroyTime, data: payload, ...rest } = v;
        const version: VersionRecord = { ...rest, createTime: parseDate(v.createTime) };
        if (destroyTime !== undefined) version.destroyTime = parseDate(destroyTime);
        if (payload !== undefined) version.data = Buffer.from(payload, 'base64');
        return version;
      }),
    })),
  );
  denied.clear();
  for (const prefix of snap.denied) denied.add(prefix);
}
