/** How much of a caller's value an error message repeats; enough to recognise it. */
export const maxQuotedLength = 64;

// Characters a reader must see escaped: JSON escapes C0 controls, quotes and backslashes, but not
// DEL and C1 controls, line and paragraph separators, bidirectional overrides (which reorder what
// a log viewer shows) or the HTML-significant < > &.
const escapedBeyondJson = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069<>&]/g;

/**
 * A caller's value as an error message may show it: at most `maxLength` characters (whole code
 * points, an ellipsis marking the cut), in double quotes, with every character escaped that could
 * break a log line, a terminal or an HTML page. Only quote values that passed validation; an
 * invalid value is described, never repeated.
 */
export function quoteForMessage(value: string, maxLength = maxQuotedLength): string {
  const codePoints = [...value];
  const shown =
    codePoints.length > maxLength ? `${codePoints.slice(0, maxLength - 1).join('')}…` : value;
  // JSON.stringify escapes quotes, backslashes, C0 controls and lone surrogates.
  return JSON.stringify(shown).replace(
    escapedBeyondJson,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A caller-chosen field path for an error's `target`: cut to a length a response can carry. */
export function truncateTarget(target: string, maxLength = 256): string {
  const codePoints = [...target];
  return codePoints.length > maxLength ? `${codePoints.slice(0, maxLength - 1).join('')}…` : target;
}
