/**
 * `gcs-drive-backup authorize`: the one-time consent. Reads the OAuth client JSON, runs the loopback
 * authorization-code flow with PKCE, and stores `{"type":"authorized_user",client_id,client_secret,
 * refresh_token}` as a new version of the token secret; prints the version name and DRIVE_FOLDER_ID.
 *
 * Order of effects, so that a failed run leaves no secret version behind:
 *   1. validate options and the client file;  2. consent, state check, code exchange, refresh token and
 *   scope checks;  3. Drive: check --folder-id, or reuse/create the folder (reusing the oldest folder of
 *   that name in My Drive the app can see, so re-running authorize never makes a second one);
 *   4. LAST, add the secret version (creating the secret if absent).
 * A failure in 1–3 writes nothing to Secret Manager (at most an empty folder, reused by the next run);
 * a failure in 4 says which folder was made. The refresh token is never printed, logged or written to disk.
 */
import { readFile } from 'node:fs/promises';
import { createSecretManager, createUserOAuthClient, oauthEndpoints } from '../auth/clients.js';
import type { AuthorizedUser } from '../auth/credentials.js';
import { readEmulatorHosts } from '../config/config.js';
import { driveClientFor } from '../drive/client.js';
import { createDriveGateway, type DriveGateway } from '../drive/gateway.js';
import { AUTHORIZE_USAGE, parseAuthorizeOptions, type AuthorizeOptions } from './authorize-options.js';
import { CodeExchangeError, exchangeCode } from './code-exchange.js';
import { buildConsentUrl, DRIVE_SCOPE, newPkceVerifier, newState } from './consent-url.js';
import { describeAccount, DriveAccountError, findOrCreateFolder, verifyFolder, type DriveFolder } from './drive-account.js';
import { missingScope, NO_REFRESH_TOKEN, TESTING_STATUS_WARNING } from './explanations.js';
import type { CliCommand, CliIO } from './io.js';
import { ConsentError, startLoopback } from './loopback.js';
import { OAuthClientFileError, parseOAuthClientFile, type OAuthClientInfo } from './oauth-client-file.js';
import { openBrowser } from './open-browser.js';
import { redactingIO, type RedactingIO } from './redacting-io.js';
import { addTokenVersion, TokenSecretError } from './token-secret.js';
import { escapeForTerminal as shown } from '../core/terminal-text.js';

export interface AuthorizeDeps {
  readFile: (path: string) => Promise<string>;
  openBrowser: (url: string) => void;
}

const defaultDeps: AuthorizeDeps = { readFile: (path) => readFile(path, 'utf8'), openBrowser };

/** A failure the command explains in its own words (exit code 1). */
class AuthorizeFailure extends Error {}

const EXPLAINED = [AuthorizeFailure, OAuthClientFileError, ConsentError, CodeExchangeError, DriveAccountError, TokenSecretError];

export const authorizeCommand: CliCommand = (io) => runAuthorize(io, defaultDeps);

export async function runAuthorize(plainIO: CliIO, deps: AuthorizeDeps): Promise<number> {
  const options = parseAuthorizeOptions(plainIO);
  if (options.help) {
    plainIO.stdout(AUTHORIZE_USAGE);
    return 0;
  }
  const io = redactingIO(plainIO);
  try {
    await authorize(io, options, deps);
    return 0;
  } catch (err) {
    const known = EXPLAINED.some((type) => err instanceof type);
    io.stderr(`authorize: ${shown(known ? (err as Error).message : `unexpected failure: ${(err as Error)?.message ?? String(err)}`)}\n`);
    return 1;
  }
}

async function authorize(io: RedactingIO, options: AuthorizeOptions, deps: AuthorizeDeps): Promise<void> {
  const config = { emulators: readEmulatorHosts(io.env) };
  const client = await readClientFile(options.clientSecretsPath, deps);
  io.protect(client.clientSecret);
  if (client.kind === 'web' && options.port === 0) {
    throw new AuthorizeFailure(
      'this is a "Web application" OAuth client: it accepts only registered redirect addresses. Use a "Desktop app" client, ' +
        'or register http://127.0.0.1:PORT/ as a redirect URI of this client and pass --port PORT.',
    );
  }

  const endpoints = oauthEndpoints(config);
  const tokens = await consent(io, options, deps, client, endpoints);
  if (!tokens.refreshToken) throw new AuthorizeFailure(NO_REFRESH_TOKEN);
  if (!tokens.scopes.includes(options.scope) && !tokens.scopes.includes(DRIVE_SCOPE)) {
    throw new AuthorizeFailure(`${missingScope(options.scope)} Nothing was stored.`);
  }

  const user: AuthorizedUser = {
    type: 'authorized_user',
    client_id: client.clientId,
    client_secret: client.clientSecret,
    refresh_token: tokens.refreshToken,
  };
  // The Drive calls refresh an access token from the new refresh token: proof that it works before it is stored.
  const driveClient = driveClientFor(config, createUserOAuthClient(config, user));
  const drive = createDriveGateway({ connect: () => Promise.resolve(driveClient) });
  const account = await describeAccount(drive);
  if (account.email) io.stdout(`Authorized as ${shown(account.email)}.\n`);
  const folder = await resolveFolder(io, options, drive);

  const secrets = createSecretManager(config);
  let version: string;
  try {
    version = await addTokenVersion(secrets, options.secret, JSON.stringify(user));
  } catch (err) {
    const made =
      'created' in folder && folder.created ? ` The Drive folder "${folder.name}" (${folder.id}) was created; the next run reuses it.` : '';
    throw err instanceof TokenSecretError ? new TokenSecretError(err.problem, `${err.message}. Nothing was stored.${made}`) : err;
  } finally {
    await secrets.close().catch(() => undefined);
  }
  io.stdout(`Stored the authorization as a new secret version: ${version}\n`);
  io.stdout(`DRIVE_FOLDER_ID=${shown(folder.id)}\n`);
  io.stderr(`\n${TESTING_STATUS_WARNING}\n`);
}

async function readClientFile(path: string, deps: AuthorizeDeps): Promise<OAuthClientInfo> {
  let text: string;
  try {
    text = await deps.readFile(path);
  } catch (err) {
    throw new AuthorizeFailure(`cannot read the OAuth client file ${path}: ${(err as Error).message}`);
  }
  return parseOAuthClientFile(text, path);
}

/** Loopback listener, consent URL (printed before waiting), the redirect, the code exchange. */
async function consent(
  io: RedactingIO,
  options: AuthorizeOptions,
  deps: AuthorizeDeps,
  client: OAuthClientInfo,
  endpoints: { oauth2AuthBaseUrl: string; oauth2TokenUrl: string },
) {
  const state = newState();
  const codeVerifier = newPkceVerifier();
  const loopback = await startLoopback({ port: options.port, expectedState: state, timeoutMs: options.timeoutMs });
  try {
    const redirectUri = client.kind === 'web' ? registeredForm(client, loopback.redirectUri) : loopback.redirectUri;
    const url = buildConsentUrl({
      authBaseUrl: endpoints.oauth2AuthBaseUrl,
      clientId: client.clientId,
      redirectUri,
      scope: options.scope,
      state,
      codeVerifier,
    });
    io.stdout(
      `Open this address in a browser and allow access to Google Drive${options.openBrowser ? ' (trying to open it for you)' : ''}:\n\n  ${url}\n\n`,
    );
    io.stdout(`Waiting up to ${Math.round(options.timeoutMs / 1000)} s for the answer on ${loopback.redirectUri} ...\n`);
    if (options.openBrowser) deps.openBrowser(url);
    const code = await loopback.code;
    io.protect(code);
    const tokens = await exchangeCode({
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      tokenUrl: endpoints.oauth2TokenUrl,
      redirectUri,
      code,
      codeVerifier,
    });
    io.protect(tokens.refreshToken);
    io.protect(tokens.accessToken);
    return tokens;
  } finally {
    await loopback.close();
  }
}

/** A web client needs the redirect URI exactly as registered (with or without the trailing `/`). */
function registeredForm(client: OAuthClientInfo, redirectUri: string): string {
  const bare = redirectUri.replace(/\/$/, '');
  return client.redirectUris.includes(bare) ? bare : redirectUri;
}

async function resolveFolder(
  io: RedactingIO,
  options: AuthorizeOptions,
  drive: DriveGateway,
): Promise<DriveFolder | (DriveFolder & { created: boolean })> {
  if (options.folderId !== undefined) {
    const folder = await verifyFolder(drive, options.folderId);
    io.stdout(`Using the Drive folder "${shown(folder.name)}" (${shown(folder.id)}).\n`);
    return folder;
  }
  const folder = await findOrCreateFolder(drive, options.folderName);
  io.stdout(`${folder.created ? 'Created' : 'Reusing'} the Drive folder "${shown(folder.name)}" in My Drive (${shown(folder.id)}).\n`);
  return folder;
}
