/**
 * The Drive gateway: every Drive call of the product, through the googleapis client or by hand (the
 * resumable upload protocol), is an operation run by this one object (core/gateway.ts), which paces its
 * writes when DRIVE_WRITES_PER_SECOND is set (its `pacer`, drive/pacer.ts) and retries it as Drive's
 * failures say. An operation gets the `DriveClient` of the attempt.
 */
import type { drive_v3 } from '@googleapis/drive';
import { Gateway, type GatewayOptions } from '../core/gateway.js';
import { httpStatusOf } from '../core/error-shapes.js';

export type AuthHeaders = () => Promise<Record<string, string>>;

/** What a Drive operation works with. */
export interface DriveClient {
  /** The googleapis Drive v3 client, as the authorized user. */
  readonly api: drive_v3.Drive;
  /** The user's `Authorization` header, for the requests made by hand (resumable uploads). */
  readonly authHeaders: AuthHeaders;
  /** `https://www.googleapis.com`, or `DRIVE_EMULATOR_HOST`. */
  readonly baseUrl: string;
}

export type DriveGateway = Gateway<DriveClient>;

export interface DriveGatewayOptions extends Omit<GatewayOptions<DriveClient>, 'service' | 'client' | 'onAttemptFailed'> {
  /** The client of the current authorization (cached by the caller). */
  connect: () => Promise<DriveClient>;
  /** Drops the cached access token after a 401, so the next attempt refreshes it. */
  invalidateAccessToken?: () => void;
}

export function createDriveGateway({ connect, invalidateAccessToken, ...options }: DriveGatewayOptions): DriveGateway {
  return new Gateway<DriveClient>({
    ...options,
    service: 'drive',
    client: connect,
    onAttemptFailed: (err) => {
      if (httpStatusOf(err) === 401) invalidateAccessToken?.();
    },
  });
}
