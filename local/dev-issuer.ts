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

export interface TokenRequest {
  tid?: string;
  oid?: string;
  roles?: string[];
  /** Seconds until expiry (negative for an expired token); default one hour. */
  expiresIn?: number;
  audience?: string;
  issuer?: string;
}

export interface DevIssuer {
  issuer: string;
  audience: string;
  jwksUrl: string;
  /** AUTH_* settings that make the app trust this issuer. */
  settings: { AUTH_ISSUER: string; AUTH_AUDIENCE: string; AUTH_JWKS_URL: string };
  mint(request?: TokenRequest): Promise<string>;
  close(): Promise<void>;
}

const TokenRequestSchema = z.strictObject({
  tid: z.string().min(1).optional(),
  oid: z.string().min(1).optional(),
  roles: z.array(z.string()).optional(),
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
    return new SignJWT({
      tid: request.tid ?? devTenantId,
      oid: request.oid ?? devUserId,
      roles: request.roles ?? ['Admin'],
    })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(request.issuer ?? issuer)
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
    mint,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
