/**
 * Whether a `POST /backup` comes from the backup queue's dispatcher (DISPATCH=tasks), which alone may have
 * it answered as a task (backup-task.ts: a malformed body acknowledged, Drive's rate limit answered 429,
 * the daily limit pausing the queue). The `X-CloudTasks-*` headers prove nothing: any invoker can send them.
 *
 * Cloud Run, before the request reaches the container, verifies the Google-signed ID token in
 * `Authorization: Bearer` (signature, expiry, audience = the service's URL) and that its account holds
 * roles/run.invoker — true of every invoker: the scheduler, the dispatcher, `http_invoker_members`. The code
 * verifies the token again with google-auth-library (signature against Google's certs, expiry), then that
 * it is the queue's token: issuer https://accounts.google.com, audience the origin of TASKS_TARGET_URL (the
 * audience the queue's tasks carry, src/tasks/queue.ts), `email` TASKS_SERVICE_ACCOUNT and verified.
 * With the Cloud Tasks emulator the certs are the emulator's own (it signs with a key of its own).
 */
import type { LoginTicket, OAuth2Client, TokenPayload } from 'google-auth-library';
import type { ClientConfig, TasksTarget } from '../config/config.js';
import { lazyRequire } from '../core/lazy-require.js';

export const DISPATCHER_ISSUER = 'https://accounts.google.com';

/** What the dispatcher's token must say. */
export interface DispatcherIdentity {
  audience: string;
  email: string;
}

export type IdentityVerdict = { ok: true } | { ok: false; reason: string };

/** The verification of one request's `Authorization` header. */
export type DispatcherVerifier = (authorization: string | undefined) => Promise<IdentityVerdict>;

export function dispatcherIdentity(target: TasksTarget): DispatcherIdentity {
  return { audience: new URL(target.targetUrl).origin, email: target.serviceAccount };
}

/** Why verified claims are not the dispatcher's, or undefined when they are. Pure. */
export function dispatcherClaimsProblem(claims: TokenPayload | undefined, expected: DispatcherIdentity): string | undefined {
  if (claims === undefined) return 'the token has no claims';
  if (claims.iss !== DISPATCHER_ISSUER) return `the token's issuer is not ${DISPATCHER_ISSUER}`;
  if (claims.aud !== expected.audience) return `the token's audience is not ${expected.audience}`;
  if (claims.email !== expected.email) return `the token is not the dispatcher's (TASKS_SERVICE_ACCOUNT ${expected.email})`;
  if (claims.email_verified !== true) return "the token's email is not verified";
  return undefined;
}

/** The bearer token of an `Authorization` header, if it holds one. Pure. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

/** The start of a library error's message, without the token or claims it may quote. */
function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return `the token did not verify: ${message.split(/[:,]/)[0].slice(0, 100)}`;
}

type IdTokenClient = Pick<OAuth2Client, 'verifyIdToken'>;

/** The verifier of a deployment's dispatcher, with Google's certs (or the Cloud Tasks emulator's). */
export function createDispatcherVerifier(config: ClientConfig, target: TasksTarget): DispatcherVerifier {
  const expected = dispatcherIdentity(target);
  let verifier: IdTokenClient | undefined;
  const connect = (): IdTokenClient => {
    if (verifier !== undefined) return verifier;
    const { OAuth2Client } = lazyRequire<typeof import('google-auth-library')>('google-auth-library');
    const host = config.emulators.tasks;
    const endpoints = host !== undefined ? { oauth2FederatedSignonPemCertsUrl: `${host}/_emulator/tasks/oidc/certs` } : undefined;
    verifier = new OAuth2Client(endpoints !== undefined ? { endpoints } : {});
    return verifier;
  };
  return async (authorization) => {
    const idToken = bearerToken(authorization);
    if (idToken === undefined) return { ok: false, reason: 'no bearer token' };
    let ticket: LoginTicket;
    try {
      ticket = await connect().verifyIdToken({ idToken, audience: expected.audience });
    } catch (err) {
      return { ok: false, reason: reasonOf(err) };
    }
    const problem = dispatcherClaimsProblem(ticket.getPayload(), expected);
    return problem === undefined ? { ok: true } : { ok: false, reason: problem };
  };
}
