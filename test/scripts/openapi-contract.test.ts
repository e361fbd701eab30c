import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { allOperations } from '../../shared/app/api-operations';
import { bodyExamples } from '../../shared/openapi/body-examples';
import {
  contractDirectory,
  contractFiles,
  lintDocument,
  writeContract,
} from '../../scripts/openapi-contract';

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
  }, 60_000);

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
});
