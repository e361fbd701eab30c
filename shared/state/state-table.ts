import { ownString } from '../snapshot/own-string';

/**
 * A segment's exported members: each e-mail with the hash of the data fields it was sent with.
 * Laid out for millions of members: the map holds each address's slot, a small integer V8 keeps
 * inside the map, and the hashes (53-bit numbers, which would each be an object of their own as
 * map values) sit side by side in one Float64Array. A slot can be read and rewritten without a
 * second lookup, which is what a plan does for every member.
 */
export class StateTable implements Iterable<[string, number]> {
  readonly #slots = new Map<string, number>();
  #hashes = new Float64Array(1024);
  #used = 0;

  constructor(entries?: Iterable<readonly [string, number]>) {
    if (entries) for (const [email, hash] of entries) this.set(email, hash);
  }

  get size(): number {
    return this.#slots.size;
  }

  /** The address's slot, or undefined when it is not in the table. */
  slotOf(email: string): number | undefined {
    return this.#slots.get(email);
  }

  hashAt(slot: number): number {
    return this.#hashes[slot]!;
  }

  setAt(slot: number, hash: number): void {
    this.#hashes[slot] = hash;
  }

  /**
   * Gives the address a new slot holding `hash`; returns the slot. One map operation: an address
   * already in the table moves to the new slot (keeping its place in the order), and its old
   * slot is left unused, so rewriting a known member is `setAt` on its slot instead. The address
   * is copied unless the caller says it already holds its own characters (`own`: decoded on its
   * own, not cut from a larger text).
   */
  add(email: string, hash: number, string: 'copy' | 'own' = 'copy'): number {
    if (this.#used === this.#hashes.length) {
      const grown = new Float64Array(this.#hashes.length * 2);
      grown.set(this.#hashes);
      this.#hashes = grown;
    }
    const slot = this.#used++;
    this.#hashes[slot] = hash;
    // Addresses are cut from snapshot or state text: keep a copy, not a view that pins the text.
    this.#slots.set(string === 'own' ? email : ownString(email), slot);
    return slot;
  }

  get(email: string): number | undefined {
    const slot = this.#slots.get(email);
    return slot === undefined ? undefined : this.#hashes[slot];
  }

  has(email: string): boolean {
    return this.#slots.has(email);
  }

  set(email: string, hash: number): this {
    this.add(email, hash);
    return this;
  }

  delete(email: string): boolean {
    return this.#slots.delete(email);
  }

  /** Each address with its slot, in the order they were added. */
  slots(): IterableIterator<[string, number]> {
    return this.#slots.entries();
  }

  keys(): IterableIterator<string> {
    return this.#slots.keys();
  }

  *entries(): IterableIterator<[string, number]> {
    for (const [email, slot] of this.#slots) yield [email, this.#hashes[slot]!];
  }

  [Symbol.iterator](): IterableIterator<[string, number]> {
    return this.entries();
  }
}
