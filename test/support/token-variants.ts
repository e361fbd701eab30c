import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { startDevIssuer, type DevIssuer, type TokenRequest } from '../../local/dev-issuer';

/**
 * The ways a bearer token can be wrong, each token wrong for exactly one reason: everything else
 * (claims, issuer, audience, key id) is what the app trusts, so nothing but the defect can refuse it.
 */
export const badTokenKinds = [
  'no token',
  'expired',
  'wrong audience',
  'wrong issuer',
  'unknown signing key',
  'forged signature',
] as const;
export type BadTokenKind = (typeof badTokenKinds)[number];

/** What the 401 message must name, so a token refused for some other reason is noticed. */
export const badTokenReasons: Record<BadTokenKind, RegExp> = {
  'no token': /bearer token is required/i,
  expired: /expired/i,
  'wrong audience': /\baud\b/,
  'wrong issuer': /\biss\b/,
  'unknown signing key': /signature/i,
  'forged signature': /signature/i,
};

export interface BadTokenMinter {
  /** A token for `claims` that is wrong only in the way `kind` says; undefined for 'no token'. */
  mint(kind: BadTokenKind, claims: TokenRequest): Promise<string | undefined>;
  close(): Promise<void>;
}

/**
 * Mints bad tokens around the `trusted` issuer. 'unknown signing key' comes from a second issuer
 * whose key the trusted JWKS never lists, claiming the trusted issuer's `iss`; 'forged signature'
 * keeps the trusted token's header (its `kid` included) and claims byte for byte and replaces only
 * the signature.
 */
export async function startBadTokenMinter(trusted: DevIssuer): Promise<BadTokenMinter> {
  const stranger = await startDevIssuer();
  return {
    mint: async (kind, claims) => {
      switch (kind) {
        case 'no token':
          return undefined;
        case 'expired':
          // An hour ago: far beyond the app's 60 s clock tolerance.
          return trusted.mint({ ...claims, expiresIn: -3600 });
        case 'wrong audience':
          return trusted.mint({ ...claims, audience: 'api://another-app' });
        case 'wrong issuer':
          return trusted.mint({ ...claims, issuer: 'https://sts.example.com/another-issuer' });
        case 'unknown signing key':
          return stranger.mint({ ...claims, issuer: trusted.issuer });
        case 'forged signature':
          return resignWithForeignKey(await trusted.mint(claims));
      }
    },
    close: () => stranger.close(),
  };
}

let foreignKey: KeyObject | undefined;

/** The same header and payload, signed (RS256) by a key that no issuer published. */
export function resignWithForeignKey(token: string): string {
  const [header, payload] = token.split('.');
  if (!header || !payload) throw new Error('Not a compact JWS');
  foreignKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), foreignKey);
  return `${header}.${payload}.${signature.toString('base64url')}`;
}
