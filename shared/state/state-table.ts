import { asciiBytesHash, asciiHash, grow } from './address-hash';

/**
 * A segment's exported members: each e-mail with the hash of the data fields it was sent with.
 * Laid out for millions of members without a million strings on the heap: the addresses' bytes
 * sit side by side in one buffer, found through an open-addressing index of their own hash, and
 * the fields hashes (53-bit numbers) in one Float64Array. The garbage collector sees a handful
 * of arrays, not a string and a map entry per member, and a state blob is read into the table
 * and written from it byte for byte, without decoding an address. A member's slot reads and
 * rewrites its hash without a second lookup; slots count up in the order members were added.
 *
 * Addresses are ASCII (an exported address is validated as such); any other string is kept in a
 * plain map beside the index, with a slot like the others, so the table takes any string.
 */
export class StateTable implements Iterable<[string, number]> {
  /** Per slot: the fields hash. */
  #hashes = new Float64Array(1024);
  /** Per slot, side by side: where its bytes start (-1: not ASCII), how many (-1: deleted). */
  #meta = new Int32Array(2048);
  #used = 0;
  #live = 0;
  #bytes = Buffer.allocUnsafe(64 * 1024);
  #byteEnd = 0;
  /** Open addressing, linear probing: slot + 1 (0: none) beside the address's own hash. */
  #index = new Int32Array(4096);
  /** Positions taken in the index, deleted slots' included (they stay until it is rebuilt). */
  #taken = 0;
  /** Addresses that are not ASCII, with their slots (their start is -1). */
  readonly #others = new Map<string, number>();
  /** The slots of the addresses in `#others`, for listing them. */
  readonly #otherBySlot = new Map<number, string>();
  /** The last address looked up and not found, its hash and the free position it probed to. */
  #missed: string | undefined;
  #missedHash = 0;
  #missedAt = 0;

  constructor(entries?: Iterable<readonly [string, number]>) {
    if (entries) for (const [email, hash] of entries) this.set(email, hash);
  }

  get size(): number {
    return this.#live;
  }

  /** How many slots were given out: every slot number is below this. */
  get slotCount(): number {
    return this.#used;
  }

  /** Whether a slot holds a member (not deleted). */
  live(slot: number): boolean {
    return this.#meta[2 * slot + 1]! >= 0;
  }

  /** The address at a slot. */
  emailAt(slot: number): string {
    const start = this.#meta[2 * slot]!;
    if (start < 0) return this.#otherBySlot.get(slot)!;
    return this.#bytes.toString('latin1', start, start + this.#meta[2 * slot + 1]!);
  }

  /** The address's slot, or undefined when it is not in the table. */
  slotOf(email: string): number | undefined {
    const length = email.length;
    const hash = asciiHash(email);
    if (hash === undefined) return this.#others.get(email);
    const index = this.#index;
    const mask = (index.length >> 1) - 1;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const entry = index[2 * at]!;
      if (entry === 0) {
        this.#missed = email;
        this.#missedHash = hash;
        this.#missedAt = at;
        return undefined;
      }
      if (index[2 * at + 1] === hash && this.#holds(entry - 1, email, length)) return entry - 1;
    }
  }

  #holds(slot: number, email: string, length: number): boolean {
    const meta = this.#meta;
    if (meta[2 * slot + 1] !== length) return false;
    const bytes = this.#bytes;
    const start = meta[2 * slot]!;
    for (let index = 0; index < length; index++) {
      if (bytes[start + index] !== email.charCodeAt(index)) return false;
    }
    return true;
  }

  hashAt(slot: number): number {
    return this.#hashes[slot]!;
  }

  setAt(slot: number, hash: number): void {
    this.#hashes[slot] = hash;
  }

  /**
   * Gives the address a slot holding `hash`; returns the slot. An address already in the table
   * keeps its slot (and its place in the order), its hash rewritten. The table keeps its own
   * copy of the address's characters, never a view of a larger text (`string` is kept for
   * callers that say which they pass; either is copied).
   */
  add(email: string, hash: number, _string: 'copy' | 'own' = 'copy'): number {
    let at: number;
    let key: number;
    if (this.#missed === email) {
      at = this.#missedAt;
      key = this.#missedHash;
    } else {
      const slot = this.slotOf(email);
      if (slot !== undefined) {
        this.#hashes[slot] = hash;
        return slot;
      }
      if (this.#missed !== email) return this.#addOther(email, hash);
      at = this.#missedAt;
      key = this.#missedHash;
    }
    this.#missed = undefined;
    const start = this.#reserve(email.length);
    const bytes = this.#bytes;
    for (let index = 0; index < email.length; index++) {
      bytes[start + index] = email.charCodeAt(index);
    }
    return this.#insert(at, key, start, email.length, hash);
  }

  /**
   * Adds the ASCII address in `source` from `start` to `end` (a state blob's bytes) with its
   * hash, without making a string of it; an address that is not ASCII is decoded and added.
   */
  addBytes(source: Uint8Array, start: number, end: number, hash: number): number {
    const length = end - start;
    const key = asciiBytesHash(source, start, end);
    if (key === undefined) {
      const text = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
      return this.add(text.toString('utf8', start, end), hash);
    }
    const index = this.#index;
    const mask = (index.length >> 1) - 1;
    let at = key & mask;
    for (; ; at = (at + 1) & mask) {
      const entry = index[2 * at]!;
      if (entry === 0) break;
      const slot = entry - 1;
      if (index[2 * at + 1] !== key || this.#meta[2 * slot + 1] !== length) continue;
      const bytes = this.#bytes;
      const from = this.#meta[2 * slot]!;
      let same = true;
      for (let offset = 0; offset < length && same; offset++) {
        same = bytes[from + offset] === source[start + offset];
      }
      if (same) {
        this.#hashes[slot] = hash;
        return slot;
      }
    }
    this.#missed = undefined;
    const to = this.#reserve(length);
    const bytes = this.#bytes;
    for (let offset = 0; offset < length; offset++) bytes[to + offset] = source[start + offset]!;
    return this.#insert(at, key, to, length, hash);
  }

  /** Room for `length` more bytes of addresses; returns where they go. */
  #reserve(length: number): number {
    if (this.#byteEnd + length > this.#bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.#bytes.length * 2, this.#byteEnd + length));
      this.#bytes.copy(grown, 0, 0, this.#byteEnd);
      this.#bytes = grown;
    }
    const start = this.#byteEnd;
    this.#byteEnd += length;
    return start;
  }

  #newSlot(hash: number): number {
    if (this.#used === this.#hashes.length) {
      const size = this.#used * 2;
      this.#hashes = grow(this.#hashes, new Float64Array(size));
      this.#meta = grow(this.#meta, new Int32Array(2 * size));
    }
    const slot = this.#used++;
    this.#hashes[slot] = hash;
    this.#live++;
    return slot;
  }

  #insert(at: number, key: number, start: number, length: number, hash: number): number {
    const slot = this.#newSlot(hash);
    this.#meta[2 * slot] = start;
    this.#meta[2 * slot + 1] = length;
    this.#index[2 * at] = slot + 1;
    this.#index[2 * at + 1] = key;
    if (++this.#taken * 4 > this.#index.length) this.#rebuild();
    return slot;
  }

  #addOther(email: string, hash: number): number {
    const slot = this.#newSlot(hash);
    this.#meta[2 * slot] = -1;
    this.#meta[2 * slot + 1] = email.length;
    this.#others.set(email, slot);
    this.#otherBySlot.set(slot, email);
    return slot;
  }

  /** A new index for the live ASCII addresses, at most a quarter full. */
  #rebuild(): void {
    this.#missed = undefined;
    let size = 2048;
    while (size < this.#live * 4) size *= 2;
    const index = new Int32Array(2 * size);
    const mask = size - 1;
    const old = this.#index;
    let taken = 0;
    for (let from = 0; from < old.length; from += 2) {
      const entry = old[from]!;
      if (entry === 0 || this.#meta[2 * (entry - 1) + 1]! < 0) continue;
      const key = old[from + 1]!;
      let at = key & mask;
      while (index[2 * at] !== 0) at = (at + 1) & mask;
      index[2 * at] = entry;
      index[2 * at + 1] = key;
      taken++;
    }
    this.#index = index;
    this.#taken = taken;
  }

  get(email: string): number | undefined {
    const slot = this.slotOf(email);
    return slot === undefined ? undefined : this.#hashes[slot];
  }

  has(email: string): boolean {
    return this.slotOf(email) !== undefined;
  }

  set(email: string, hash: number): this {
    this.add(email, hash);
    return this;
  }

  delete(email: string): boolean {
    const slot = this.slotOf(email);
    if (slot === undefined) return false;
    this.deleteAt(slot);
    return true;
  }

  /** Takes the member at a live slot out (its index position stays, as a deleted slot). */
  deleteAt(slot: number): void {
    this.#missed = undefined;
    if (this.#meta[2 * slot]! < 0) {
      this.#others.delete(this.#otherBySlot.get(slot)!);
      this.#otherBySlot.delete(slot);
    }
    this.#meta[2 * slot + 1] = -1;
    this.#live--;
  }

  /** The bytes of the address at a live slot, copied into `target` at `offset`; returns its end. */
  copyEmail(slot: number, target: Buffer, offset: number): number {
    const start = this.#meta[2 * slot]!;
    if (start < 0) return offset + target.write(this.#otherBySlot.get(slot)!, offset, 'utf8');
    const length = this.#meta[2 * slot + 1]!;
    const bytes = this.#bytes;
    for (let index = 0; index < length; index++) target[offset + index] = bytes[start + index]!;
    return offset + length;
  }

  /** The most bytes the address at a live slot takes as UTF-8. */
  emailBytesAtMost(slot: number): number {
    const length = this.#meta[2 * slot + 1]!;
    return this.#meta[2 * slot]! < 0 ? length * 3 : length;
  }

  /** Each address with its slot, in the order they were added. */
  *slots(): IterableIterator<[string, number]> {
    for (let slot = 0; slot < this.#used; slot++) {
      if (this.#meta[2 * slot + 1]! >= 0) yield [this.emailAt(slot), slot];
    }
  }

  *keys(): IterableIterator<string> {
    for (const [email] of this.slots()) yield email;
  }

  *entries(): IterableIterator<[string, number]> {
    for (const [email, slot] of this.slots()) yield [email, this.#hashes[slot]!];
  }

  [Symbol.iterator](): IterableIterator<[string, number]> {
    return this.entries();
  }
}
