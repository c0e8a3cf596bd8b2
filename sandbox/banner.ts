/**
 * What `npm start` prints once everything listens (pure): how to upload, where to look, how to stop, and
 * the `NAME=value` lines other tools need to join in (the same lines `npm run emulators` prints, plus the
 * product's configuration and the sandbox's own URLs and process ids).
 */

export interface BannerFacts {
  pageUrl: string;
  uploadCommand: string;
  /** In print order. */
  variables: Record<string, string>;
  dataDir?: string;
}

/** `curl` uploading a local file into `bucket` of the Cloud Storage emulator (simple media upload). */
export function uploadCommand(storageHost: string, bucket: string, file = 'README.md', objectName = `docs/${file}`): string {
  const url = `${storageHost}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=media&name=${encodeURIComponent(objectName)}`;
  return `curl -X POST --data-binary @${file} -H 'content-type: text/plain' '${url}'`;
}

export function renderBanner(facts: BannerFacts): string {
  const lines = [
    'gcs-drive-backup sandbox: the whole pipeline on loopback, no Google account',
    '',
    `  upload a file:   ${facts.uploadCommand}`,
    `  see the result:  ${facts.pageUrl}`,
    '  stop:            Ctrl-C',
    facts.dataDir !== undefined
      ? `  state kept in:   ${facts.dataDir}`
      : '  state:           in memory (keep it between runs with: npm start -- --data-dir .sandbox)',
    '',
    '# for other tools (npx --no gcs-drive-backup, @google-cloud/storage, ...): export the lines below',
    ...Object.entries(facts.variables).map(([name, value]) => `${name}=${value}`),
    '',
  ];
  return `${lines.join('\n')}\n`;
}

/** The `NAME=value` lines of a banner (what a script or test reads back). */
export function parseBannerVariables(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}
