/**
 * Drive v3 error replies: the `{error: {code, message, errors: [{message, domain, reason, location,
 * locationType}], status?}}` body Drive sends, and constructors for the errors the emulator raises
 * (not found, invalid parameter, auth, scopes, quotas).
 */
import type { ServerResponse } from 'node:http';
import { HttpError, googleError, sendJson } from '../harness/http.js';

export interface DriveErrorDetail {
  domain?: string;
  location?: string;
  locationType?: 'parameter' | 'header';
  /** `errors[0].message` when it differs from the top-level message (e.g. "Invalid Credentials"). */
  detailMessage?: string;
  /** gRPC-style status string some Drive errors carry (`UNAUTHENTICATED`, `PERMISSION_DENIED`). */
  status?: string;
}

export class DriveError extends HttpError {
  constructor(
    status: number,
    message: string,
    reason: string,
    readonly detail: DriveErrorDetail = {},
    headers: Record<string, string> = {},
  ) {
    super(status, message, reason, headers);
  }
}

export function driveErrorBody(err: HttpError): unknown {
  if (!(err instanceof DriveError)) return googleError(err.status, err.message, err.reason);
  const { domain = 'global', location, locationType, detailMessage, status } = err.detail;
  const item: Record<string, string> = { message: detailMessage ?? err.message, domain, reason: err.reason };
  if (location) item.location = location;
  if (locationType) item.locationType = locationType;
  const error: Record<string, unknown> = { code: err.status, message: err.message, errors: [item] };
  if (status) error.status = status;
  return { error };
}

export function renderDriveError(res: ServerResponse, err: HttpError): void {
  sendJson(res, err.status, driveErrorBody(err), err.headers);
}

export const fileNotFound = (id: string): DriveError =>
  new DriveError(404, `File not found: ${id}.`, 'notFound', { location: 'fileId', locationType: 'parameter' });

export const invalidParameter = (location: string, message = 'Invalid Value'): DriveError =>
  new DriveError(400, message, 'invalid', { location, locationType: 'parameter' });

export const badRequest = (message: string, reason = 'badRequest'): DriveError => new DriveError(400, message, reason);

const AUTH_HEADERS = { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' };
const AUTH_HELP = 'See https://developers.google.com/identity/sign-in/web/devconsole-project.';

export const invalidCredentials = (): DriveError =>
  new DriveError(
    401,
    `Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. ${AUTH_HELP}`,
    'authError',
    { detailMessage: 'Invalid Credentials', location: 'Authorization', locationType: 'header', status: 'UNAUTHENTICATED' },
    AUTH_HEADERS,
  );

export const loginRequired = (): DriveError =>
  new DriveError(
    401,
    `Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. ${AUTH_HELP}`,
    'required',
    { detailMessage: 'Login Required.', location: 'Authorization', locationType: 'header', status: 'UNAUTHENTICATED' },
    AUTH_HEADERS,
  );

export const insufficientScopes = (): DriveError =>
  new DriveError(403, 'Request had insufficient authentication scopes.', 'insufficientPermissions', {
    detailMessage: 'Insufficient Permission',
    status: 'PERMISSION_DENIED',
  });

export const storageQuotaExceeded = (): DriveError =>
  new DriveError(403, "The user's Drive storage quota has been exceeded.", 'storageQuotaExceeded', { domain: 'usageLimits' });

export const userRateLimitExceeded = (): DriveError =>
  new DriveError(403, 'User rate limit exceeded.', 'userRateLimitExceeded', { domain: 'usageLimits' });
