import { quoteForMessage, truncateTarget } from '../../shared/quote-for-message';

describe('quoteForMessage', () => {
  it('quotes a short value in double quotes, as JSON does', () => {
    expect(quoteForMessage('Newsletter subscribers')).toBe('"Newsletter subscribers"');
  });

  it('cuts a long value to 64 characters, the last an ellipsis', () => {
    const quoted = quoteForMessage('x'.repeat(10_000));
    expect(quoted).toBe(`"${'x'.repeat(63)}…"`);
  });

  it('cuts between code points, never inside a surrogate pair', () => {
    const quoted = quoteForMessage('😀'.repeat(100));
    expect(quoted).toBe(`"${'😀'.repeat(63)}…"`);
  });

  it('escapes quotes, backslashes, newlines and other control characters', () => {
    expect(quoteForMessage('a"b\\c\nd\re\u0000f\u007fg\u0085h')).toBe(
      '"a\\"b\\\\c\\nd\\re\\u0000f\\u007fg\\u0085h"',
    );
  });

  it('escapes HTML, line separators and bidirectional overrides', () => {
    expect(quoteForMessage('<script>&\u2028\u202e')).toBe(
      '"\\u003cscript\\u003e\\u0026\\u2028\\u202e"',
    );
  });

  it('escapes a lone surrogate rather than repeating it', () => {
    expect(quoteForMessage('a\ud800b')).toBe('"a\\ud800b"');
  });

  it('reads back, through JSON.parse, as the value it quoted', () => {
    const value = 'line\n"quoted" <b>bold</b> & \u202e';
    expect(JSON.parse(quoteForMessage(value))).toBe(value);
  });
});

describe('truncateTarget', () => {
  it('keeps a short target and cuts a long one with an ellipsis', () => {
    expect(truncateTarget('dataFields.tier')).toBe('dataFields.tier');
    expect([...truncateTarget('k'.repeat(1000))]).toHaveLength(256);
  });
});
