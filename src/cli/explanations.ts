/**
 * The plain-words explanations the authorize and check commands print, in one place so both say the
 * same thing: refresh-token expiry of apps in "Testing", why no refresh token came back, why a folder is
 * invisible under the drive.file scope, what a missing scope means.
 */

export const TESTING_STATUS_WARNING =
  'Note: if your OAuth consent screen is in "Testing" publishing status, Google expires this authorization ' +
  'after 7 days and backups stop. To avoid that, publish the app: Google Cloud console → APIs & Services → ' +
  'OAuth consent screen → Publish app (an app used only by yourself needs no verification for this). ' +
  'Otherwise re-run authorize every week.';

export const NO_REFRESH_TOKEN =
  'Google returned no refresh token. Google returns one only on the first consent of an app, or when the ' +
  "consent screen is forced (prompt=consent, which this command asks for). Remove the app's access at " +
  'https://myaccount.google.com/permissions and run authorize again. Nothing was stored.';

export function folderInvisible(folderId: string): string {
  return (
    `the Drive folder ${folderId} does not exist or this app cannot see it. With the drive.file scope the app sees only ` +
    'the files and folders it created itself: a folder you made by hand in Drive is invisible to it. Run authorize ' +
    'without --folder-id to let it create the folder (and use the DRIVE_FOLDER_ID it prints), or authorize with ' +
    '--scope drive (access to all of your Drive).'
  );
}

export function missingScope(scope: string): string {
  return (
    `the authorization does not include Drive access (${scope}): the box granting access to Google Drive was probably ` +
    'left unticked on the consent screen. Run authorize again and allow Drive access.'
  );
}

export const REAUTHORIZE =
  'run `npx --no gcs-drive-backup authorize --client-secrets credentials.json --secret projects/P/secrets/S` again';
