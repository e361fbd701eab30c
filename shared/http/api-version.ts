import type { HttpRequest } from '@azure/functions';
import { ValidationError } from '../errors';

/** The query parameter a caller names the API version with (Azure REST API guidelines). */
export const apiVersionParameter = 'api-version';

/**
 * The versions this API answers, newest first. A version is the date its contract was fixed:
 * routes, fields and meanings. The first one is the current version, which a request without
 * `api-version` gets.
 */
export const supportedApiVersions = ['2026-12-01'] as const;
export type ApiVersion = (typeof supportedApiVersions)[number];
export const currentApiVersion: ApiVersion = supportedApiVersions[0];

function isSupported(value: string): value is ApiVersion {
  return (supportedApiVersions as readonly string[]).includes(value);
}

/**
 * The version a request asks for: the current one when it names none, else exactly one of the
 * supported versions. Anything else is 400 naming the supported ones, so a caller built against a
 * version this deployment does not know learns it at once, not from a field it misreads.
 */
export function requestedApiVersion(request: Pick<HttpRequest, 'query'>): ApiVersion {
  const given = request.query.getAll(apiVersionParameter);
  if (given.length === 0) return currentApiVersion;
  const [value] = given;
  if (given.length === 1 && value !== undefined && isSupported(value)) return value;
  const supported = supportedApiVersions.join(', ');
  const message =
    given.length > 1
      ? `Give ${apiVersionParameter} once; the supported versions are ${supported}.`
      : // A value the API does not know is described, never repeated (quote-for-message.ts).
        `The ${apiVersionParameter} given is not supported; the supported versions are ${supported}.`;
  throw new ValidationError(message, {
    target: apiVersionParameter,
    details: [{ code: 'UnsupportedApiVersion', target: apiVersionParameter, message }],
  });
}
