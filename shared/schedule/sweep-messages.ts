import { z } from 'zod';
import { versionedFormat } from '../schema-version';

const slice = z.number().int().min(0);

/**
 * Queue refresh-sweep-shards: "claim the due slots of the exports in slices `from` to `to`
 * (excluded), from slice `slice` after key `after`" for the timer tick `tick`. The timer sends
 * one per shard, starting at `from`; a shard out of budget sends its own continuation.
 */
export const ShardMessageSchema = z
  .strictObject({
    tick: z.iso.datetime(),
    from: slice,
    to: slice,
    slice,
    after: z.string(),
  })
  .refine((message) => message.from <= message.slice && message.slice <= message.to, {
    message: 'slice must lie in from..to',
  });
export type ShardMessage = z.infer<typeof ShardMessageSchema>;

export const shardMessageFormat = versionedFormat({
  name: 'refresh-sweep-shards message',
  schema: ShardMessageSchema,
});

/** Where a shard stands: the slice it is in and the last key it went through there. */
export interface ShardPosition {
  slice: number;
  after: string;
}

/** Whether `a` lies beyond `b` in a shard's order (slices in order, keys within a slice). */
export function beyond(a: ShardPosition, b: ShardPosition): boolean {
  return a.slice > b.slice || (a.slice === b.slice && a.after > b.after);
}

/**
 * Shard `shard` of `shards`: a range of the fixed slices of the index, as even as they divide.
 * The index never depends on the number of shards, so changing it only changes these ranges.
 */
export function shardRange(
  shard: number,
  shards: number,
  slices: number,
): { from: number; to: number } {
  return {
    from: Math.floor((shard * slices) / shards),
    to: Math.floor(((shard + 1) * slices) / shards),
  };
}
