import { createNextRuns, nextRunAt } from '../../../shared/schedule/next-runs';
import type { TenantSchedule } from '../../../shared/schedule/schedule-service';

const now = new Date('2026-12-06T17:40:00Z');
const saved = '2026-12-01T00:00:00.000Z';
const refreshCron: TenantSchedule = {
  cron: '0 6 * * *',
  timeZone: 'Europe/Amsterdam',
  updatedAt: saved,
  updatedBy: 'admin',
};

function exportWith(
  schedule:
    { mode: 'off' } | { mode: 'refresh' } | { mode: 'custom'; cron: string; timeZone: string },
  overrides: { enabled?: boolean; connectionId?: string } = {},
) {
  return {
    schedule,
    enabled: overrides.enabled ?? true,
    updatedAt: saved,
    connectionId: overrides.connectionId ?? 'c1',
  };
}

describe('nextRunAt', () => {
  it("names the next time of an export's own cron, in its time zone, as UTC", () => {
    const custom = exportWith({
      mode: 'custom',
      cron: '30 18 * * *',
      timeZone: 'Europe/Amsterdam',
    });
    // 18:30 in Amsterdam (UTC+1 in December) is 17:30 UTC, just past: tomorrow's.
    expect(nextRunAt(custom, undefined, true, now)).toBe('2026-12-07T17:30:00.000Z');
  });

  it('names the next time of the refresh cron a refresh export follows', () => {
    expect(nextRunAt(exportWith({ mode: 'refresh' }), refreshCron, true, now)).toBe(
      '2026-12-07T05:00:00.000Z',
    );
  });

  it('is null when the export cannot run on a schedule', () => {
    const custom = exportWith({ mode: 'custom', cron: '*/15 * * * *', timeZone: 'UTC' });
    expect(nextRunAt(custom, undefined, true, now)).toBe('2026-12-06T17:45:00.000Z');
    expect(nextRunAt(exportWith({ mode: 'off' }), refreshCron, true, now)).toBeNull();
    expect(nextRunAt({ ...custom, enabled: false }, undefined, true, now)).toBeNull();
    expect(nextRunAt(custom, undefined, false, now)).toBeNull();
    // A refresh export without a refresh cron the timer applies runs only on demand or report.
    expect(nextRunAt(exportWith({ mode: 'refresh' }), undefined, true, now)).toBeNull();
  });
});

describe('createNextRuns', () => {
  it('reads the refresh cron once and each connection once, only for exports that may run', async () => {
    const reads: string[] = [];
    const nextRuns = createNextRuns({
      refreshCron: (tenantId) => {
        reads.push(`cron ${tenantId}`);
        return Promise.resolve(refreshCron);
      },
      connectionEnabled: (_tenantId, id) => {
        reads.push(`connection ${id}`);
        return Promise.resolve(id !== 'disabled');
      },
      clock: () => now,
    });
    const hourly = { mode: 'custom', cron: '0 * * * *', timeZone: 'UTC' } as const;
    expect(
      await nextRuns('t', [
        exportWith({ mode: 'refresh' }),
        exportWith(hourly),
        exportWith(hourly, { connectionId: 'disabled' }),
        exportWith({ mode: 'off' }, { connectionId: 'unread' }),
        exportWith(hourly, { enabled: false, connectionId: 'unread' }),
      ]),
    ).toEqual(['2026-12-07T05:00:00.000Z', '2026-12-06T18:00:00.000Z', null, null, null]);
    expect(reads.sort()).toEqual(['connection c1', 'connection disabled', 'cron t']);
  });

  it('reads nothing when no export may run', async () => {
    const nextRuns = createNextRuns({
      refreshCron: () => Promise.reject(new Error('not read')),
      connectionEnabled: () => Promise.reject(new Error('not read')),
    });
    expect(await nextRuns('t', [exportWith({ mode: 'off' })])).toEqual([null]);
  });
});
