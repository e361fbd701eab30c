import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors as joseErrors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import { processLog } from '../process-log';

export interface IssuerKeyTiming {
  /** How long a fetched key set is used before it is fetched again (jose's cacheMaxAge). */
  refreshMs: number;
  /** How long the last key set fetched still verifies tokens while the issuer cannot be reached. */
  staleForMs: number;
  /** After a failed fetch, how long requests use what is known without asking the issuer again. */
  retryAfterMs: number;
  /** How long one fetch of the key set may take. */
  timeoutMs: number;
}

/**
 * Entra ID publishes new signing keys weeks before it signs with them, so an hour-old key set
 * still verifies almost every token; an hour is also how long Microsoft's own token libraries
 * keep their last known good configuration.
 */
export const defaultIssuerKeyTiming: IssuerKeyTiming = {
  refreshMs: 10 * 60_000,
  staleForMs: 60 * 60_000,
  retryAfterMs: 5_000,
  timeoutMs: 5_000,
};

/** The issuer's key set could not be had: it is unreachable, failing or answered nonsense. */
export class IssuerUnreachableError extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    cause: unknown,
  ) {
    super('The token issuer could not be reached to fetch its signing keys', { cause });
    this.name = 'IssuerUnreachableError';
  }
}

/**
 * What a key set fetch throws when the issuer, not the token, is at fault: no answer in time, a
 * status other than 200 or a body that is not JSON (jose's plain JOSEError), JSON that is not a
 * key set, and every network error (refused, reset, DNS), which jose passes on as it is.
 */
function issuerAtFault(error: unknown): boolean {
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid) {
    return true;
  }
  if (error instanceof joseErrors.JOSEError) return error.code === joseErrors.JOSEError.code;
  return true;
}

/**
 * The signing keys of AUTH_JWKS_URL for jwtVerify. jose fetches and caches them; when a fetch
 * fails, the last key set fetched keeps verifying tokens for `staleForMs`, so an issuer outage
 * does not turn good tokens away. Without one, or for a key it does not hold (the issuer may have
 * rotated), the resolver throws IssuerUnreachableError: the token may be fine, so not a 401.
 */
export function createIssuerKeys(
  jwksUrl: string,
  timing: IssuerKeyTiming = defaultIssuerKeyTiming,
): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(new URL(jwksUrl), {
    cacheMaxAge: timing.refreshMs,
    cooldownDuration: 30_000,
    timeoutDuration: timing.timeoutMs,
  });
  let lastGood: { jwks: JSONWebKeySet; keys: JWTVerifyGetKey; fetchedAt: number } | undefined;
  let skipIssuerUntil = 0;
  const retryAfterSeconds = Math.ceil(timing.retryAfterMs / 1000);

  return async (header, token) => {
    let failure: unknown;
    if (Date.now() >= skipIssuerUntil) {
      try {
        const key = await remote(header, token);
        const jwks = remote.jwks();
        if (jwks && jwks !== lastGood?.jwks) {
          lastGood = { jwks, keys: createLocalJWKSet(jwks), fetchedAt: Date.now() };
        }
        return key;
      } catch (error) {
        if (!issuerAtFault(error)) throw error;
        failure = error;
        skipIssuerUntil = Date.now() + timing.retryAfterMs;
        processLog.warn('The token issuer could not be reached', {
          errorName: (error as { name?: unknown } | undefined)?.name,
          errorMessage: String(error),
          hasLastKnownKeys: lastGood !== undefined,
        });
      }
    }
    const known =
      lastGood && Date.now() - lastGood.fetchedAt <= timing.staleForMs ? lastGood : undefined;
    if (known) {
      try {
        return await known.keys(header, token);
      } catch (error) {
        // A key the last set lacks may be one the issuer has just rotated in: only it can say.
        if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
      }
    }
    throw new IssuerUnreachableError(retryAfterSeconds, failure);
  };
}
