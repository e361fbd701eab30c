import { reportsLapsed } from '../../../shared/schedule/platform-refreshes';

const daily = { cron: '0 6 * * *', timeZone: 'UTC' };
const everySecond = { cron: '* * * * * *', timeZone: 'UTC' };

describe('reportsLapsed', () => {
  it('keeps the hand-over while the platform reported since the second-latest scheduled time', () => {
    // Reported at 06:05 on the 4th; the cron names 06:00 on the 5th and 6th.
    expect(reportsLapsed(daily, '2026-12-04T06:05:00.000Z', new Date('2026-12-05T07:00:00Z'))).toBe(
      false,
    );
    expect(reportsLapsed(daily, '2026-12-04T06:05:00.000Z', new Date('2026-12-06T05:59:00Z'))).toBe(
      false,
    );
  });

  it('gives the exports back to the timer after two scheduled times without a report', () => {
    expect(reportsLapsed(daily, '2026-12-04T06:05:00.000Z', new Date('2026-12-06T06:00:00Z'))).toBe(
      true,
    );
  });

  it('waits a day at least, however often the cron fires', () => {
    const reported = '2026-12-06T06:00:00.000Z';
    expect(reportsLapsed(everySecond, reported, new Date('2026-12-06T18:00:00Z'))).toBe(false);
    expect(reportsLapsed(everySecond, reported, new Date('2026-12-07T06:00:01Z'))).toBe(true);
  });
});
