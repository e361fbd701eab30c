import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { hashText, parseStateLine } from '../../../shared/state/state-lines';
import { StateTable } from '../../../shared/state/state-table';

/** The built module: the check runs in a plain Node.js process of its own. */
const stateTableModule = path.resolve(__dirname, '../../../dist/shared/state/state-table.js');

describe('StateTable', () => {
  it('reads, rewrites and removes members like a map, in the order they were added', () => {
    const table = new StateTable([
      ['a@example.com', 1],
      ['b@example.com', 2 ** 52 + 7],
    ]);
    table.set('c@example.com', -1).set('a@example.com', 5);
    expect(table.delete('b@example.com')).toBe(true);
    expect(table.delete('b@example.com')).toBe(false);
    expect(table.size).toBe(2);
    expect(table.has('b@example.com')).toBe(false);
    expect(table.get('b@example.com')).toBeUndefined();
    expect([...table]).toEqual([
      ['a@example.com', 5],
      ['c@example.com', -1],
    ]);
    expect([...table.keys()]).toEqual(['a@example.com', 'c@example.com']);
  });

  it('gives each member a slot that reads and rewrites its hash', () => {
    const table = new StateTable();
    const slot = table.add('a@example.com', 9);
    expect(table.slotOf('a@example.com')).toBe(slot);
    expect(table.slotOf('z@example.com')).toBeUndefined();
    table.setAt(slot, 2 ** 53 - 1);
    expect(table.hashAt(slot)).toBe(2 ** 53 - 1);
    expect(table.get('a@example.com')).toBe(2 ** 53 - 1);
    expect([...table.slots()]).toEqual([['a@example.com', slot]]);
  });

  it('grows past its first block without losing a hash', () => {
    const table = new StateTable();
    for (let n = 0; n < 5000; n++) table.set(`m${n}@example.com`, n * 1_000_003);
    expect(table.size).toBe(5000);
    for (let n = 0; n < 5000; n += 499) expect(table.get(`m${n}@example.com`)).toBe(n * 1_000_003);
  });
});

describe('StateTable addresses', () => {
  it('keeps addresses that are not ASCII beside the others, in the same order', () => {
    const table = new StateTable([
      ['a@example.com', 1],
      ['é@example.com', 2],
      ['\ud800@example.com', 3],
      ['b@example.com', 4],
    ]);
    expect(table.get('é@example.com')).toBe(2);
    expect(table.get('\ud800@example.com')).toBe(3);
    expect(table.get('\ud801@example.com')).toBeUndefined();
    expect(table.delete('é@example.com')).toBe(true);
    table.set('é@example.com', 5);
    expect([...table]).toEqual([
      ['a@example.com', 1],
      ['\ud800@example.com', 3],
      ['b@example.com', 4],
      ['é@example.com', 5],
    ]);
  });

  it('reads addresses from bytes as from strings: the same address is one member', () => {
    const table = new StateTable([['a@example.com', 1]]);
    const bytes = Buffer.from('xa@example.comb@example.comé@x.com');
    expect(table.addBytes(bytes, 1, 14, 7)).toBe(table.slotOf('a@example.com'));
    table.addBytes(bytes, 14, 27, 8);
    table.addBytes(bytes, 27, bytes.length, 9);
    expect([...table]).toEqual([
      ['a@example.com', 7],
      ['b@example.com', 8],
      ['é@x.com', 9],
    ]);
  });

  it('finds every member after many deletions and additions', () => {
    const table = new StateTable();
    const expected = new Map<string, number>();
    let seed = 11;
    for (let step = 0; step < 40_000; step++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const email = `m${seed % 5000}@example.com`;
      if (seed % 3 === 0) {
        expect(table.delete(email)).toBe(expected.delete(email));
      } else {
        table.set(email, step);
        expected.set(email, step);
      }
    }
    expect(table.size).toBe(expected.size);
    expect(new Map(table)).toEqual(expected);
    for (let n = 0; n < 5000; n++) {
      expect(table.get(`m${n}@example.com`)).toBe(expected.get(`m${n}@example.com`));
    }
  });
});

describe('hashText', () => {
  it('writes a hash as toString(36) does, and reads back as the same number', () => {
    const hashes = [0, 1, 35, 36, 36 ** 6 - 1, 36 ** 6, 36 ** 6 + 1, 2 ** 32, 2 ** 53 - 1, -1];
    let seed = 7;
    for (let n = 0; n < 2000; n++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      hashes.push(Math.floor((seed / 2 ** 32) * 2 ** 53), seed);
    }
    for (const hash of hashes) {
      expect(hashText(hash)).toBe(hash.toString(36));
      expect(parseStateLine(`a@example.com\t${hashText(hash)}`)).toEqual(['a@example.com', hash]);
    }
  });
});

describe('StateTable keys', () => {
  /**
   * Keeps 400 addresses, each cut from 64 KB of text, in a StateTable (or, to show the
   * measurement catches a pinned text, in a plain Map), and reports how much the heap grew once
   * the texts are gone. Runs in a process of its own, with the garbage collector exposed.
   */
  function heapGrowthMb(keeper: 'StateTable' | 'Map'): number {
    const script = `
      const { StateTable } = require(${JSON.stringify(stateTableModule)});
      const kept = ${keeper === 'Map' ? 'new Map()' : 'new StateTable()'};
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let n = 0; n < 400; n++) {
        const text = 'member.' + n + '@example.com,' + 'x'.repeat(64 * 1024) + n;
        kept.set(text.slice(0, text.indexOf(',')), n);
      }
      gc();
      if (kept.size !== 400) throw new Error('lost a key');
      process.stdout.write(String((process.memoryUsage().heapUsed - before) / 1048576));
    `;
    const output = execFileSync(process.execPath, ['--expose-gc', '-e', script], {
      encoding: 'utf8',
    });
    return Number(output);
  }

  it('holds copies of its addresses, never views that keep the text they were cut from', () => {
    expect(heapGrowthMb('Map')).toBeGreaterThan(20); // 400 × 64 KB pinned: the check can see it
    expect(heapGrowthMb('StateTable')).toBeLessThan(4);
  });
});
