import { z } from 'zod';
import { putBackDelaySeconds, queueMessageText } from '../../../shared/clients/queue-messages';
import { versionedFormat } from '../../../shared/schema-version';

describe('queue messages', () => {
  it('are the versioned JSON in base64, as host.json has the host read them', () => {
    const format = versionedFormat({ name: 'test message', schema: z.object({ id: z.string() }) });
    const text = queueMessageText(format, { id: 'a' });
    expect(JSON.parse(Buffer.from(text, 'base64').toString('utf8'))).toEqual({
      id: 'a',
      schemaVersion: 1,
    });
  });
});

describe('putBackDelaySeconds', () => {
  const schedule = { baseSeconds: 2, maxSeconds: 300 };
  const delays = (earlier: number, retryAfterMs?: number) =>
    Array.from({ length: 200 }, () => putBackDelaySeconds(earlier, schedule, retryAfterMs));

  it('doubles from the base with each earlier put-back, between half and all of it', () => {
    expect(Math.min(...delays(0))).toBeGreaterThanOrEqual(1);
    expect(Math.max(...delays(0))).toBeLessThanOrEqual(2);
    expect(Math.min(...delays(3))).toBeGreaterThanOrEqual(8);
    expect(Math.max(...delays(3))).toBeLessThanOrEqual(16);
    // Spread out, so messages put back together do not all return together.
    expect(new Set(delays(3)).size).toBeGreaterThan(1);
  });

  it('stops growing at the maximum', () => {
    expect(Math.min(...delays(20))).toBeGreaterThanOrEqual(150);
    expect(Math.max(...delays(20))).toBeLessThanOrEqual(300);
  });

  it('never comes back before the Retry-After the failure asked for', () => {
    expect(Math.min(...delays(0, 42_500))).toBe(43);
  });
});
