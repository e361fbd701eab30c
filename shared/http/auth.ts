import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { issuerTenantPlaceholder, type AuthSettings } from '../settings';
import { ServiceUnavailableError, UnauthorizedError } from '../errors';
import {
  createIssuerKeys,
  defaultIssuerKeyTiming,
  IssuerUnreachableError,
  type IssuerKeyTiming,
} from './issuer-keys';
import { principalFromClaims, type Principal } from './token-principal';

export { requireRole, roles, tenantHeader, type Principal, type Role } from './token-principal';

/** Tokens minted a little in the future, or expiring just now, are still accepted. */
const clockToleranceSeconds = 60;

/**
 * Checks the request's bearer token; `actingTenant` is the `x-tenant-id` header, read only for an
 * app-only `Platform` token.
 */
export type TokenVerifier = (
  authorization: string | null,
  actingTenant?: string | null,
) => Promise<Principal>;

/**
 * Verifies `Authorization: Bearer <JWT>` against the issuer's JWKS (signature, expiry with small
 * clock skew, audience, issuer) and returns the principal. With a single issuer, `iss` must equal
 * it; with Entra's multi-tenant form (`{tenantid}` in AUTH_ISSUER) `iss` must equal it with the
 * token's own `tid` put in, and the tenant must be allowed. A bad token is a 401 whose message says
 * what was wrong with it, never what it holds; a token that cannot be checked because the issuer's
 * keys cannot be had is a 503 with Retry-After, so the caller keeps its token and tries again.
 */
export function createTokenVerifier(
  auth: AuthSettings,
  keyTiming: IssuerKeyTiming = defaultIssuerKeyTiming,
): TokenVerifier {
  const keys = createIssuerKeys(auth.jwksUrl, keyTiming);
  const multiTenant = auth.issuer.toLowerCase().includes(issuerTenantPlaceholder);
  return async (authorization, actingTenant) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
    if (!match?.[1])
      throw new UnauthorizedError('A bearer token is required (Authorization: Bearer <token>).');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1], keys, {
        ...(multiTenant ? {} : { issuer: auth.issuer }),
        audience: auth.audience,
        clockTolerance: clockToleranceSeconds,
        requiredClaims: multiTenant ? ['exp', 'iss', 'tid'] : ['exp'],
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
    if (multiTenant) checkTenantIssuer(auth, payload);
    return principalFromClaims(payload, auth, actingTenant);
  };
}

/**
 * Entra's multi-tenant check: the common key set signs every tenant's tokens, so only `iss`
 * naming the token's own `tid` proves which tenant issued it.
 */
function checkTenantIssuer(auth: AuthSettings, payload: JWTPayload): void {
  const tid = String(payload.tid);
  const expected = auth.issuer.replace(new RegExp(issuerTenantPlaceholder, 'i'), tid);
  if (payload.iss !== expected)
    throw new UnauthorizedError("The token's iss claim is not accepted.");
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
