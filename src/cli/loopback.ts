/**
 * The loopback listener of the authorize command (RFC 8252 §7.3): listens on 127.0.0.1 (any free port,
 * or a chosen one), waits for the ONE consent redirect to `/`, checks its `state`, answers the browser
 * with a small HTML page and settles `code` with the authorization code, or rejects it with a
 * `ConsentError` (state mismatch, consent denied or failed, timeout). Other paths (`/favicon.ico`) get 404
 * and do not count. The caller always calls `close()`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ConsentErrorReason = 'state-mismatch' | 'denied' | 'failed' | 'timeout';

export class ConsentError extends Error {
  override readonly name = 'ConsentError';
  constructor(
    readonly reason: ConsentErrorReason,
    message: string,
  ) {
    super(message);
  }
}

export interface LoopbackOptions {
  /** 0 = any free port. */
  port: number;
  expectedState: string;
  timeoutMs: number;
}

export interface Loopback {
  /** `http://127.0.0.1:PORT/`: the `redirect_uri` of the consent URL and of the code exchange. */
  redirectUri: string;
  /** The authorization code; rejects with a ConsentError. */
  code: Promise<string>;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

export async function startLoopback(options: LoopbackOptions): Promise<Loopback> {
  let settle: { resolve: (code: string) => void; reject: (err: ConsentError) => void } | undefined;
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  code.catch(() => undefined); // handled by the caller; never an unhandled rejection if it stopped waiting
  let settled = false;
  const finish = (outcome: { code: string } | ConsentError): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if (outcome instanceof ConsentError) settle?.reject(outcome);
    else settle?.resolve(outcome.code);
  };

  const server = createServer((req, res) => handle(req, res));
  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    if (req.method !== 'GET' || url.pathname !== '/')
      return page(res, 404, 'Not found', 'This address only receives the Google sign-in redirect.');
    if (settled) return page(res, 409, 'Already done', 'This authorization has already finished. Look at the terminal.');
    const q = url.searchParams;
    if (!q.has('state') && !q.has('code') && !q.has('error')) {
      return page(
        res,
        400,
        'Waiting for Google',
        'This address receives the Google sign-in redirect. Open the URL printed in the terminal.',
      );
    }
    if (q.get('state') !== options.expectedState) {
      page(
        res,
        400,
        'Authorization refused',
        'The reply did not carry the expected state value, so it was ignored. Nothing was stored. Run authorize again.',
      );
      return finish(
        new ConsentError(
          'state-mismatch',
          'the consent reply carried a wrong "state" (a stale browser tab, or someone else\'s link): nothing was stored; run authorize again and use the newest URL',
        ),
      );
    }
    const error = q.get('error');
    if (error === 'access_denied') {
      page(res, 200, 'Access not granted', 'You did not allow access, so nothing was stored. You can close this window.');
      return finish(
        new ConsentError(
          'denied',
          'access was not granted on the Google consent screen (access_denied): nothing was stored; run authorize again and choose Allow',
        ),
      );
    }
    const received = q.get('code');
    if (error !== null || !received) {
      const what = error ?? 'no code';
      page(res, 400, 'Authorization failed', `Google answered "${what}". Nothing was stored. Look at the terminal.`);
      return finish(
        new ConsentError(
          'failed',
          `the consent screen answered "${what}"${q.get('error_description') ? `: ${q.get('error_description')}` : ''}; nothing was stored`,
        ),
      );
    }
    page(res, 200, 'Authorization received', 'You can close this window and return to the terminal.');
    finish({ code: received });
  }

  const timer = setTimeout(() => {
    const seconds = Math.round(options.timeoutMs / 1000);
    finish(
      new ConsentError(
        'timeout',
        `no answer from the consent screen within ${seconds} s: nothing was stored; run authorize again (use --timeout to wait longer)`,
      ),
    );
  }, options.timeoutMs);

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        err.code === 'EADDRINUSE' ? new Error(`port ${options.port} on ${HOST} is already in use: choose another --port, or omit it`) : err,
      );
    });
    server.listen(options.port, HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    redirectUri: `http://${HOST}:${port}/`,
    code,
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(timer);
        finish(new ConsentError('failed', 'the listener was closed before an answer arrived'));
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function page(res: ServerResponse, status: number, title: string, text: string): void {
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><title>gcs-drive-backup: ${escapeHtml(title)}</title></head>` +
    `<body style="font-family:sans-serif;max-width:40em;margin:4em auto"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    connection: 'close',
    'cache-control': 'no-store',
  });
  res.end(html);
}
