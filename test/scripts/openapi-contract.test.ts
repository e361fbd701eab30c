import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { allOperations } from '../../shared/app/api-operations';
import { bodyExamples } from '../../shared/openapi/body-examples';
import { operationTags } from '../../shared/openapi/openapi-document';
import { otherResponseExamples, responseExamples } from '../../shared/openapi/response-examples';
import {
  contractDirectory,
  contractFiles,
  lintDocument,
  writeContract,
} from '../../scripts/openapi-contract';

interface MediaType {
  schema: Record<string, unknown>;
  example?: unknown;
}
interface Document {
  components: { schemas: Record<string, unknown> };
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: { content: Record<string, MediaType> };
        responses: Record<string, { content?: Record<string, MediaType> }>;
      }
    >
  >;
}

/** Every media type of the document, named by where it is: `POST /api/x 202 application/json`. */
function mediaTypesOf(document: Document): [string, MediaType][] {
  const found: [string, MediaType][] = [];
  for (const [route, methods] of Object.entries(document.paths)) {
    for (const [method, { requestBody, responses }] of Object.entries(methods)) {
      const add = (what: string, content: Record<string, MediaType> = {}) => {
        for (const [type, media] of Object.entries(content)) {
          found.push([`${method.toUpperCase()} ${route} ${what} ${type}`, media]);
        }
      };
      add('body', requestBody?.content);
      for (const [status, { content }] of Object.entries(responses)) add(status, content);
    }
  }
  return found;
}

/**
 * Names that would hold a credential, and text shaped like one: an Iterable key (32 hex
 * characters), a JWT, a bearer token, a storage key or SAS signature, a PEM key.
 */
const secretName = /api[-_]?key|secret|password|token|credential/i;
const secretTexts = [
  /[0-9a-f]{32}/i,
  /eyJ[\w-]+\.[\w-]+\./,
  /\bBearer\s+[\w.~+/-]{16,}/i,
  /AccountKey=|SharedAccessSignature|[?&]sig=/i,
  /-----BEGIN/,
];

/** Where an example shows a key or a secret; a hint (`…` and the last four characters) is fine. */
function secretsIn(value: unknown, where: string): string[] {
  if (typeof value === 'string') {
    return secretTexts.some((text) => text.test(value)) ? [`${where}: looks like a secret`] : [];
  }
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, field]) => {
    const at = `${where}.${key}`;
    if (key.endsWith('Hint')) {
      return typeof field === 'string' && /^…\S{4}$/u.test(field) ? [] : [`${at}: not a hint`];
    }
    if (secretName.test(key) && field !== undefined) return [`${at}: names a secret`];
    return secretsIn(field, at);
  });
}

describe('the OpenAPI contract in client/generated', () => {
  let directory: string;
  let texts: Record<string, string>;
  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'openapi-contract-'));
    texts = writeContract(directory);
  }, 60_000);
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it.each(contractFiles)('%s is what npm run openapi writes from the code now', (name) => {
    // Stale when an operation or schema changed without `npm run openapi`.
    expect(readFileSync(path.join(contractDirectory, name), 'utf8')).toBe(texts[name]);
  });

  it('passes Redocly lint without an error', () => {
    const lint = lintDocument(path.join(directory, 'openapi.json'));
    expect(lint.output).toContain('Your API description is valid');
    expect(lint.ok).toBe(true);
    // Redocly checks every example against its schema too.
    expect(lint.output).not.toContain('no-invalid-media-type-examples');
  }, 60_000);

  it('groups every operation under a described tag, in the order the reference page shows', () => {
    const document = JSON.parse(texts['openapi.json'] ?? '{}') as {
      tags: { name: string; description?: string }[];
      paths: Record<string, Record<string, { tags: string[] }>>;
    };
    expect(document.tags).toEqual(operationTags);
    const used = Object.values(document.paths).flatMap((methods) =>
      Object.values(methods).flatMap((operation) => operation.tags),
    );
    expect([...new Set(used)].sort()).toEqual(operationTags.map(({ name }) => name).sort());
  });

  it('fails Redocly lint on a document whose ErrorResponse refers to itself', () => {
    const broken = JSON.parse(texts['openapi.json'] ?? '{}') as {
      components: { schemas: Record<string, unknown> };
    };
    broken.components.schemas.ErrorResponse = { $ref: '#/components/schemas/ErrorResponse' };
    const file = path.join(directory, 'broken.json');
    writeFileSync(file, JSON.stringify(broken));
    expect(lintDocument(file).ok).toBe(false);
  }, 60_000);

  it('declares the error body, its code header and only the statuses an operation answers', () => {
    const document = JSON.parse(texts['openapi.json'] ?? '{}') as {
      components: { schemas: Record<string, { type?: string; examples?: unknown[] }> };
      paths: Record<string, Record<string, { responses: Record<string, Record<string, unknown>> }>>;
    };
    expect(document.components.schemas.ErrorResponse).toMatchObject({ type: 'object' });
    expect(document.components.schemas.ErrorResponse?.examples).toHaveLength(1);
    // Health reads no input and takes no token: no 4XX; its 503 is the report of what failed.
    expect(Object.keys(document.paths['/api/health']?.get?.responses ?? {})).toEqual([
      '200',
      '500',
      '503',
    ]);
    const runsCreate = document.paths['/api/exports/{id}/runs']?.post?.responses ?? {};
    expect(Object.keys(runsCreate['202']?.headers ?? {})).toEqual([
      'Operation-Location',
      'Location',
      'Retry-After',
    ]);
    expect(runsCreate['404']?.headers).toHaveProperty('x-ms-error-code');
    expect(runsCreate['429']?.headers).toHaveProperty('Retry-After');
  });

  it.each(allOperations().filter((operation) => operation.body))(
    'shows a body example of $name that its body schema accepts',
    (operation) => {
      expect(operation.body?.safeParse(bodyExamples[operation.name]).error).toBeUndefined();
    },
  );

  const answering = allOperations().filter((operation) => operation.response);
  const otherAnswers = allOperations().flatMap((operation) =>
    Object.entries(operation.otherResponses ?? {}).map(([status, { schema }]) => ({
      name: `${operation.name} ${status}`,
      schema,
      example: otherResponseExamples[operation.name]?.[status],
    })),
  );

  it('has an answer example for each operation that answers a body, and for no other', () => {
    expect(Object.keys(responseExamples).sort()).toEqual(answering.map(({ name }) => name).sort());
    const others = Object.entries(otherResponseExamples).flatMap(([name, byStatus]) =>
      Object.keys(byStatus).map((status) => `${name} ${status}`),
    );
    expect(others.sort()).toEqual(otherAnswers.map(({ name }) => name).sort());
  });

  // What the API sends: nothing left for a default to fill in, no field the schema would drop.
  it.each([
    ...answering.map(({ name, response }) => ({
      name,
      schema: response,
      example: responseExamples[name],
    })),
    ...otherAnswers,
  ])(
    'shows an answer example of $name that its response schema reads as sent',
    ({ schema, example }) => {
      const parsed = schema?.safeParse(example);
      expect(parsed?.error).toBeUndefined();
      expect(parsed?.data).toEqual(example);
    },
  );

  it('shows each answer example on its operation in the document', () => {
    const document = JSON.parse(texts['openapi.json'] ?? '{}') as Document;
    for (const { name, route, method, successStatus } of answering) {
      const answer = document.paths[`/api/${route}`]?.[method.toLowerCase()]?.responses;
      const media = answer?.[String(successStatus)]?.content?.['application/json'];
      expect([name, media?.example]).toEqual([name, responseExamples[name]]);
    }
    const health = document.paths['/api/health']?.get?.responses['503']?.content;
    expect(health?.['application/json']?.example).toEqual(otherResponseExamples.health?.['503']);
  });

  it('has examples that fit their schemas (JSON Schema 2020-12, formats checked)', () => {
    const document = JSON.parse(texts['openapi.json'] ?? '{}') as Document;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'openapi.json', components: document.components });
    const problems = mediaTypesOf(document).flatMap(([where, { schema, example }]) => {
      if (example === undefined) return [];
      const rebased = JSON.parse(
        JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/'),
      ) as Record<string, unknown>;
      const validate = ajv.compile(rebased);
      return validate(example) ? [] : [`${where}: ${ajv.errorsText(validate.errors)}`];
    });
    expect(problems).toEqual([]);
  });

  it('shows no key or secret in any answer example', () => {
    const document = JSON.parse(texts['openapi.json'] ?? '{}') as Document;
    const answers = mediaTypesOf(document).filter(([where]) => !where.includes(' body '));
    expect(answers.length).toBeGreaterThan(answering.length);
    expect(answers.flatMap(([where, { example }]) => secretsIn(example, where))).toEqual([]);
  });

  it('finds a key, a secret or a full key in a hint where one would show', () => {
    expect(secretsIn({ connection: { apiKey: 'x' } }, 'example')).toEqual([
      'example.connection.apiKey: names a secret',
    ]);
    expect(secretsIn(['0123456789abcdef0123456789abcdef'], 'example')).toHaveLength(1);
    expect(secretsIn({ keyHint: '0123456789abcdef' }, 'example')).toHaveLength(1);
    expect(secretsIn({ error: { message: 'Bearer eyJhbGciOiJSUzI1NiJ9' } }, 'x')).toHaveLength(1);
    expect(
      secretsIn({ keyHint: '…cdef', id: '3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c' }, 'x'),
    ).toEqual([]);
  });
});
