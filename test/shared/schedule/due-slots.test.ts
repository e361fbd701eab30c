import { latestOccurrence } from '../../../shared/schedule/cron';
import {
  dueSlot,
  effectiveSchedule,
  type CursorPosition,
  type EffectiveSchedule,
} from '../../../shared/schedule/due-slots';
import type { TenantSchedule } from '../../../shared/schedule/schedule-service';

const tenantSchedule = (overrides: Partial<TenantSchedule> = {}): TenantSchedule => ({
  cron: '0 6 * * *',
  timeZone: 'Europe/Amsterdam',
  updatedAt: '2025-01-01T00:00:00.000Z',
  updatedBy: 'admin',
  ...overrides,
});

const custom = (cron: string, timeZone: string, since: string): EffectiveSchedule => ({
  key: `custom ${cron} ${timeZone}`,
  cron,
  timeZone,
  since,
});

/** Fires a simulated timer every `stepMinutes` from `from` to `to`, claiming as the sweep does. */
function simulate(schedule: EffectiveSchedule, from: string, to: string, stepMinutes: number) {
  let cursor: CursorPosition | undefined;
  const claimed: string[] = [];
  for (let time = Date.parse(from); time < Date.parse(to); time += stepMinutes * 60_000) {
    const now = new Date(time);
    const slot = dueSlot(schedule, cursor, latestOccurrence(schedule.cron, schedule.timeZone, now));
    if (slot) {
      claimed.push(slot);
      cursor = { lastSlot: slot, scheduleKey: schedule.key };
    }
  }
  return claimed;
}

function hourly(from: string, to: string): string[] {
  const hours: string[] = [];
  for (let time = Date.parse(from); time < Date.parse(to); time += 3_600_000) {
    hours.push(new Date(time).toISOString());
  }
  return hours;
}

describe('effectiveSchedule', () => {
  const updatedAt = '2025-02-01T10:00:00.000Z';

  it('follows the tenant schedule for refresh, from the later of the two saves', () => {
    expect(
      effectiveSchedule({ schedule: { mode: 'refresh' }, updatedAt }, tenantSchedule()),
    ).toEqual({
      key: 'refresh 0 6 * * * Europe/Amsterdam',
      cron: '0 6 * * *',
      timeZone: 'Europe/Amsterdam',
      since: updatedAt,
    });
    const later = tenantSchedule({ updatedAt: '2025-03-01T00:00:00Z' });
    expect(effectiveSchedule({ schedule: { mode: 'refresh' }, updatedAt }, later)?.since).toBe(
      '2025-03-01T00:00:00.000Z',
    );
  });

  it('has nothing for refresh until the tenant sets a schedule, and nothing for off', () => {
    expect(effectiveSchedule({ schedule: { mode: 'refresh' }, updatedAt }, undefined)).toBe(
      undefined,
    );
    expect(effectiveSchedule({ schedule: { mode: 'off' }, updatedAt }, tenantSchedule())).toBe(
      undefined,
    );
  });

  it('uses its own cron and time zone for custom, whatever the tenant schedule', () => {
    const schedule = { mode: 'custom' as const, cron: '30 6 * * 1-5', timeZone: 'UTC' };
    expect(effectiveSchedule({ schedule, updatedAt }, tenantSchedule())).toEqual({
      key: 'custom 30 6 * * 1-5 UTC',
      cron: '30 6 * * 1-5',
      timeZone: 'UTC',
      since: updatedAt,
    });
  });
});

describe('dueSlot', () => {
  const schedule = custom('0 * * * *', 'UTC', '2025-01-01T00:00:00.000Z');
  const at = (iso: string) => new Date(iso);

  it('is the latest time when it comes after the last slot claimed', () => {
    const cursor = { lastSlot: '2025-05-01T09:00:00.000Z', scheduleKey: schedule.key };
    expect(dueSlot(schedule, cursor, at('2025-05-01T10:00:00Z'))).toBe('2025-05-01T10:00:00.000Z');
    expect(dueSlot(schedule, cursor, at('2025-05-01T09:00:00Z'))).toBe(undefined);
  });

  it('is one catch-up slot, the latest, after six hours without a timer', () => {
    const cursor = { lastSlot: '2025-05-01T00:00:00.000Z', scheduleKey: schedule.key };
    const latest = latestOccurrence(schedule.cron, schedule.timeZone, at('2025-05-01T06:10:00Z'));
    expect(dueSlot(schedule, cursor, latest)).toBe('2025-05-01T06:00:00.000Z');
  });

  it('never fires a new export for a time before it was saved', () => {
    const daily = custom('0 6 * * *', 'UTC', '2025-05-01T06:03:00.000Z');
    expect(dueSlot(daily, undefined, at('2025-05-01T06:00:00Z'))).toBe(undefined);
    const savedBefore = { ...daily, since: '2025-05-01T05:59:00.000Z' };
    expect(dueSlot(savedBefore, undefined, at('2025-05-01T06:00:00Z'))).toBe(
      '2025-05-01T06:00:00.000Z',
    );
  });

  it('starts a changed schedule from the change, not from the old cursor', () => {
    const changed = custom('0 6 * * *', 'UTC', '2025-05-01T08:00:00.000Z');
    const oldCursor = {
      lastSlot: '2025-04-30T23:00:00.000Z',
      scheduleKey: 'custom 0 23 * * * UTC',
    };
    expect(dueSlot(changed, oldCursor, at('2025-05-01T06:00:00Z'))).toBe(undefined);
    expect(dueSlot(changed, oldCursor, at('2025-05-02T06:00:00Z'))).toBe(
      '2025-05-02T06:00:00.000Z',
    );
  });

  it('keeps catching up after an edit that left the schedule alone', () => {
    const edited = { ...schedule, since: '2025-05-01T06:05:00.000Z' };
    const cursor = { lastSlot: '2025-05-01T00:00:00.000Z', scheduleKey: schedule.key };
    expect(dueSlot(edited, cursor, at('2025-05-01T06:00:00Z'))).toBe('2025-05-01T06:00:00.000Z');
  });

  it('claims each time once when the timer runs every five minutes', () => {
    const claimed = simulate(schedule, '2025-05-01T00:00:00Z', '2025-05-01T12:00:00Z', 5);
    expect(claimed).toEqual(hourly('2025-05-01T00:00:00Z', '2025-05-01T12:00:00Z'));
  });
});

describe('latestOccurrence', () => {
  it('includes a time exactly at now', () => {
    expect(latestOccurrence('0 6 * * *', 'UTC', new Date('2025-05-01T06:00:00Z'))).toEqual(
      new Date('2025-05-01T06:00:00Z'),
    );
  });

  it('accepts six fields, seconds first', () => {
    expect(latestOccurrence('*/10 * * * * *', 'UTC', new Date('2025-05-01T06:00:17.5Z'))).toEqual(
      new Date('2025-05-01T06:00:10Z'),
    );
  });
});

describe('slots across daylight-saving changes', () => {
  // Each day runs from local midnight to local midnight: 23 hours in spring, 25 in autumn.
  it.each([
    [
      'Europe/Amsterdam spring forward (02:30 does not exist)',
      'Europe/Amsterdam',
      '30 2 * * *',
      ['2025-03-29T23:00:00Z', '2025-03-30T22:00:00Z'],
      '2025-03-30T01:00:00.000Z', // 03:00 CEST, the first time after the gap
    ],
    [
      'Europe/Amsterdam fall back (02:30 happens twice)',
      'Europe/Amsterdam',
      '30 2 * * *',
      ['2025-10-25T22:00:00Z', '2025-10-26T23:00:00Z'],
      '2025-10-26T00:30:00.000Z', // 02:30 CEST, the first of the two
    ],
    [
      'America/New_York spring forward (02:30 does not exist)',
      'America/New_York',
      '30 2 * * *',
      ['2025-03-09T05:00:00Z', '2025-03-10T04:00:00Z'],
      '2025-03-09T07:00:00.000Z', // 03:00 EDT
    ],
    [
      'America/New_York fall back (01:30 happens twice)',
      'America/New_York',
      '30 1 * * *',
      ['2025-11-02T04:00:00Z', '2025-11-03T05:00:00Z'],
      '2025-11-02T05:30:00.000Z', // 01:30 EDT
    ],
  ])('%s: a daily time fires once, hourly every elapsed hour', (_, zone, daily, day, expected) => {
    const [from = '', to = ''] = day;
    // Saved just before the day began, so the day's slots are the first ones due.
    const since = new Date(Date.parse(from) - 1).toISOString();
    expect(simulate(custom(daily, zone, since), from, to, 5)).toEqual([expected]);
    const hours = simulate(custom('0 * * * *', zone, since), from, to, 5);
    expect(hours).toEqual(hourly(from, to));
    expect(hours).toHaveLength(Date.parse(to) - Date.parse(from) === 23 * 3_600_000 ? 23 : 25);
  });
});
