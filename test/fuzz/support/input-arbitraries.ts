import fc from 'fast-check';
import type { z } from 'zod';

/**
 * Inputs a caller could send on purpose or by mistake: strings that have broken parsers, storage
 * keys, URLs, templates and logs elsewhere, next to arbitrary JSON and arbitrary Unicode (lone
 * surrogates included, which JSON carries as `\ud800` escapes).
 */
export const nastyStrings = [
  '',
  ' ',
  '\u0000',
  '\t\r\n',
  '\ud800',
  '\udfff\ud800',
  '\u202e\u200b\ufeff',
  '%2F..%2F',
  '../../segments',
  'a/b\\c#d?e',
  "' or PartitionKey ne ''",
  "x' or 1 eq 1 or 'a' eq 'a",
  '${process.exit(1)}',
  '{{constructor.constructor("return process")()}}',
  '__proto__',
  'constructor',
  '<script>alert(1)</script>',
  'http://127.0.0.1:9/steal',
  '//169.254.169.254/metadata',
  'file:///etc/passwd',
  '=HYPERLINK("http://127.0.0.1:9")',
  'Ω≈ç√∫˜µ≤≥÷ 🧪 مرحبا',
  'x'.repeat(10_000),
  '1e400',
  '-0',
  'NaN',
  'null',
  'true',
] as const;

export const nastyString = fc.constantFrom(...nastyStrings);

/** Short strings of the characters that break things, lone surrogate halves among them. */
const brokenString = fc.string({
  unit: fc.constantFrom(
    'a',
    'Z',
    '0',
    ' ',
    '/',
    '\\',
    "'",
    '"',
    '%',
    '.',
    '#',
    '?',
    '\u0000',
    '\n',
  ),
  maxLength: 12,
});
const surrogateString = fc
  .tuple(fc.string({ maxLength: 6 }), fc.constantFrom('\ud800', '\udfff', '\udc00\ud83e'))
  .map(([text, half]) => `${text}${half}${text}`);

/** Any string: nasty ones, arbitrary code points (lone surrogates included) and plain ASCII. */
export const anyString = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 2, arbitrary: brokenString },
  { weight: 2, arbitrary: surrogateString },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

/** Numbers JSON can carry, with the edges that break integer and range checks. */
const anyNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53, 0.5, 1001, 100, 101),
);

/** Any JSON value, shallow enough to stay cheap, with nasty strings and numbers in it. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: 'small' },
  anyString,
  anyNumber,
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(anyString, { maxLength: 5 }),
  fc.dictionary(anyString, anyString, { maxKeys: 4 }),
);

type Json = Record<string, unknown>;

/** Dotted paths of a valid body's fields, nested objects included ("consent.accepted"). */
function fieldPaths(body: Json, prefix = ''): string[] {
  return Object.entries(body).flatMap(([key, value]) => {
    const path = prefix + key;
    const nested =
      value && typeof value === 'object' && !Array.isArray(value)
        ? fieldPaths(value as Json, `${path}.`)
        : [];
    return [path, ...nested];
  });
}

function withField(body: Json, path: string, value: unknown, remove = false): Json {
  const copy = structuredClone(body);
  const keys = path.split('.');
  let target: Json = copy;
  for (const key of keys.slice(0, -1)) {
    const next = target[key];
    if (!next || typeof next !== 'object' || Array.isArray(next)) target[key] = {};
    target = target[key] as Json;
  }
  const last = keys[keys.length - 1] ?? '';
  if (remove) delete target[last];
  else target[last] = value;
  return copy;
}

function valueAt(body: Json, path: string): unknown {
  let value: unknown = body;
  for (const key of path.split('.')) {
    value = value && typeof value === 'object' ? (value as Json)[key] : undefined;
  }
  return value;
}

/** Mostly a value of the sample's own type (a string for a string), which gets past type checks. */
function valueLike(sample: unknown): fc.Arbitrary<unknown> {
  if (typeof sample === 'string') {
    return fc.oneof({ weight: 3, arbitrary: anyString }, { weight: 1, arbitrary: anyJson });
  }
  if (Array.isArray(sample)) {
    const items = fc.array(anyString, { minLength: 1, maxLength: 3 });
    return fc.oneof({ weight: 3, arbitrary: items }, { weight: 1, arbitrary: anyJson });
  }
  if (sample && typeof sample === 'object') {
    const entries = fc.dictionary(anyString, anyString, { minKeys: 1, maxKeys: 3 });
    return fc.oneof({ weight: 3, arbitrary: entries }, { weight: 1, arbitrary: anyJson });
  }
  return anyJson;
}

/** The field names a strict object schema knows, whether or not the valid sample sets them. */
export function schemaFields(schema: z.ZodType | undefined): string[] {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

/**
 * Bodies near a valid one: one to three of its fields (nested ones included, and fields the
 * schema knows but the sample leaves out) set to any value or removed, an unknown field added,
 * or the whole body replaced by any JSON. Near-valid bodies get past the first check and reach
 * the service, storage and Iterable, where a crash would hide.
 */
export function bodiesNear(valid: Json, knownFields: string[]): fc.Arbitrary<unknown> {
  const paths = [...new Set([...fieldPaths(valid), ...knownFields])];
  const field = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...paths) },
    { weight: 1, arbitrary: anyString.filter((name) => name !== '' && !name.includes('.')) },
  );
  const change = fc.oneof(
    field.chain((path) =>
      fc.record({
        path: fc.constant(path),
        value: valueLike(valueAt(valid, path)),
        remove: fc.constant(false),
      }),
    ),
    fc.record({
      path: fc.constantFrom(...paths),
      value: fc.constant(undefined),
      remove: fc.constant(true),
    }),
  );
  // Each string field alone set to any string: such a body is valid but for that one value,
  // so the value reaches the service and storage.
  const stringPaths = paths.filter((path) => typeof valueAt(valid, path) === 'string');
  const oneString = () =>
    fc
      .tuple(fc.constantFrom(...stringPaths), anyString)
      .map(([path, value]) => withField(valid, path, value));
  const someChanges = fc
    .array(change, { minLength: 1, maxLength: 3 })
    .map((changes) =>
      changes.reduce(
        (body, { path, value, remove }) => withField(body, path, value, remove),
        valid,
      ),
    );
  const options = [
    { weight: 3, arbitrary: someChanges },
    { weight: 1, arbitrary: anyJson },
  ];
  if (stringPaths.length > 0) options.push({ weight: 3, arbitrary: oneString() });
  return fc.oneof(...options);
}

/** Bytes that are not a JSON body: broken JSON text, invalid UTF-8, control bytes, nothing. */
export const rawBodies: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 256 }),
  fc
    .string({ unit: 'binary', maxLength: 120 })
    .map((text) => new TextEncoder().encode(`{"displayName":"${text}`)),
  fc
    .constantFrom(
      '',
      '{',
      '{"a":1,}',
      "{'displayName':'x'}",
      '[]',
      '"just a string"',
      '1',
      'null',
      '{"displayName":"a","displayName":"b"}',
      '{"__proto__":{"isAdmin":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
    )
    .map((text) => new TextEncoder().encode(text)),
  // Latin-1 é, a lone continuation byte and an overlong encoding of '/'.
  fc
    .constantFrom([0xe9], [0x80], [0xc0, 0xaf], [0xef, 0xbb, 0xbf, 0x7b, 0x7d])
    .map((bytes) => new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, ...bytes, 0x22, 0x7d])),
);

/** A path parameter as the bytes a client could put in the URL, percent-encoded one by one. */
export const anyPathParameter: fc.Arbitrary<string> = fc.oneof(
  anyString
    .filter((text) => text.length > 0 && text.length < 2000)
    .map((text) => percentEncode(Buffer.from(text, 'utf8'))),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => percentEncode(Buffer.from(bytes))),
  fc.uuid().map((id) => id.toUpperCase()),
  fc.constantFrom('%', '%E0%A4%A', '%ED%A0%80', '%2e%2e%2f', '...', '%00', '%2F', '%5C'),
);

function percentEncode(bytes: Buffer): string {
  return [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
}

/** Query strings: known names with any values, unknown names, repeated and malformed pairs. */
export const anyQuery: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(
      fc.tuple(
        fc.oneof(fc.constantFrom('top', '$skipToken', '$filter', 'api-version'), anyString),
        fc.oneof(
          anyString,
          fc.integer().map(String),
          fc.base64String({ maxLength: 200 }),
          fc.constantFrom('0', '101', '1.5', ' 7', '0x10', '1e2', '-1'),
        ),
      ),
      { maxLength: 4 },
    )
    .map((pairs) => {
      const query = new URLSearchParams();
      // URLSearchParams sends a lone surrogate as U+FFFD, as a browser would.
      for (const [name, value] of pairs) query.append(name, value);
      return query.toString();
    }),
  fc.constantFrom('top=%', 'top=%E0%A4%A', '%ZZ=1', '&&&', '=', '$skipToken=%00', 'top'),
);

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** What an HTTP header can carry at all: visible ASCII, spaces and tabs. */
const headerSafe = (text: string) => text.replace(/[^\t\x20-\x7e]/g, '');

/**
 * Authorization header values: arbitrary strings, and tokens shaped like a JWT whose header and
 * claims are arbitrary JSON, including header fields (`jku`, `x5u`, `jwk`) that point at a key
 * of the caller's choosing, and `alg: none`.
 */
export function anyAuthorization(trapUrl: string): fc.Arbitrary<string> {
  const header = fc.record(
    {
      alg: fc.oneof(fc.constantFrom('RS256', 'none', 'HS256', 'ES256', 'PS512'), anyJson),
      kid: anyJson,
      typ: anyJson,
      jku: fc.constant(`${trapUrl}/jwks.json`),
      x5u: fc.constant(`${trapUrl}/cert.pem`),
      jwk: fc.constant({ kty: 'oct', k: base64url('secret') }),
      crit: fc.array(anyString, { maxLength: 2 }),
      b64: fc.boolean(),
    },
    { requiredKeys: [] },
  );
  const claims = fc.record(
    {
      tid: anyJson,
      oid: anyJson,
      roles: fc.oneof(fc.constant(['Admin']), anyJson),
      exp: fc.oneof(fc.integer(), anyJson),
      iss: anyJson,
      aud: anyJson,
    },
    { requiredKeys: [] },
  );
  const jwtLike = fc
    .tuple(header, claims, fc.oneof(fc.constant(''), fc.base64String({ maxLength: 344 })))
    .map(
      ([head, body, signature]) =>
        `${base64url(JSON.stringify(head))}.${base64url(JSON.stringify(body))}.${signature}`,
    );
  return fc.oneof(
    jwtLike.map((token) => `Bearer ${token}`),
    anyString.map(headerSafe),
    anyString.map((text) => `Bearer ${headerSafe(text)}`),
    fc.constantFrom('Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'bearer a.b.c', 'Bearer a.b'),
  );
}
