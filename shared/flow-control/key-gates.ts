import { setTimeout as sleep } from 'node:timers/promises';
import { book, failed, freshGate, succeeded, throttled } from './flow-rules';
import type { Booking, GateState } from './flow-rules';
import type { GateStore, StoredGate } from './gate-store';

/** Which gate, and the connection's ceiling (its requestsPerSecond; undefined = none). */
export interface GateKey {
  /** SHA-256 of the Iterable key (keyHash in list-ownership/iterable-projects.ts). */
  keyHash: string;
  ceiling?: number | undefined;
}

/** How a request sent on a booked slot ended. */
export type SendOutcome =
  | { kind: 'succeeded' }
  | { kind: 'throttled'; retryAfterMs?: number | undefined; slotAt?: number | undefined }
  | { kind: 'failed' };

/** What the batch worker asks of the gates; `KeyGates` is the one implementation. */
export interface FlowControl {
  /** A send slot or a return time; `queued: false` takes no return time (the caller won't return). */
  book(key: GateKey, options?: { queued?: boolean }): Promise<Booking>;
  /**
   * Whether a slot booked under `epoch` still holds (no decrease, opening or closing since), as
   * the gate read at most `maxAgeMs` ago says (default: freshly, within `freshForMs`).
   */
  holds(key: GateKey, epoch: number, maxAgeMs?: number): Promise<boolean>;
  /** Whether a 429 met in this process voided slots booked under `epoch` (no read: a last look). */
  voidedHere(key: GateKey, epoch: number): boolean;
  /** Tells the gate how a request booked under `epoch` ended; answers whether the circuit was open. */
  report(key: GateKey, epoch: number, outcome: SendOutcome): Promise<{ circuitWasOpen: boolean }>;
}

/** Other instances won the gate's row every time: the caller tries again a little later. */
export class GateContended extends Error {
  constructor() {
    super('The flow-control gate stayed contended');
  }
}

type Change<R> = (state: GateState, now: number) => { state: GateState; result: R };

interface Waiting {
  change: Change<unknown>;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/**
 * How old a gate read may be for `holds`: an epoch bumped elsewhere (a 429 met by another
 * instance) is seen within this, so few requests go out on void slots at a high rate.
 */
const freshForMs = 30;
const maxWriteAttempts = 25;
/** How old a gate read may be to decide that a success changes nothing. */
const successSeenWithinMs = 1000;

/**
 * One key's gate as this process uses it. Changes asked for while a write is under way wait and
 * then go together in one conditional write (a group commit): a worker sending two dozen batches
 * at once writes the row once, not two dozen times against each other's ETags. Between instances
 * the ETag decides; the loser reads again and redoes its changes after a short jittered pause.
 */
class KeyGate {
  /** Slots booked under an epoch below this are void, as a 429 met here showed. */
  voidBelow = 0;
  readonly #waiting: Waiting[] = [];
  #draining = false;
  #last: (StoredGate & { at: number }) | undefined;
  #reading: Promise<StoredGate> | undefined;

  constructor(
    private readonly store: GateStore,
    private readonly keyHash: string,
  ) {}

  change<R>(change: Change<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#waiting.push({ change, resolve, reject });
      if (!this.#draining) void this.#drain();
    });
  }

  /** The gate as last read or written, read again when older than `maxAgeMs`. */
  async current(maxAgeMs = freshForMs): Promise<GateState> {
    if (this.#last && Date.now() - this.#last.at < maxAgeMs) return this.#last.state;
    this.#reading ??= this.#read().finally(() => (this.#reading = undefined));
    return (await this.#reading).state;
  }

  async #read(): Promise<StoredGate & { at: number }> {
    const stored = await this.store.read(this.keyHash);
    const at = Date.now();
    this.#last = { state: stored?.state ?? freshGate(at), etag: stored?.etag, at };
    return this.#last;
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    while (this.#waiting.length > 0) {
      const group = this.#waiting.splice(0);
      try {
        const results = await this.#commit(group.map((waiting) => waiting.change));
        group.forEach((waiting, index) => waiting.resolve(results[index]));
      } catch (error) {
        for (const waiting of group) waiting.reject(error);
      }
    }
    this.#draining = false;
  }

  async #commit(changes: Change<unknown>[]): Promise<unknown[]> {
    // The row as this process last saw it is usually still current: try its ETag first.
    let stored = this.#last ?? (await this.#read());
    for (let attempt = 1; ; attempt++) {
      const now = Date.now();
      let state = stored.state;
      const results = changes.map((change) => {
        const next = change(state, now);
        state = next.state;
        return next.result;
      });
      if (state === stored.state && stored.etag !== undefined) {
        // Nothing to write: an answer only if it was decided on a fresh read.
        if (Date.now() - stored.at < freshForMs) return results;
        stored = await this.#read();
        continue;
      }
      const written = await this.store.write(this.keyHash, state, stored.etag);
      if (written) {
        // Without the new ETag in the answer, the next change reads the row first.
        this.#last =
          written.etag === undefined ? undefined : { state, etag: written.etag, at: now };
        return results;
      }
      if (attempt >= maxWriteAttempts) throw new GateContended();
      // Jittered and growing, so writers that lost together do not collide again.
      await sleep(2 + Math.random() * 10 * Math.min(attempt, 10));
      stored = await this.#read();
    }
  }
}

/** The gates of every Iterable key this process sends to. */
export class KeyGates implements FlowControl {
  readonly #gates = new Map<string, KeyGate>();

  constructor(private readonly store: GateStore) {}

  book(key: GateKey, { queued = true }: { queued?: boolean } = {}): Promise<Booking> {
    return this.#gate(key).change((state, now) => {
      const next = book(state, now, key.ceiling, queued);
      return { state: next.state, result: next.booking };
    });
  }

  async holds(key: GateKey, epoch: number, maxAgeMs?: number): Promise<boolean> {
    if (this.voidedHere(key, epoch)) return false;
    return (await this.#gate(key).current(maxAgeMs)).epoch === epoch;
  }

  voidedHere(key: GateKey, epoch: number): boolean {
    return epoch < this.#gate(key).voidBelow;
  }

  async report(
    key: GateKey,
    epoch: number,
    outcome: SendOutcome,
  ): Promise<{ circuitWasOpen: boolean }> {
    const gate = this.#gate(key);
    // A 429 voids the slots of its epoch (it is the decrease's, or already void): this process's
    // batches know at once, before the gate is written, so fewer go out into a full window.
    if (outcome.kind === 'throttled') gate.voidBelow = Math.max(gate.voidBelow, epoch + 1);
    if (outcome.kind === 'succeeded') {
      // Most successes change nothing: skip the write when the gate as seen within the last
      // second needs none (no read per batch; a circuit another instance opened that moment
      // is closed by the next success after it).
      const seen = await gate.current(successSeenWithinMs);
      if (succeeded(seen, Date.now()) === seen) return { circuitWasOpen: false };
    }
    return gate.change((state, now) => ({
      state:
        outcome.kind === 'succeeded'
          ? succeeded(state, now)
          : outcome.kind === 'failed'
            ? failed(state, now, key.ceiling)
            : throttled(state, now, epoch, outcome.retryAfterMs, key.ceiling, outcome.slotAt),
      result: { circuitWasOpen: state.circuitOpen },
    }));
  }

  #gate(key: GateKey): KeyGate {
    let gate = this.#gates.get(key.keyHash);
    if (!gate) this.#gates.set(key.keyHash, (gate = new KeyGate(this.store, key.keyHash)));
    return gate;
  }
}
