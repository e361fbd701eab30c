import { tenantHeader } from '../http/auth';
import type { z } from 'zod';
import type { Operation } from '../http/operation';
import { SchemaComponents, type JsonSchema } from './json-schemas';
import { bodyExamples } from './body-examples';
import { responsesOf } from './operation-responses';

/** One query parameter per property of the operation's query schema, as the handler reads it. */
function queryParameters(query: z.ZodObject | undefined, components: SchemaComponents) {
  if (!query) return [];
  const { properties = {}, required = [] } = components.add(query, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    schema,
  }));
}

function pathParameters(route: string) {
  return [...route.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
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
 * The groups of the reference page, in its order; an operation's group is its name's first word
 * (the contract test checks every operation of the app falls in one of these).
 */
export const operationTags = [
  {
    name: 'connections',
    description: 'Iterable projects: their API key, consent and who may use them',
  },
  { name: 'segments', description: 'The segment snapshots the platform has written' },
  { name: 'exports', description: 'Segments exported into Iterable lists through a connection' },
  { name: 'runs', description: "An export's runs: start, follow, confirm, cancel, rejections" },
  { name: 'schedule', description: "The tenant's scheduled refresh" },
  { name: 'refreshes', description: 'The platform reports a finished refresh' },
  { name: 'webhooks', description: 'Run events delivered to a URL of the tenant' },
  { name: 'audit', description: 'Who changed what' },
  { name: 'health', description: "The app's own health" },
  { name: 'openapi', description: 'This document' },
];

function tagOf(operation: Operation<unknown>): string {
  return operation.name.split('-')[0] ?? operation.name;
}

/** The tags the operations use, described ones first in their order; every used tag is declared. */
function usedTags(operations: readonly Operation<unknown>[]) {
  const used = new Set(operations.map(tagOf));
  return [
    ...operationTags.filter(({ name }) => used.has(name)),
    ...[...used]
      .filter((name) => !operationTags.some((tag) => tag.name === name))
      .map((name) => ({ name })),
  ];
}

function operationObject(operation: Operation<unknown>, components: SchemaComponents) {
  const guarded = operation.roles.length > 0;
  const parameters = [
    ...pathParameters(operation.route),
    ...queryParameters(operation.query, components),
    ...(guarded ? [tenantHeaderParameter] : []),
  ];
  // Answers first: what the API sends is the stricter form of a schema both read and sent.
  const responses = responsesOf(operation, components);
  return {
    operationId: operation.name,
    summary: operation.summary,
    tags: [tagOf(operation)],
    ...(guarded ? { 'x-roles': operation.roles, security: [{ bearer: [] }] } : { security: [] }),
    ...(parameters.length ? { parameters } : {}),
    ...(operation.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: components.add(operation.body, 'input'),
                ...(operation.name in bodyExamples
                  ? { example: bodyExamples[operation.name] }
                  : {}),
              },
            },
          },
        }
      : {}),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document, generated from the same operations and zod schemas that serve the
 * requests, so it cannot drift from the code.
 */
export function buildOpenApiDocument(operations: readonly Operation<unknown>[], version: string) {
  const components = new SchemaComponents();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    const path = `/api/${operation.route}`;
    paths[path] ??= {};
    paths[path][operation.method.toLowerCase()] = operationObject(operation, components);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'iterable-segment-export',
      version,
      description: 'Exports customer-data-platform segments into Iterable lists.',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/' }],
    tags: usedTags(operations),
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
      schemas: components.schemas,
    },
  };
}
