import { randomBytes, randomUUID } from 'node:crypto';
import { startAppStack, type AppStack } from '../support/app-stack';

/**
 * What the API does with a request before any service sees it: the body must be declared JSON,
 * keys naming an object's prototype machinery are refused, and an error message repeats a
 * caller's id or name only once it is valid, cut short and escaped.
 */

const admin = { roles: ['Admin'] };
const key = randomBytes(16).toString('hex');

interface ErrorBody {
  error: { code: string; message: string; target?: string; details?: { target?: string }[] };
}

describe('request checks', () => {
  let stack: AppStack;

  const connectionBody = (displayName: string) =>
    JSON.stringify({ displayName, apiKey: key, consent: { accepted: true } });

  function errorOf(response: { json: () => Record<string, unknown> }): ErrorBody['error'] {
    return (response.json() as unknown as ErrorBody).error;
  }

  beforeAll(async () => {
    stack = await startAppStack({ apiKeys: [key] });
  });
  afterAll(() => stack?.stop());

  describe('Content-Type', () => {
    it.each([
      ['text/plain', '"text/plain"'],
      ['application/x-www-form-urlencoded', '"application/x-www-form-urlencoded"'],
      ['multipart/form-data; boundary=x', '"multipart/form-data; boundary=x"'],
      ['application/jsonp', '"application/jsonp"'],
      ['text/<b>"json"</b>', String.raw`"text/\u003cb\u003e\"json\"\u003c/b\u003e"`],
    ])('answers 415 for a JSON body sent as %s, naming the type escaped', async (type, quoted) => {
      const response = await stack.call('POST', 'connections', {
        as: admin,
        rawBody: connectionBody(`Typed ${randomUUID()}`),
        headers: { 'content-type': type },
      });
      expect(response.status).toBe(415);
      expect(response.headers.get('x-ms-error-code')).toBe('UnsupportedMediaType');
      const error = errorOf(response);
      expect(error).toMatchObject({ code: 'UnsupportedMediaType', target: 'Content-Type' });
      expect(error.message).toContain(`not ${quoted}.`);
      expect(error.message).toContain('application/json');
    });

    it('answers 415 for a body without a Content-Type, saying none was given', async () => {
      // fetch labels a string body text/plain; bytes go without a Content-Type.
      const response = await fetch(`${stack.url}/api/connections`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await stack.token(admin)}` },
        body: Buffer.from(connectionBody(`Untyped ${randomUUID()}`)),
      });
      expect(response.status).toBe(415);
      const { error } = (await response.json()) as ErrorBody;
      expect(error.message).toMatch(/no Content-Type was given/);
      const listed = await stack.call('GET', 'connections', { as: admin });
      expect(listed.text).not.toContain('Untyped');
    });

    it.each([
      'application/json',
      'application/json; charset=utf-8',
      'Application/JSON;charset=UTF-8',
      'application/merge-patch+json',
      'application/vnd.example+json; version=2',
    ])('takes a JSON body sent as %s', async (type) => {
      const response = await stack.call('POST', 'connections', {
        as: admin,
        rawBody: connectionBody(`Accepted ${randomUUID()}`),
        headers: { 'content-type': type },
      });
      expect(`${response.status} ${response.text}`).toMatch(/^201 /);
    });

    it('needs no Content-Type where no body is read', async () => {
      const missing = randomUUID();
      const deleted = await stack.call('DELETE', `connections/${missing}`, { as: admin });
      expect(deleted.status).toBe(404);
      const cancelled = await stack.call('POST', `exports/${missing}/runs/${randomUUID()}/cancel`, {
        as: admin,
      });
      expect(cancelled.status).toBe(404);
      expect((await stack.call('GET', 'connections', { as: admin })).status).toBe(200);
    });
  });

  describe('reserved keys', () => {
    const exportBody = (dataFields: string) =>
      `{"displayName":"Reserved","connectionId":"${randomUUID()}","segments":["VIP"],` +
      `"emailField":"email","dataFields":${dataFields}}`;

    it.each(['__proto__', 'constructor', 'prototype'])(
      'refuses %s as a data field with 400 naming it, on create and on update',
      async (reserved) => {
        const fields = `{"tier":"tier","${reserved}":"first_name"}`;
        const created = await stack.call('POST', 'exports', {
          as: admin,
          rawBody: exportBody(fields),
          headers: { 'content-type': 'application/json' },
        });
        const patched = await stack.call('PATCH', `exports/${randomUUID()}`, {
          as: admin,
          rawBody: `{"dataFields":${fields}}`,
          headers: { 'content-type': 'application/json' },
        });
        for (const response of [created, patched]) {
          expect(response.status).toBe(400);
          const error = errorOf(response);
          expect(error).toMatchObject({
            code: 'InvalidRequest',
            target: `dataFields.${reserved}`,
            details: [{ code: 'ReservedKey', target: `dataFields.${reserved}` }],
          });
          expect(error.message).toContain(`"dataFields.${reserved}" is not allowed`);
        }
      },
    );

    it('refuses a segment named like a reserved key', async () => {
      const response = await stack.call('POST', 'exports', {
        as: admin,
        body: {
          displayName: 'Reserved segment',
          connectionId: randomUUID(),
          segments: ['constructor'],
          emailField: 'email',
        },
      });
      expect(response.status).toBe(400);
      expect(errorOf(response)).toMatchObject({ target: 'segments.0' });
      const segment = await stack.call('GET', 'segments/prototype', { as: admin });
      expect(segment.status).toBe(400);
    });
  });

  describe('api-version', () => {
    it.each([
      ['GET', 'health'],
      ['GET', 'connections?top=1'],
      ['GET', 'exports'],
      ['GET', 'segments'],
      ['GET', 'audit'],
      ['GET', 'openapi.json'],
    ])('answers %s /api/%s with or without the current api-version', async (method, route) => {
      const joiner = route.includes('?') ? '&' : '?';
      const without = await stack.call(method, route, { as: admin });
      const current = await stack.call(method, `${route}${joiner}api-version=2026-12-01`, {
        as: admin,
      });
      // Health may answer 503 when a dependency is down; either way both answer alike.
      expect(current.status).toBe(without.status);
      expect(current.status).not.toBe(400);
    });

    it.each([
      ['GET', 'health?api-version=2025-01-01'],
      ['GET', 'exports?api-version=latest'],
      ['GET', 'connections?top=2&api-version='],
      ['POST', 'connections?api-version=2026-12-02'],
      ['DELETE', `connections/${randomUUID()}?force=true&api-version=1.0`],
    ])('answers %s /api/%s with 400 naming the supported versions', async (method, route) => {
      const response = await stack.call(method, route, {
        as: admin,
        ...(method === 'POST' ? { rawBody: connectionBody(`Versioned ${randomUUID()}`) } : {}),
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('x-ms-error-code')).toBe('InvalidRequest');
      const error = errorOf(response);
      expect(error).toMatchObject({
        code: 'InvalidRequest',
        target: 'api-version',
        details: [{ target: 'api-version' }],
      });
      expect(error.message).toContain('the supported versions are 2026-12-01');
    });

    it('keeps the api-version in nextLink', async () => {
      for (let index = 0; index < 2; index++) {
        const created = await stack.call('POST', 'connections', {
          as: admin,
          rawBody: connectionBody(`Paged ${randomUUID()}`),
          headers: { 'content-type': 'application/json' },
        });
        expect(created.status).toBe(201);
      }
      const page = await stack.call('GET', 'connections?top=1&api-version=2026-12-01', {
        as: admin,
      });
      const next = new URL(String(page.json().nextLink));
      expect(next.searchParams.get('api-version')).toBe('2026-12-01');
    });
  });

  describe('error messages', () => {
    const hostile = 'a"b\nc\u0000<script>alert(1)</script>';

    it('does not repeat an id that is not valid', async () => {
      for (const id of ['x'.repeat(2000), hostile]) {
        const response = await stack.call('GET', `connections/${encodeURIComponent(id)}`, {
          as: admin,
        });
        expect(response.status).toBe(404);
        expect(errorOf(response).message).toBe('Connection was not found.');
      }
    });

    it('quotes a valid id it could not find', async () => {
      const id = randomUUID();
      const response = await stack.call('GET', `exports/${id}`, { as: admin });
      expect(errorOf(response).message).toBe(`Export "${id}" was not found.`);
    });

    it('quotes a valid segment name cut to 64 characters and escaped', async () => {
      const name = `<b>"Long"<b> ${'n'.repeat(150)}`;
      const response = await stack.call('GET', `segments/${encodeURIComponent(name)}`, {
        as: admin,
      });
      expect(response.status).toBe(404);
      const message = errorOf(response).message;
      expect(message).toBe(
        `Segment "\\u003cb\\u003e\\"Long\\"\\u003cb\\u003e ${'n'.repeat(50)}…" was not found.`,
      );
    });

    it('quotes an unknown field name cut short and escaped, never verbatim', async () => {
      const field = `${hostile}${'z'.repeat(500)}`;
      const response = await stack.call('POST', 'connections', {
        as: admin,
        body: {
          displayName: 'Unknown field',
          apiKey: key,
          consent: { accepted: true },
          [field]: 1,
        },
      });
      expect(response.status).toBe(400);
      const error = errorOf(response);
      expect(error.message).toBe(
        `"a\\"b\\nc\\u0000\\u003cscript\\u003ealert(1)\\u003c/script\\u003e${'z'.repeat(32)}…" is not a known field.`,
      );
      expect(error.target?.length).toBeLessThanOrEqual(256);
    });

    it('quotes a display name that is taken, escaped', async () => {
      const displayName = `Taken <i>"${randomUUID()}"</i>\u202e`;
      const first = await stack.call('POST', 'connections', {
        as: admin,
        body: { displayName, apiKey: key, consent: { accepted: true } },
      });
      expect(first.status).toBe(201);
      const second = await stack.call('POST', 'connections', {
        as: admin,
        body: { displayName, apiKey: key, consent: { accepted: true } },
      });
      expect(second.status).toBe(409);
      const message = errorOf(second).message;
      expect(message).toMatch(/^A connection named "Taken \\u003ci\\u003e\\"/);
      expect(message).not.toMatch(/[<>\u202e]/);
    });
  });
});
