/**
 * The options of `gcs-drive-backup authorize`, defined as `Option`s (src/config/option.ts; `--secret` and
 * `--folder-id` are the function's settings, narrowed) and parsed by the one command-line parser; mistakes
 * are `UsageError`s (exit code 2).
 */
import { anyText, ok, secretWithoutVersion, wholeNumber, type ValueParser } from '../config/option.js';
import { SETTINGS } from '../config/settings.js';
import { parseCommandLine, usageOf, type CommandOption, type CommandSpec } from './command-line.js';
import { DRIVE_FILE_SCOPE, DRIVE_SCOPE } from './consent-url.js';
import { UsageError, type CliIO } from './io.js';

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

const scope: ValueParser<string> = (text) =>
  Object.hasOwn(SCOPES, text) ? ok(SCOPES[text]) : { ok: false, problem: `must be drive.file or drive, got "${text}"` };

const folderName: ValueParser<string> = (text) => (text.trim() === '' ? { ok: false, problem: 'must not be empty' } : ok(text));

const DEFAULT_FOLDER_NAME = 'GCS backup';

const option = <T>(o: CommandOption<T>) => o;

const OPTIONS = {
  clientSecrets: option({
    flag: 'client-secrets',
    parse: anyText,
    required: true,
    example: 'credentials.json',
    placeholder: 'FILE',
    help: 'the OAuth client JSON (type "Desktop app") downloaded from the Google Cloud console',
  }),
  secret: option({
    ...SETTINGS.tokenSecretVersion,
    parse: secretWithoutVersion,
    placeholder: 'projects/P/secrets/S',
    help: 'the secret to add the authorization to (a /versions/… suffix names the same secret)',
  }),
  folderName: option({
    flag: 'folder-name',
    parse: folderName,
    example: DEFAULT_FOLDER_NAME,
    placeholder: 'NAME',
    help: `the backup folder to reuse or create in My Drive (default "${DEFAULT_FOLDER_NAME}")`,
  }),
  folderId: option({ ...SETTINGS.driveFolderId, required: false, help: 'use this existing folder instead (checked, not created)' }),
  noBrowser: option({ flag: 'no-browser', boolean: true, parse: () => ok(true), example: '', help: 'only print the consent address' }),
  port: option({
    flag: 'port',
    parse: wholeNumber(0, 65535),
    default: 0,
    example: '8085',
    placeholder: 'N',
    help: 'loopback port for the redirect (default: any free one)',
  }),
  scope: option({
    flag: 'scope',
    parse: scope,
    default: DRIVE_FILE_SCOPE,
    example: 'drive.file',
    placeholder: 'drive.file|drive',
    help: 'the Drive access asked for',
  }),
  timeout: option({
    flag: 'timeout',
    parse: wholeNumber(1, 3600),
    default: 300,
    example: '300',
    placeholder: 'SECONDS',
    help: 'how long to wait for the consent',
  }),
};

export const AUTHORIZE_SPEC: CommandSpec<typeof OPTIONS> = {
  name: 'authorize',
  synopsis:
    '--client-secrets credentials.json --secret projects/P/secrets/S [--folder-name "GCS backup"] [--folder-id ID] [--no-browser] [--port N] [--scope drive.file|drive] [--timeout SECONDS]',
  about:
    "Asks for your consent in the browser, stores the Drive authorization as a new version of the secret,\nand prints DRIVE_FOLDER_ID for the function's configuration.",
  options: OPTIONS,
};

export const AUTHORIZE_USAGE = usageOf(AUTHORIZE_SPEC);

export function parseAuthorizeOptions(io: CliIO): AuthorizeOptions {
  const { values, help } = parseCommandLine(io, AUTHORIZE_SPEC);
  if (help) return { help: true, clientSecretsPath: '', secret: '', folderName: '', openBrowser: false, port: 0, scope: '', timeoutMs: 0 };
  if (values.folderId !== undefined && values.folderName !== undefined) throw new UsageError('give --folder-id or --folder-name, not both');
  return {
    help: false,
    clientSecretsPath: values.clientSecrets as string,
    secret: values.secret as string,
    folderName: values.folderName ?? DEFAULT_FOLDER_NAME,
    folderId: values.folderId,
    openBrowser: values.noBrowser !== true,
    port: values.port as number,
    scope: values.scope as string,
    timeoutMs: (values.timeout as number) * 1000,
  };
}
