/**
 * The Cloud Storage gateways: every call to the watched buckets (`gcs-source`: metadata, listings,
 * downloads) and to the state bucket (`state`) is an operation run by one of these (core/gateway.ts),
 * which retries it with the product's classification; the storage library's own retries are off
 * (src/gcs/client.ts). The two share one client and differ in the service their failures name.
 */
import type { Storage } from '@google-cloud/storage';
import { Gateway, type GatewayOptions } from '../core/gateway.js';

export type StorageGateway = Gateway<Storage>;

export function createStorageGateway(
  service: 'gcs-source' | 'state',
  storage: Storage,
  options: Omit<GatewayOptions<Storage>, 'service' | 'client'> = {},
): StorageGateway {
  return new Gateway<Storage>({ ...options, service, client: () => Promise.resolve(storage) });
}
