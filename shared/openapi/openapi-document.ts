import { tenantHeader } from '../http/auth';
import { z } from 'zod';
import { ErrorResponseSchema } from '../http/collection';
import type { Operation } from '../http/operation';

const errorStatuses: Record<string, string> = {
  '400': 'The request is not valid; details name each field',
  '401': 'No valid bearer token',
  '403': 'The caller\u2019s role may not do this',
  '404': 'Not found (or not visible to the caller)',
  '409': 'Conflicts with the current state',
  '413': 'The body is larger than 1 MB',
  '500': 'Unexpected error; the message carries an error id',
  '502': 'A service the app depends on failed',
};

type JsonSchema = Record<string, unknown>;

/**
 * JSON Schema 2020-12 for a zod schema. Schemas with a `meta({ id })` become named components
 * (their `$defs` are hoisted), so the document reads like a hand-written one.
 */
function jsonSchema(
  schema: z.ZodType,
  io: 'input' | 'output',
  components: Record<string, JsonSchema>,
) {
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
  const {
    $schema: _schema,
    $defs,
    ...rest
  } = JSON.parse(
    JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/'),
  ) as JsonSchema & { $defs?: Record<string, JsonSchema> };
  Object.assign(components, $defs);
  return rest;
}

const retryAfterHeader = {
  description: 'Seconds to wait before trying again',
  schema: { type: 'integer' },
};

/** One query parameter per property of the operation's query schema. */
function queryParameters(query: z.ZodObject | undefined, components: Record<string, JsonSchema>) {
  if (!query) return [];
  const { properties = {}, required = [] } = jsonSchema(query, 'input', components) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    schema,
  }));
}

/** Read only for the platform's app-only token, which acts for the tenant it names. */
const tenantHeaderParameter = {
  name: tenantHeader,
  in: 'header',
  required: false,
  description:
    "The tenant a Platform app token acts for (required with such a token; ignored with a user's)",
  schema: { type: 'string', maxLength: 256 },
};

/**
 * The OpenAPI 3.1 document, generated from the same operations and zod schemas that serve the
 * requests, so it cannot drift from the code.
 */
export function buildOpenApiDocument(operations: readonly Operation<unknown>[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, JsonSchema> = {};
  for (const operation of operations) {
    const path = `/api/${operation.route}`;
    const parameters = [
      ...[...operation.route.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
        name,
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })),
      ...queryParameters(operation.query, schemas),
      ...(operation.roles.length ? [tenantHeaderParameter] : []),
    ];
    const responses: Record<string, unknown> = {
      [String(operation.successStatus)]: operation.response
        ? {
            description: 'Success',
            content: {
              'application/json': { schema: jsonSchema(operation.response, 'output', schemas) },
            },
          }
        : { description: 'Success' },
    };
    for (const [status, description] of Object.entries({
      ...errorStatuses,
      ...operation.otherErrors,
    })) {
      if (operation.roles.length === 0 && (status === '401' || status === '403')) continue;
      responses[status] = {
        description,
        ...(status === '429' ? { headers: { 'Retry-After': retryAfterHeader } } : {}),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
      };
    }
    paths[path] ??= {};
    paths[path][operation.method.toLowerCase()] = {
      operationId: operation.name,
      summary: operation.summary,
      ...(operation.roles.length
        ? { 'x-roles': operation.roles, security: [{ bearer: [] }] }
        : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(operation.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': { schema: jsonSchema(operation.body, 'input', schemas) },
              },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'iterable-segment-export',
      version,
      description: 'Exports customer-data-platform segments into Iterable lists.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "An Entra ID access token: a user's (roles Admin, Contributor, Viewer; acts for its tid) or the platform app's (app role Platform; acts for the tenant in x-tenant-id)",
        },
      },
      schemas: { ...schemas, ErrorResponse: jsonSchema(ErrorResponseSchema, 'output', schemas) },
    },
  };
}
