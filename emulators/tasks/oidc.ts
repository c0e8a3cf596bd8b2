/**
 * The OIDC tokens the Cloud Tasks emulator puts in `Authorization: Bearer …` of a task with `oidcToken`:
 * RS256 JWTs shaped like the Google-signed ID tokens Cloud Tasks sends
 * (https://cloud.google.com/tasks/docs/creating-http-target-tasks#token, claims as in
 * https://developers.google.com/identity/openid-connect/openid-connect#an-id-tokens-payload): `iss`
 * https://accounts.google.com, `aud` (the task's audience, else its URL), `email` and `email_verified`,
 * a numeric `sub`/`azp` derived from the email, `iat`/`exp` one hour apart, on wall time: the target
 * checks them against its own clock, which a test's ManualClock does not move (harness/clock.ts). They are signed with an RSA
 * key made when first needed (one per emulator, never persisted); its public half is served at
 * `GET /_emulator/tasks/oidc/certs` in the `{kid: PEM}` format of https://www.googleapis.com/oauth2/v1/certs,
 * so `OAuth2Client.verifyIdToken` verifies them when pointed there. Google's own keys cannot be used.
 */
import { createHash, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { systemClock, type Clock } from '../harness/clock.js';

export const OIDC_ISSUER = 'https://accounts.google.com';
const LIFETIME_SECONDS = 3600;

function base64url(value: Buffer | string): string {
  return Buffer.from(value).toString('base64url');
}

/** A stable 21-digit numeric id for a service account, like Google's `sub`. */
export function numericSubject(email: string): string {
  const digest = createHash('sha256').update(email).digest();
  let digits = '1';
  for (const byte of digest) {
    if (digits.length >= 21) break;
    digits += String(byte % 10);
  }
  return digits;
}

export class OidcSigner {
  private key?: { kid: string; privateKey: KeyObject; publicPem: string };

  /** `issuing`: the clock tokens are issued on, the one their verifier reads (wall time by default). */
  constructor(private readonly issuing: Clock = systemClock) {}

  /** A signed ID token for `email`, audience `audience`, issued now on the issuing clock. */
  token(email: string, audience: string): string {
    const { kid, privateKey } = this.ensureKey();
    const iat = Math.floor(this.issuing.now() / 1000);
    const sub = numericSubject(email);
    const header = { alg: 'RS256', kid, typ: 'JWT' };
    const payload = { aud: audience, azp: sub, email, email_verified: true, exp: iat + LIFETIME_SECONDS, iat, iss: OIDC_ISSUER, sub };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
    const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKey);
    return `${signingInput}.${base64url(signature)}`;
  }

  /** `{kid: public key PEM}`, the v1 certs format. */
  certs(): Record<string, string> {
    const { kid, publicPem } = this.ensureKey();
    return { [kid]: publicPem };
  }

  private ensureKey(): { kid: string; privateKey: KeyObject; publicPem: string } {
    if (!this.key) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      this.key = {
        kid: randomBytes(20).toString('hex'),
        privateKey,
        publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      };
    }
    return this.key;
  }
}

/** An opaque OAuth-looking access token for a task with `oauthToken` (nothing can check it locally). */
export function oauthAccessToken(email: string, scope: string): string {
  return `ya29.emulator-${createHash('sha256').update(`${email} ${scope}`).digest('base64url').slice(0, 32)}`;
}
