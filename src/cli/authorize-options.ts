/**
 * The options of `gcs-drive-backup authorize`, parsed from argv by a pure function; mistakes are
 * `UsageError`s (exit code 2).
 */
import { UsageError } from './io.js';
import { DRIVE_FILE_SCOPE, DRIVE_SCOPE } from './consent-url.js';
import { folderIdOption, integerOption, parseCommandOptions, secretNameOption } from './parse-options.js';

export const AUTHORIZE_USAGE = `usage: gcs-drive-backup authorize --client-secrets credentials.json --secret projects/P/secrets/S
         [--folder-name "GCS backup"] [--folder-id ID] [--no-browser] [--port N]
         [--scope drive.file|drive] [--timeout SECONDS]

Asks for your consent in the browser, stores the Drive authorization as a new version of the secret,
and prints DRIVE_FOLDER_ID for the function's configuration.
`;

export interface AuthorizeOptions {
  clientSecretsPath: string;
  /** `projects/P/secrets/S`. */
  secret: string;
  folderName: string;
  folderId?: string;
  openBrowser: boolean;
  /** 0 = any free port. */
  port: number;
  scope: string;
  timeoutMs: number;
  help: boolean;
}

const SCOPES: Record<string, string> = {
  'drive.file': DRIVE_FILE_SCOPE,
  drive: DRIVE_SCOPE,
  [DRIVE_FILE_SCOPE]: DRIVE_FILE_SCOPE,
  [DRIVE_SCOPE]: DRIVE_SCOPE,
};

export function parseAuthorizeOptions(argv: string[]): AuthorizeOptions {
  const v = parseCommandOptions(argv, {
    'client-secrets': { type: 'string' },
    secret: { type: 'string' },
    'folder-name': { type: 'string' },
    'folder-id': { type: 'string' },
    'no-browser': { type: 'boolean' },
    port: { type: 'string' },
    scope: { type: 'string' },
    timeout: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help) {
    return { help: true, clientSecretsPath: '', secret: '', folderName: '', openBrowser: false, port: 0, scope: '', timeoutMs: 0 };
  }
  const clientSecretsPath = v['client-secrets'];
  if (!clientSecretsPath)
    throw new UsageError('--client-secrets is required: the OAuth client JSON downloaded from the Google Cloud console');
  const scope = SCOPES[v.scope ?? 'drive.file'];
  if (!scope) throw new UsageError(`--scope must be drive.file or drive, got "${v.scope}"`);
  const folderName = v['folder-name'] ?? 'GCS backup';
  if (folderName.trim() === '') throw new UsageError('--folder-name must not be empty');
  const folderId = folderIdOption(v['folder-id']);
  if (folderId !== undefined && v['folder-name'] !== undefined) throw new UsageError('give --folder-id or --folder-name, not both');
  return {
    help: false,
    clientSecretsPath,
    secret: secretNameOption(v.secret),
    folderName,
    folderId,
    openBrowser: !v['no-browser'],
    port: integerOption(v.port, 'port', 0, 0, 65535),
    scope,
    timeoutMs: integerOption(v.timeout, 'timeout', 300, 1, 3600) * 1000,
  };
}
