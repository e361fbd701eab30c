import { ErrorResponseSchema } from '../http/collection';
import type { JsonSchema, SchemaComponents } from './json-schemas';

/** What each error status means, and the `error.code`s (also sent as `x-ms-error-code`) it carries. */
export const errorStatuses: Record<string, { description: string; codes: string[] }> = {
  '400': {
    description: 'The request is not valid; details name each field',
    codes: ['InvalidRequest', 'TenantRequired', 'InvalidTenant'],
  },
  '401': { description: 'No valid bearer token', codes: ['Unauthorized'] },
  '403': { description: 'The caller\u2019s role (or app) may not do this', codes: ['Forbidden'] },
  '404': { description: 'Not found (or not visible to the caller)', codes: ['NotFound'] },
  '409': {
    description: 'Conflicts with the current state',
    codes: ['Conflict', 'ListTaken', 'RunActive'],
  },
  '413': { description: 'The body is larger than 1 MB', codes: ['PayloadTooLarge'] },
  '415': { description: 'The body is not declared JSON', codes: ['UnsupportedMediaType'] },
  '429': {
    description: 'A fair-use limit is reached',
    codes: ['TenantExportLimit', 'TenantActiveRunLimit', 'ConnectionActiveRunLimit'],
  },
  '500': {
    description: 'Unexpected error; the message carries an error id',
    codes: ['InternalError'],
  },
  '502': { description: 'A service the app depends on failed', codes: ['DependencyFailed'] },
  '503': {
    description:
      'Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed',
    codes: ['TokenIssuerUnavailable', 'NewerSchemaVersion'],
  },
};

const retryAfter = {
  description: 'Seconds to wait before sending the same request again',
  schema: { type: 'integer', minimum: 0 },
  example: 30,
};

/** The `x-ms-error-code` header: the same code as the body's `error.code`. */
export function errorCodeHeader(codes: readonly string[]): JsonSchema {
  return {
    description: 'The same code as error.code',
    required: true,
    schema: { type: 'string', ...(codes.length ? { examples: codes } : {}) },
    example: codes[0] ?? 'Error',
  };
}

/** The error response of one status: the ErrorResponse body, its code in a header too. */
export function errorResponse(
  status: string,
  description: string,
  codes: readonly string[],
  components: SchemaComponents,
): JsonSchema {
  const code = codes[0] ?? 'Error';
  const headers: Record<string, unknown> = { 'x-ms-error-code': errorCodeHeader(codes) };
  if (status === '401') {
    headers['WWW-Authenticate'] = {
      description: 'The scheme to authenticate with',
      required: true,
      schema: { type: 'string', const: 'Bearer' },
    };
  }
  if (status === '429' || status === '503') headers['Retry-After'] = retryAfter;
  return {
    description: codes.length ? `${description} (${codes.join(', ')})` : description,
    headers,
    content: {
      'application/json': {
        schema: errorResponseRef(components),
        example: { error: { code, message: `${description}.` } },
      },
    },
  };
}

function errorResponseRef(components: SchemaComponents): JsonSchema {
  const schema = components.add(ErrorResponseSchema, 'output');
  components.schemas.ErrorResponse = {
    ...components.schemas.ErrorResponse,
    examples: [
      {
        error: {
          code: 'InvalidRequest',
          message: 'The request body is not valid.',
          target: 'displayName',
          details: [
            { code: 'MissingField', message: "'displayName' is required.", target: 'displayName' },
          ],
        },
      },
    ],
  };
  return schema;
}
