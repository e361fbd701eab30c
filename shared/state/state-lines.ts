import { unknownFields } from './member-hash';
import type { StateTable } from './state-table';

/**
 * The line format of a state blob: one member a line, "email<TAB>hash", the hash of its data
 * fields in base 36 (see member-hash.ts); a hash that cannot be read is unknown.
 */

const base36 = '0123456789abcdefghijklmnopqrstuvwxyz';
const base36Low = 36 ** 6;

/**
 * A hash as stored: base 36, as `hash.toString(36)` writes it, in a quarter of the time (V8
 * formats a number in another radix through a general path for fractions, a microsecond each,
 * which is a second per million members).
 */
export function hashText(hash: number): string {
  if (hash < 0 || !Number.isSafeInteger(hash)) return hash.toString(36);
  let high = Math.floor(hash / base36Low);
  let low = hash - high * base36Low;
  let text = '';
  do {
    text = base36[low % 36]! + text;
    low = Math.floor(low / 36);
  } while (low > 0 || (high > 0 && text.length < 6));
  while (high > 0) {
    text = base36[high % 36]! + text;
    high = Math.floor(high / 36);
  }
  return text;
}

/** A stored "email<TAB>hash" line; a hash that cannot be read is unknown, a line without an e-mail none. */
export function parseStateLine(line: string): [string, number] | undefined {
  const tab = line.indexOf('\t');
  if (tab <= 0) return undefined;
  const hash = parseInt(line.slice(tab + 1), 36);
  return [line.slice(0, tab), Number.isNaN(hash) ? unknownFields : hash];
}

/** Adds a stored line to a state. */
export function addStateLine(state: StateTable, line: string): void {
  const entry = parseStateLine(line);
  if (entry) state.add(entry[0], entry[1]);
}

const newline = 0x0a;
const tab = 0x09;

/**
 * Reads stored "email<TAB>hash" lines straight from their bytes, as `parseStateLine` reads them,
 * into a table: the address's bytes go into the table as they are (no string is made of them)
 * and the hash is read from its digits.
 */
export function readStateBytes(bytes: Buffer, state: StateTable): void {
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(newline, start);
    if (end === -1) end = bytes.length;
    let separator = start;
    while (separator < end && bytes[separator] !== tab) separator++;
    if (separator > start && separator < end) {
      state.addBytes(bytes, start, separator, hashOfBytes(bytes, separator + 1, end));
    }
    start = end + 1;
  }
}

/**
 * A stored hash read from its bytes as `parseInt(text, 36)` reads it: base-36 digits as written
 * (at most ten, which no rounding touches) are read here, anything else through parseInt.
 */
function hashOfBytes(bytes: Buffer, start: number, end: number): number {
  let hash = 0;
  if (end > start && end - start <= 10) {
    let index = start;
    for (; index < end; index++) {
      const code = bytes[index]!;
      const digit =
        code >= 0x30 && code <= 0x39 ? code - 0x30 : code >= 0x61 && code <= 0x7a ? code - 87 : -1;
      if (digit < 0) break;
      hash = hash * 36 + digit;
    }
    if (index === end) return hash;
  }
  hash = parseInt(bytes.toString('latin1', start, end), 36);
  return Number.isNaN(hash) ? unknownFields : hash;
}
