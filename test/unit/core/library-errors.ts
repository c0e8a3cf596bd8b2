/**
 * Test support (not a test): errors built the way each client library builds them (gaxios 6 and 7 for
 * Drive, OAuth and Storage's resumable paths, storage's ApiError, google-gax's GoogleError, Node's network
 * errors), for the tables of classify.test.ts and error-shapes.test.ts.
 */
import { GaxiosError as GaxiosError7 } from 'gaxios';
import { GaxiosError as DriveGaxiosError } from 'googleapis-common';
import { gaxios } from 'google-auth-library';
import { ApiError } from '@google-cloud/storage';
import { GoogleError, type Status } from 'google-gax';

/** A gaxios 7 request config, as gaxios prepares it. */
export const requestConfig = (url: string) => ({ url: new URL(url), headers: new Headers() });

/** A fetch `Response` made into a gaxios 7 response, as `Gaxios#_defaultAdapter` does (body read, `data` set). */
async function gaxios7Response(status: number, body: unknown, headers: Record<string, string> = {}) {
  const res = new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  const data: unknown = await res.json();
  return Object.assign(res, { config: requestConfig(res.url || 'https://www.googleapis.com/'), data }) as never;
}

/** What googleapis (gaxios 7) throws for a Drive JSON error reply. */
export async function driveError(status: number, reason: string, headers: Record<string, string> = {}, message = `${reason} happened`) {
  const body = { error: { code: status, message, errors: [{ domain: 'usageLimits', reason, message }] } };
  const response = await gaxios7Response(status, body, headers);
  // gaxios' own (internal) extractor, as `Gaxios#_request` calls it: its result becomes the error's cause.
  const extract = (DriveGaxiosError as unknown as { extractAPIErrorFromResponse: (r: Response) => { message: string } | undefined })
    .extractAPIErrorFromResponse;
  const info = extract(response);
  return new DriveGaxiosError(info?.message ?? 'failed', requestConfig('https://www.googleapis.com/drive/v3/files'), response, info);
}

/** What google-auth-library (gaxios 7) throws when the token endpoint refuses a refresh. */
export async function oauthError(status: number, code: string) {
  const response = await gaxios7Response(status, { error: code, error_description: 'Bad Request' });
  return new gaxios.GaxiosError(code, requestConfig('https://oauth2.googleapis.com/token'), response);
}

/** What storage's JSON API calls throw. */
export const gcsError = (code: number, reason: string): ApiError => {
  const errors = [{ reason, message: `${reason} happened` }];
  // The response as teeny-request hands it over: ApiError re-reads `errors` from its JSON body.
  const response = { statusCode: code, body: JSON.stringify({ error: { code, message: `${reason} happened`, errors } }), headers: {} };
  return new ApiError({ code, message: `${reason} happened`, errors, response: response as never });
};

/** gaxios 7 (storage 8's resumable and XML paths): a fetch `Headers` object. */
export const gaxios7Error = (status: number, headers: Record<string, string>) =>
  new GaxiosError7('failed', { url: new URL('https://storage.googleapis.com/x'), headers: new Headers() }, {
    status,
    statusText: '',
    headers: new Headers(headers),
    data: '',
    config: {},
    request: { responseURL: 'https://storage.googleapis.com/x' },
  } as never);

export const grpcError = (code: Status): GoogleError => Object.assign(new GoogleError(`${code} status`), { code });

export const netError = (code: string, message = `read ${code}`): Error => Object.assign(new Error(message), { code, syscall: 'read' });
