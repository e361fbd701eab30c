import type { Operation, ResponseHeader } from '../http/operation';
import { errorCodeHeader, errorResponse, errorStatuses } from './error-responses';
import type { JsonSchema, SchemaComponents } from './json-schemas';
import { otherResponseExamples, responseExamples } from './response-examples';

/**
 * The error statuses an operation can answer, from what its definition says it does: only these
 * are documented, so a client never handles a status the API cannot send.
 */
export function errorStatusesOf(operation: Operation<unknown>): Record<string, string> {
  const statuses: Record<string, string> = {};
  const common = (status: string) => {
    statuses[status] = errorStatuses[status]?.description ?? status;
  };
  const pathParameters = /\{\w+\}/.test(operation.route);
  const guarded = operation.roles.length > 0;
  // A token names its tenant (400 for a platform token without x-tenant-id), input is parsed.
  if (guarded || operation.body || operation.query || pathParameters) common('400');
  if (guarded) {
    common('401');
    common('403');
  }
  if (pathParameters) common('404');
  if (operation.body) {
    common('413');
    common('415');
  }
  common('500');
  // A token cannot be checked while its issuer is unreachable; a record of a newer release is
  // read only by an operation that reads records, which every guarded one does.
  if (guarded) common('503');
  Object.assign(statuses, operation.otherErrors);
  return statuses;
}

const headerSchemas = {
  url: { type: 'string', format: 'uri' },
  seconds: { type: 'integer', minimum: 0 },
  text: { type: 'string' },
};

function successHeaders(operation: Operation<unknown>): Record<string, JsonSchema> {
  const declared: Record<string, ResponseHeader> = {
    ...(operation.successStatus === 201
      ? { Location: { description: 'The URL of the created item' } }
      : {}),
    ...operation.successHeaders,
  };
  return Object.fromEntries(
    Object.entries(declared).map(([name, { description, value = 'url', optional }]) => [
      name,
      { description, required: !optional, schema: headerSchemas[value] },
    ]),
  );
}

/** A JSON body's media type: its schema, and its example when there is one. */
function jsonContent(schema: JsonSchema, example: unknown): JsonSchema {
  return { 'application/json': { schema, ...(example === undefined ? {} : { example }) } };
}

/** The `responses` of an operation: its success, its other answers and its errors, by status. */
export function responsesOf(
  operation: Operation<unknown>,
  components: SchemaComponents,
): Record<string, JsonSchema> {
  const headers = successHeaders(operation);
  const responses: Record<string, JsonSchema> = {
    [String(operation.successStatus)]: {
      description: 'Success',
      ...(Object.keys(headers).length ? { headers } : {}),
      ...(operation.response
        ? {
            content: jsonContent(
              components.add(operation.response, 'output'),
              responseExamples[operation.name],
            ),
          }
        : {}),
    },
  };
  const others = Object.entries(operation.otherResponses ?? {});
  for (const [status, { description, schema, errorCode }] of others) {
    responses[status] = {
      description,
      ...(errorCode ? { headers: { 'x-ms-error-code': errorCodeHeader([errorCode]) } } : {}),
      content: jsonContent(
        components.add(schema, 'output'),
        otherResponseExamples[operation.name]?.[status],
      ),
    };
  }
  for (const [status, description] of Object.entries(errorStatusesOf(operation))) {
    responses[status] ??= errorResponse(
      status,
      description,
      errorStatuses[status]?.codes ?? [],
      components,
    );
  }
  return responses;
}
