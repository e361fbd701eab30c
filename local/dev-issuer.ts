import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { z } from 'zod';

/**
 * A local token issuer, standing in for Microsoft Entra ID: it publishes a JWKS and signs tokens
 * with the claims the app reads (`tid`, `oid`, `roles`). For `npm start` and tests only.
 */

export const devAudience = 'api://iterable-segment-export';
export const devTenantId = '11111111-1111-4111-8111-111111111111';
export const devUserId = '22222222-2222-4222-8222-222222222222';
/** The client id of the platform's app, which local settings trust to act for tenants. */
export const devPlatformAppId = '33333333-3333-4333-8333-333333333333';

export interface TokenRequest {
  tid?: string;
  /** null leaves the claim out. */
  oid?: string | null;
  roles?: string[];
  /** Entra's token type claim: `app` for an app-only (client credentials) token. */
  idtyp?: 'app' | 'user';
  /** The client id of the app the token was issued to. */
  azp?: string;
  /** Delegated scopes, which only users' tokens carry. */
  scp?: string;
  /** `iss` as Entra's multi-tenant endpoints set it: the issuer's tenant path for `tid`. */
  tenantIssuer?: boolean;
  /** Seconds until expiry (negative for an expired token); default one hour. */
  expiresIn?: number;
  audience?: string;
  issuer?: string;
}

export interface DevIssuer {
  issuer: string;
  audience: string;
  jwksUrl: string;
  /** AUTH_* settings that make the app trust this issuer (one issuer, every tenant). */
  settings: { AUTH_ISSUER: string; AUTH_AUDIENCE: string; AUTH_JWKS_URL: string };
  /**
   * AUTH_* settings in Entra's multi-tenant form: `iss` must be `{issuer}/{tid}/v2.0` (mint with
   * `tenantIssuer: true`) and `tid` one of `allowedTenants` (`*` for any).
   */
  multiTenantSettings(allowedTenants: string): Record<string, string>;
  mint(request?: TokenRequest): Promise<string>;
  close(): Promise<void>;
}

const TokenRequestSchema = z.strictObject({
  tid: z.string().min(1).optional(),
  oid: z.string().min(1).nullable().optional(),
  roles: z.array(z.string()).optional(),
  idtyp: z.enum(['app', 'user']).optional(),
  azp: z.string().min(1).optional(),
  scp: z.string().min(1).optional(),
  tenantIssuer: z.boolean().optional(),
  expiresIn: z.number().int().optional(),
});

export async function startDevIssuer(
  options: { host?: string; port?: number } = {},
): Promise<DevIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = randomUUID();
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  let issuer = '';

  const mint = async (request: TokenRequest = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const tid = request.tid ?? devTenantId;
    const oid = request.oid === undefined ? devUserId : request.oid;
    return new SignJWT({
      tid,
      ...(oid === null ? {} : { oid }),
      roles: request.roles ?? ['Admin'],
      ...(request.idtyp ? { idtyp: request.idtyp } : {}),
      ...(request.azp ? { azp: request.azp } : {}),
      ...(request.scp ? { scp: request.scp } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(request.issuer ?? (request.tenantIssuer ? `${issuer}/${tid}/v2.0` : issuer))
      .setAudience(request.audience ?? devAudience)
      .setIssuedAt(now)
      .setExpirationTime(now + (request.expiresIn ?? 3600))
      .sign(privateKey);
  };

  const server = http.createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const path = new URL(request.url ?? '/', 'http://issuer').pathname;
    if (request.method === 'GET' && path === '/keys') return send(200, { keys: [jwk] });
    if (request.method === 'GET' && path === '/.well-known/openid-configuration') {
      return send(200, { issuer, jwks_uri: `${issuer}/keys`, token_endpoint: `${issuer}/token` });
    }
    if (request.method === 'POST' && path === '/token') {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        let parsed: ReturnType<typeof TokenRequestSchema.safeParse>;
        try {
          parsed = TokenRequestSchema.safeParse(text ? JSON.parse(text) : {});
        } catch {
          return send(400, { error: 'invalid_request', error_description: 'The body is not JSON' });
        }
        if (!parsed.success) {
          return send(400, { error: 'invalid_request', error_description: parsed.error.message });
        }
        mint(parsed.data).then(
          (token) =>
            send(200, {
              access_token: token,
              token_type: 'Bearer',
              expires_in: parsed.data.expiresIn ?? 3600,
            }),
          () => send(500, { error: 'server_error' }),
        );
      });
      return;
    }
    send(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  issuer = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    issuer,
    audience: devAudience,
    jwksUrl: `${issuer}/keys`,
    settings: { AUTH_ISSUER: issuer, AUTH_AUDIENCE: devAudience, AUTH_JWKS_URL: `${issuer}/keys` },
    multiTenantSettings: (allowedTenants) => ({
      AUTH_ISSUER: `${issuer}/{tenantid}/v2.0`,
      AUTH_AUDIENCE: devAudience,
      AUTH_JWKS_URL: `${issuer}/keys`,
      AUTH_ALLOWED_TENANTS: allowedTenants,
    }),
    mint,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
