/**
 * Keys that name an object's prototype machinery. JSON.parse keeps `__proto__` as an own key, but
 * copying it into another object (as zod does for a record such as dataFields) sets the prototype
 * or drops the key silently, and `constructor` or `prototype` read back from a plain object find
 * Object's own members. None is a field of any body, so a caller's map may not use them either.
 */
export const reservedKeys: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
