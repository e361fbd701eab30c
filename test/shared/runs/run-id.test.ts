import { randomUUID } from 'node:crypto';
import { RunSchema } from '../../../shared/runs/run-schemas';
import { newRunId, runIdTime } from '../../../shared/runs/run-id';

describe('run ids', () => {
  it('carry their creation time to the millisecond and are UUIDs', () => {
    const createdAt = Date.parse('2026-11-29T10:40:12.345Z');
    const ids = Array.from({ length: 100 }, () => newRunId(createdAt));
    expect(new Set(ids).size).toBe(100);
    for (const id of ids) {
      expect(runIdTime(id)).toBe(createdAt);
      expect(RunSchema.shape.id.safeParse(id).success).toBe(true);
    }
  });

  it('sort by creation time', () => {
    const earlier = newRunId(1_700_000_000_000);
    const later = newRunId(1_700_000_000_001);
    expect(earlier < later).toBe(true);
  });

  it('say nothing of the time of an id of another version', () => {
    expect(runIdTime(randomUUID())).toBeUndefined();
    expect(runIdTime('not-a-uuid')).toBeUndefined();
  });
});
