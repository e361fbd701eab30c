import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import type { Settings } from '../settings';
import { ForbiddenError, ServiceUnavailableError, UnauthorizedError } from './errors';
import {
  createIssuerKeys,
  defaultIssuerKeyTiming,
  IssuerUnreachableError,
  type IssuerKeyTiming,
} from './issuer-keys';

export const roles = ['Admin', 'Contributor', 'Viewer'] as const;
export type Role = (typeof roles)[number];

/** Who is calling: the token's tenant (`tid`), user (`oid`) and app roles. */
export interface Principal {
  tenantId: string;
  userId: string;
  roles: Role[];
}

const ClaimsSchema = z.object({
  tid: z.string().min(1),
  oid: z.string().min(1),
  roles: z.array(z.string()).default([]),
});

// Characters a Table PartitionKey cannot hold (/ \ # ? and control characters), and half of a
// surrogate pair on its own, which no storage key or URL can carry.
const unusableInKey =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[/\\#?\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The tenant id keys every table row and names the tenant's snapshot folder. Entra ID's are GUIDs;
 * one that no key or folder can hold (an issuer bug or a hostile issuer) is refused here, once,
 * rather than failing as a 500 wherever it is first used.
 */
function usableTenantId(tid: string): boolean {
  return (
    tid.length <= 256 &&
    tid.trim() !== '' &&
    tid !== '.' &&
    tid !== '..' &&
    !unusableInKey.test(tid)
  );
}

/** Tokens minted a little in the future, or expiring just now, are still accepted. */
const clockToleranceSeconds = 60;

export type TokenVerifier = (authorization: string | null) => Promise<Principal>;

/**
 * Verifies `Authorization: Bearer <JWT>` against the issuer's JWKS (signature, expiry with small
 * clock skew, audience, issuer) and returns the principal. A bad token is a 401 whose message says
 * what was wrong with it, never what it holds; a token that cannot be checked because the issuer's
 * keys cannot be had is a 503 with Retry-After, so the caller keeps its token and tries again.
 */
export function createTokenVerifier(
  auth: NonNullable<Settings['auth']>,
  keyTiming: IssuerKeyTiming = defaultIssuerKeyTiming,
): TokenVerifier {
  const keys = createIssuerKeys(auth.jwksUrl, keyTiming);
  return async (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
    if (!match?.[1])
      throw new UnauthorizedError('A bearer token is required (Authorization: Bearer <token>).');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1], keys, {
        issuer: auth.issuer,
        audience: auth.audience,
        clockTolerance: clockToleranceSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      // When the issuer's keys cannot be had the token is not bad; the caller may retry.
      if (error instanceof IssuerUnreachableError) {
        throw new ServiceUnavailableError(
          'TokenIssuerUnavailable',
          'The token issuer could not be reached to check the token; try again shortly.',
          { target: 'tokenIssuer', retryAfterSeconds: error.retryAfterSeconds, cause: error },
        );
      }
      throw new UnauthorizedError(describeTokenError(error), error);
    }
    const claims = ClaimsSchema.safeParse(payload);
    if (!claims.success) throw new UnauthorizedError('The token lacks the tid or oid claim.');
    if (!usableTenantId(claims.data.tid)) {
      throw new UnauthorizedError("The token's tid claim cannot name a tenant.");
    }
    return {
      tenantId: claims.data.tid,
      userId: claims.data.oid,
      roles: claims.data.roles.filter((role): role is Role =>
        (roles as readonly string[]).includes(role),
      ),
    };
  };
}

function describeTokenError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return `The token's ${error.claim} claim is not accepted.`;
  }
  if (
    error instanceof joseErrors.JWSSignatureVerificationFailed ||
    error instanceof joseErrors.JWKSNoMatchingKey
  ) {
    return 'The token signature is not valid.';
  }
  if (error instanceof joseErrors.JOSEError) return 'The token is not valid.';
  return 'The token could not be verified.';
}

/** 403 unless the principal holds one of the roles. */
export function requireRole(principal: Principal, allowed: readonly Role[]): void {
  if (!principal.roles.some((role) => allowed.includes(role))) {
    throw new ForbiddenError(`This action requires one of the roles: ${allowed.join(', ')}.`);
  }
}
