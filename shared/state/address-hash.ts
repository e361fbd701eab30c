/**
 * The hash a state table finds an address by: FNV-1a over its characters, which are ASCII, then
 * murmur3's finalizer with the length folded in. The same address hashes the same whether it is
 * read from a string or from a state blob's bytes.
 */

/** The hash of an ASCII address; undefined when it holds any other character. */
export function asciiHash(email: string): number | undefined {
  let hash = 0x811c9dc5;
  for (let index = 0; index < email.length; index++) {
    const code = email.charCodeAt(index);
    if (code > 0x7f) return undefined;
    hash = Math.imul(hash ^ code, 0x01000193);
  }
  return finish(hash, email.length);
}

/** The same hash of an address's bytes from `start` to `end`; undefined when one is not ASCII. */
export function asciiBytesHash(source: Uint8Array, start: number, end: number): number | undefined {
  let hash = 0x811c9dc5;
  for (let index = start; index < end; index++) {
    const code = source[index]!;
    if (code > 0x7f) return undefined;
    hash = Math.imul(hash ^ code, 0x01000193);
  }
  return finish(hash, end - start);
}

function finish(hash: number, length: number): number {
  let mixed = hash ^ length;
  mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b);
  mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
  return mixed ^ (mixed >>> 16);
}

/** `from` copied into the larger `to`. */
export function grow<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
