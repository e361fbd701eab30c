import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/**
 * The named schemas of the document (`components.schemas`): every zod schema with a `meta({ id })`
 * becomes one, referred to by `$ref` wherever it is used, as in a hand-written document.
 */
export class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = {};

  /**
   * JSON Schema 2020-12 (OpenAPI 3.1's dialect) for a zod schema, as the request reads it
   * (`input`) or the API answers it (`output`). A schema that is itself named is answered as a
   * `$ref` to its component, never stored as a reference to itself.
   */
  add(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const generated = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
    });
    const {
      $schema: _schema,
      $defs = {},
      ...rest
    } = JSON.parse(
      JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/'),
    ) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    for (const [id, definition] of Object.entries($defs)) {
      // What the API answers is the stricter form (no unknown fields): it wins a shared name, so
      // responses are validated against exactly what the code sends.
      if (io === 'output' || !(id in this.schemas)) this.schemas[id] = definition;
    }
    return rest;
  }

  /** Adds a schema under a name of our choosing and answers the `$ref` to it. */
  named(id: string, schema: JsonSchema): JsonSchema {
    this.schemas[id] = schema;
    return { $ref: `#/components/schemas/${id}` };
  }
}
