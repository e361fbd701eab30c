import { z } from 'zod';
import { defineOperation } from '../../../shared/http/operation';
import { buildOpenApiDocument } from '../../../shared/openapi/openapi-document';

interface Document {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string; required: boolean }[];
        responses: Record<string, { headers?: Record<string, { required: boolean }> }>;
      }
    >
  >;
  components: { schemas: Record<string, { $ref?: string; type?: string }> };
}

const Thing = z.object({ id: z.string() }).meta({ id: 'Thing' });

/** What an operation declares reaches the document with no other change. */
describe('buildOpenApiDocument', () => {
  const document = buildOpenApiDocument(
    [
      defineOperation({
        name: 'things-get',
        method: 'GET',
        route: 'things/{id}',
        summary: 'One thing',
        roles: ['Viewer'],
        query: z.strictObject({ 'api-version': z.string(), top: z.coerce.number().optional() }),
        response: Thing,
        successStatus: 200,
        successHeaders: {
          'Retry-After': { description: 'While it changes', value: 'seconds', optional: true },
        },
        otherErrors: { '409': 'Busy' },
        handle: () => Promise.resolve({}),
      }),
      defineOperation({
        name: 'status',
        method: 'GET',
        route: 'status',
        summary: 'Public',
        roles: [],
        successStatus: 204,
        handle: () => Promise.resolve({}),
      }),
    ],
    'test',
  ) as unknown as Document;
  const thing = document.paths['/api/things/{id}']?.get;

  it('lists path, query and tenant header parameters as the operation reads them', () => {
    expect(
      thing?.parameters?.map(({ name, in: where, required }) => [name, where, required]),
    ).toEqual([
      ['id', 'path', true],
      ['api-version', 'query', true],
      ['top', 'query', false],
      ['x-tenant-id', 'header', false],
    ]);
  });

  it('derives the statuses from the definition, with the declared ones and headers', () => {
    expect(Object.keys(thing?.responses ?? {})).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
      '500',
      '503',
    ]);
    expect(thing?.responses['200']?.headers?.['Retry-After']?.required).toBe(false);
    expect(Object.keys(document.paths['/api/status']?.get?.responses ?? {})).toEqual([
      '204',
      '500',
    ]);
  });

  it('keeps named schemas and the error body as real components', () => {
    expect(document.components.schemas.Thing).toMatchObject({ type: 'object' });
    expect(document.components.schemas.ErrorResponse).toMatchObject({ type: 'object' });
    expect(document.components.schemas.ErrorResponse?.$ref).toBeUndefined();
  });
});
