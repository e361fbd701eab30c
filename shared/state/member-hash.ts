/**
 * The fields hash of a member Iterable has with fields the service does not know (an
 * unsubscribe that failed for someone never confirmed): never equal to a real hash, so the next
 * run sends the member again. A state written before hashes were numbers reads as this too.
 */
export const unknownFields = -1;

/**
 * A short, stable fingerprint of a member's data fields (key order does not matter): a 53-bit
 * non-cryptographic hash (two 32-bit multiply-xorshift lanes, mixed at the end), 0 or more, of
 * each field's name and value, each preceded by its length and the value by its kind, so no two
 * different sets of fields feed the same sequence. Characters go in two at a time and nothing is
 * serialized for string values, the usual case: it costs a fifth of hashing the fields' JSON.
 * It only tells "changed" from "unchanged"; a change goes unnoticed with a chance of about 1 in
 * 9 × 10^15.
 */
export function dataFieldsHash(dataFields: Record<string, unknown>): number {
  const keys = Object.keys(dataFields);
  let sorted = true;
  for (let index = 1; index < keys.length && sorted; index++) {
    sorted = keys[index - 1]! < keys[index]!;
  }
  if (!sorted) keys.sort();
  const lanes = { h1: 0xdeadbeef, h2: 0x41c6ce57 };
  for (const key of keys) {
    const value = dataFields[key];
    const text = typeof value === 'string' ? value : String(JSON.stringify(value));
    mix(lanes, key.length);
    mixText(lanes, key);
    mix(lanes, (typeof value === 'string' ? 0x10000000 : 0x20000000) + text.length);
    mixText(lanes, text);
  }
  let { h1, h2 } = lanes;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

interface HashLanes {
  h1: number;
  h2: number;
}

function mix(lanes: HashLanes, code: number): void {
  lanes.h1 = Math.imul(lanes.h1 ^ code, 2654435761);
  lanes.h2 = Math.imul(lanes.h2 ^ code, 1597334677);
}

/** Two UTF-16 code units per step; past the end `charCodeAt` gives NaN, which `<<` makes 0. */
function mixText(lanes: HashLanes, text: string): void {
  let { h1, h2 } = lanes;
  for (let index = 0; index < text.length; index += 2) {
    const code = text.charCodeAt(index) | (text.charCodeAt(index + 1) << 16);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  lanes.h1 = h1;
  lanes.h2 = h2;
}
