import type { Readable } from 'node:stream';

/** The lines of a UTF-8 stream, without their newlines, a chunk's worth at a time. */
export async function* textLines(stream: Readable): AsyncGenerator<string[]> {
  stream.setEncoding('utf8');
  let rest = '';
  for await (const chunk of stream as AsyncIterable<string>) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    if (lines.length) yield lines;
  }
  if (rest) yield [rest];
}

/**
 * Which of `partitions` an e-mail address belongs to: a 32-bit FNV-1a hash of it, so every run
 * puts an address in the same partition for the same count.
 */
export function partitionOf(email: string, partitions: number): number {
  if (partitions === 1) return 0;
  let hash = 0x811c9dc5;
  for (let index = 0; index < email.length; index++) {
    hash = Math.imul(hash ^ email.charCodeAt(index), 16777619);
  }
  return (hash >>> 0) % partitions;
}
