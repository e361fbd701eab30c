import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

interface HeaderObject {
  required?: boolean;
  schema?: Record<string, unknown>;
}
interface ResponseObject {
  headers?: Record<string, HeaderObject>;
  content?: Record<string, { schema: Record<string, unknown> }>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;
  components: { schemas: Record<string, unknown> };
}

/** Headers the API sends with a meaning a client relies on: each must be declared where sent. */
const meaningfulHeaders = ['location', 'operation-location', 'retry-after', 'x-ms-error-code'];

/**
 * Checks answers against an OpenAPI 3.1 document: the status is one the operation declares, every
 * required header is there and fits its schema, no meaningful header is sent undeclared, and the
 * body fits the declared schema (JSON Schema 2020-12, formats checked). Answers the problems.
 */
export function openApiResponseChecker(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // The components under an id of their own, so each schema's `#/components/...` resolves.
  ajv.addSchema({ $id: 'openapi.json', components: document.components });
  const compiled = new Map<string, ValidateFunction>();
  const validator = (key: string, schema: Record<string, unknown>) => {
    let validate = compiled.get(key);
    if (!validate) {
      const rebased = JSON.parse(
        JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/'),
      ) as Record<string, unknown>;
      validate = ajv.compile(rebased);
      compiled.set(key, validate);
    }
    return validate;
  };
  return (
    method: string,
    schemaPath: string,
    answer: { status: number; headers: Headers; text: string },
  ): string[] => {
    const where = `${method.toUpperCase()} ${schemaPath} ${answer.status}`;
    const operation = document.paths[schemaPath]?.[method.toLowerCase()];
    if (!operation) return [`${where}: no such operation in the document`];
    const response = operation.responses[String(answer.status)];
    if (!response) return [`${where}: status not declared`];
    const problems: string[] = [];
    const declared = Object.entries(response.headers ?? {});
    for (const [name, header] of declared) {
      const value = answer.headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`${where}: header ${name} missing`);
        continue;
      }
      if (!header.schema) continue;
      const typed = header.schema.type === 'integer' ? Number(value) : value;
      const validate = validator(`${where} ${name}`, header.schema);
      if (!validate(typed))
        problems.push(`${where}: header ${name}: ${ajv.errorsText(validate.errors)}`);
    }
    const names = declared.map(([name]) => name.toLowerCase());
    for (const name of meaningfulHeaders) {
      if (answer.headers.has(name) && !names.includes(name)) {
        problems.push(`${where}: header ${name} sent but not declared`);
      }
    }
    const content = response.content?.['application/json'];
    if (!content) {
      if (answer.text !== '') problems.push(`${where}: a body was sent where none is declared`);
      return problems;
    }
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      return [...problems, `${where}: the body is not JSON`];
    }
    const validate = validator(where, content.schema);
    if (!validate(body)) problems.push(`${where}: body: ${ajv.errorsText(validate.errors)}`);
    return problems;
  };
}
