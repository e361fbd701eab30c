import { z } from 'zod';
import { ncrontab, optionalSetting, SettingsError, type Env } from './setting-parsers';

/** How long the app keeps what runs leave behind, in days; the retention timer enforces it. */
export interface RetentionSettings {
  /** Run records, with their batch results and progress rows (counts, no members). */
  runHistoryDays: number;
  /** A run's rejections and failure lists (the members refused, with the reason). */
  rejectionsDays: number;
  /** A run's batch blobs and held batches (every member it sent). */
  batchBlobsDays: number;
  /** Slot claims and reported refreshes' claims (a run per slot, a run per report). */
  slotClaimsDays: number;
  /**
   * The retention timer's schedule as its binding takes it: `%RETENTION_TIMER_SCHEDULE%` when
   * that setting is set, else the default itself (as the refresh timer's).
   */
  timerSchedule: string;
}

export const retentionSettingNames = {
  runHistoryDays: 'RETENTION_RUN_HISTORY_DAYS',
  rejectionsDays: 'RETENTION_REJECTIONS_DAYS',
  batchBlobsDays: 'RETENTION_BATCH_BLOBS_DAYS',
  slotClaimsDays: 'RETENTION_SLOT_CLAIMS_DAYS',
} as const;

/**
 * Batch blobs are read once, while the run sends: a week leaves time to look into a failed run
 * and no longer holds every member sent. Rejections are what people read after a run, for weeks
 * (30 days, as the container's lifecycle rule kept them before). Run history is counts only: a
 * quarter of it shows trends and answers "did it run". A slot or refresh claim stops a second run
 * for the same slot or report; after 30 days no retry or catch-up can still come for it.
 */
export const defaultRetention = {
  runHistoryDays: 90,
  rejectionsDays: 30,
  batchBlobsDays: 7,
  slotClaimsDays: 30,
};

/** Daily at 03:30 UTC, away from the hours refreshes usually come. */
export const defaultRetentionTimerSchedule = '0 30 3 * * *';

const days = z.coerce
  .number({ error: 'must be a whole number of days' })
  .int('must be a whole number of days')
  .min(1, 'must be 1 to 3650 days')
  .max(3650, 'must be 1 to 3650 days');

export function readRetention(env: Env): RetentionSettings {
  const read = (key: keyof typeof retentionSettingNames) =>
    optionalSetting(env, retentionSettingNames[key], days) ?? defaultRetention[key];
  const settings: RetentionSettings = {
    runHistoryDays: read('runHistoryDays'),
    rejectionsDays: read('rejectionsDays'),
    batchBlobsDays: read('batchBlobsDays'),
    slotClaimsDays: read('slotClaimsDays'),
    timerSchedule: optionalSetting(env, 'RETENTION_TIMER_SCHEDULE', ncrontab)
      ? '%RETENTION_TIMER_SCHEDULE%'
      : defaultRetentionTimerSchedule,
  };
  // A run's files are read through its record: they cannot outlive it.
  for (const key of ['rejectionsDays', 'batchBlobsDays'] as const) {
    if (settings[key] > settings.runHistoryDays) {
      throw new SettingsError(
        `Setting ${retentionSettingNames[key]} (${settings[key]}) must not exceed ${retentionSettingNames.runHistoryDays} (${settings.runHistoryDays}): a run's files are read through its record`,
      );
    }
  }
  return settings;
}
