import { refuseUnsafeKeysAndText } from '../../../shared/http/body-text';
import { ValidationError } from '../../../shared/errors';

function refusal(body: unknown): ValidationError {
  try {
    refuseUnsafeKeysAndText(body);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('The body was accepted');
}

describe('refuseUnsafeKeysAndText', () => {
  it('accepts ordinary keys and text', () => {
    expect(() =>
      refuseUnsafeKeysAndText({ dataFields: { constructorName: 'a', proto: 'b' }, list: ['x'] }),
    ).not.toThrow();
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses %s as a key, naming where it is',
    (key) => {
      // JSON.parse, unlike an object literal, keeps __proto__ as an own key.
      const error = refusal(JSON.parse(`{"dataFields":{"tier":"a","${key}":"b"}}`));
      expect(error.status).toBe(400);
      expect(error.options.target).toBe(`dataFields.${key}`);
      expect(error.options.details).toEqual([
        expect.objectContaining({ code: 'ReservedKey', target: `dataFields.${key}` }),
      ]);
      expect(error.message).toContain(`"dataFields.${key}" is not allowed`);
    },
  );

  it('refuses a reserved key deep inside the body or at its top', () => {
    expect(refusal(JSON.parse('{"a":[{"b":{"prototype":1}}]}')).options.target).toBe(
      'a.0.b.prototype',
    );
    expect(refusal(JSON.parse('{"__proto__":{}}')).options.target).toBe('__proto__');
  });

  it('refuses a lone surrogate in a value, naming the field', () => {
    const error = refusal({ displayName: 'a\ud800' });
    expect(error.options.target).toBe('displayName');
    expect(error.message).toMatch(/^"displayName" holds text that is not well-formed Unicode/);
  });
});
