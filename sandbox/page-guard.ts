/**
 * Who the page server answers (pure). It listens on loopback, but a browser on the same machine can be
 * made to reach it: a page on another local port posting to it (CSRF: switching the bridge off), or a
 * DNS-rebound name reading /state.json and /files/ID. So it answers only requests addressed to itself
 * (`Host: 127.0.0.1:PORT` or `localhost:PORT`), and changes state (a POST) only for its own page: a
 * same-origin `Origin`, and not a content type an HTML form or a no-preflight `fetch` can send. The headers
 * every answer carries keep the page from running anything but its own script and from being framed.
 */

export interface GuardedRequest {
  method: string;
  host: string | undefined;
  origin: string | undefined;
  contentType: string | undefined;
}

export interface Refusal {
  status: number;
  message: string;
}

/** The content types a cross-site form or a "simple" fetch may send without a CORS preflight (Fetch standard). */
const SIMPLE_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/** The hosts the page server is reachable as: its own address and `localhost`, on its port. */
export function ownHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/** Why the request is refused, or undefined to serve it. */
export function refusal(req: GuardedRequest, port: number): Refusal | undefined {
  const host = req.host?.toLowerCase();
  if (host === undefined || !ownHosts(port).includes(host)) {
    return { status: 421, message: `this server answers only requests for ${ownHosts(port).join(' or ')}` };
  }
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  if (req.origin !== `http://${host}`) {
    return { status: 403, message: `a ${req.method} must come from this page: send Origin: http://${host}` };
  }
  const type = req.contentType?.split(';')[0]?.trim().toLowerCase();
  if (type !== undefined && SIMPLE_TYPES.has(type)) {
    return { status: 415, message: `a ${req.method} with Content-Type ${type} is refused: send application/json or no body` };
  }
  return undefined;
}

/** On every answer: only the page's own script and style, no framing, no sniffing, no referrer. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};
