import { randomBytes } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { createTableClient } from '../../../shared/clients/storage';
import { flowNumbers } from '../../../shared/flow-control/flow-numbers';
import { GateStore } from '../../../shared/flow-control/gate-store';
import { KeyGates, type GateKey } from '../../../shared/flow-control/key-gates';

const storage = process.env.AzureWebJobsStorage ?? '';

/**
 * The gates against Azurite, with many bookers at once: several KeyGates stand for several
 * instances (each groups its own callers' changes), all on one table row.
 */
describe('KeyGates', () => {
  const table: TableClient = createTableClient(
    { kind: 'connectionString', connectionString: storage },
    `flowcontrol${randomBytes(4).toString('hex')}`,
  );
  const instances = Array.from({ length: 4 }, () => new KeyGates(new GateStore(table)));
  const newKey = (ceiling?: number): GateKey => ({
    keyHash: randomBytes(32).toString('hex'),
    ceiling,
  });

  beforeAll(async () => {
    await table.createTable();
  });
  afterAll(async () => {
    await table.deleteTable();
  });

  /**
   * `callers` async callers spread over the instances, each booking `each` times in turn. Answers
   * the slots booked and the return times given to the batches further back in line, in order.
   */
  async function bookConcurrently(key: GateKey, callers: number, each: number) {
    const slots: number[] = [];
    const returns: number[] = [];
    await Promise.all(
      Array.from({ length: callers }, async (_, caller) => {
        const gates = instances[caller % instances.length]!;
        for (let i = 0; i < each; i++) {
          const booking = await gates.book(key);
          if (booking.kind === 'later' && !booking.held) throw new Error('The horizon was reached');
          (booking.kind === 'booked' ? slots : returns).push(booking.at);
        }
      }),
    );
    const inOrder = (times: number[]) => times.sort((a, b) => a - b);
    return { slots: inOrder(slots), returns: inOrder(returns) };
  }

  it('gives 200 bookings of 20 callers on 4 instances slots at least 1/rate apart, and the others return times a little closer', async () => {
    const ceiling = 10;

    const { slots, returns } = await bookConcurrently(newKey(ceiling), 20, 10);

    expect(slots.length + returns.length).toBe(200);
    // Slots only a moment ahead: 1.5 s at 9.5 a second holds 14 whole slots wherever the first
    // falls (15 when it falls at the window's start), and more as far as the test's own time took.
    expect(slots.length).toBeGreaterThanOrEqual(14);
    expect(slots.length).toBeLessThan(60);
    const interval = 1000 / (ceiling * flowNumbers.ceilingShare);
    for (const [times, spacing] of [
      [slots, interval],
      [returns, interval / flowNumbers.returnOverbooking],
    ] as const) {
      for (let i = 1; i < times.length; i++) {
        expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(spacing - 0.001);
      }
    }
    // Never more than the ceiling in any one-second window, whichever slot it starts at.
    for (const [i, slot] of slots.entries()) {
      const inWindow = slots.slice(i).filter((other) => other < slot + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(ceiling);
    }
  });

  it('books an uncapped key at its start rate, no two callers on one slot', async () => {
    const { slots, returns } = await bookConcurrently(newKey(), 10, 2);

    // At 20 a second, the slots from bookLeadMs to slotAheadMs ahead hold them all.
    expect(returns).toEqual([]);

    expect(new Set(slots).size).toBe(20);
    // 1/rate apart, the rate growing from the start rate by at most half while the test books
    // (slow start doubles it every second).
    for (let i = 1; i < slots.length; i++) {
      expect(slots[i]! - slots[i - 1]!).toBeGreaterThanOrEqual(
        1000 / (flowNumbers.startRate * 1.5),
      );
    }
  });

  it("voids a 429's epoch for the process that met it at once, before the gate is written", async () => {
    const key = newKey();
    const first = await instances[0]!.book(key);
    if (first.kind !== 'booked') throw new Error('not booked');

    const reported = instances[0]!.report(key, first.epoch, { kind: 'throttled' });

    expect(await instances[0]!.holds(key, first.epoch)).toBe(false);
    await reported;
  });

  it('halves the rate once for the many 429s of one epoch, from whichever instance', async () => {
    const key = newKey();
    const first = await instances[0]!.book(key);
    if (first.kind !== 'booked') throw new Error('not booked');

    const answers = await Promise.all(
      instances.map((gates) => gates.report(key, first.epoch, { kind: 'throttled' })),
    );

    expect(answers.every((answer) => !answer.circuitWasOpen)).toBe(true);
    expect(await instances[1]!.holds(key, first.epoch)).toBe(false);
    expect(await instances[2]!.holds(key, first.epoch + 1)).toBe(true);
    const next = await instances[3]!.book(key);
    // Held a second past the 429, then booked at half the rate.
    expect(next).toMatchObject({ kind: 'booked', epoch: first.epoch + 1 });
    if (next.kind === 'booked') expect(next.at - Date.now()).toBeGreaterThan(800);
  });

  it('opens the circuit after failures reported by several instances, and closes on a success', async () => {
    const key = newKey();
    await Promise.all(
      Array.from({ length: flowNumbers.failuresToOpen }, (_, i) =>
        instances[i % instances.length]!.report(key, 0, { kind: 'failed' }),
      ),
    );

    const probe = await instances[0]!.report(key, 1, { kind: 'failed' });
    expect(probe.circuitWasOpen).toBe(true);
    const closing = await instances[1]!.report(key, 1, { kind: 'succeeded' });

    expect(closing.circuitWasOpen).toBe(true);
    expect(await instances[1]!.holds(key, 2)).toBe(true);
  });
});
