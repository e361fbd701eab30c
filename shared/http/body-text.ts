import { ValidationError } from '../errors';
import { quoteForMessage, truncateTarget } from '../quote-for-message';
import { reservedKeys } from '../reserved-keys';

// Half of a UTF-16 surrogate pair on its own (JSON lets `"\ud800"` through) is no character:
// encodeURIComponent throws on it, and storage keys, URLs and Iterable cannot carry it.
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

interface Visit {
  value: unknown;
  key?: string;
  parent?: Visit;
}

function pathOf(visit: Visit): string {
  const keys: string[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.') || '(body)';
}

function refuse(target: string, code: string, problem: string): never {
  const message = `${quoteForMessage(target)} ${problem}`;
  const shown = truncateTarget(target);
  throw new ValidationError(message, {
    target: shown,
    details: [{ code, target: shown, message }],
  });
}

function refuseLoneSurrogate(visit: Visit): never {
  refuse(
    pathOf(visit),
    'InvalidField',
    'holds text that is not well-formed Unicode (a lone surrogate).',
  );
}

/**
 * 400 for a reserved key anywhere in the body, or a field name or string value that is not
 * well-formed Unicode, naming where it is. The walk keeps its own stack, so a body nested
 * 100,000 deep cannot overflow the call stack.
 */
export function refuseUnsafeKeysAndText(body: unknown): void {
  const pending: Visit[] = [{ value: body }];
  for (let visit = pending.pop(); visit; visit = pending.pop()) {
    const { value } = visit;
    if (typeof value === 'string') {
      if (loneSurrogate.test(value)) refuseLoneSurrogate(visit);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        // A field name is refused at the object that holds it.
        if (loneSurrogate.test(key)) refuseLoneSurrogate(visit);
        const child: Visit = { value: item, key, parent: visit };
        if (reservedKeys.has(key)) {
          refuse(
            pathOf(child),
            'ReservedKey',
            'is not allowed: __proto__, constructor and prototype cannot be keys.',
          );
        }
        pending.push(child);
      }
    }
  }
}
