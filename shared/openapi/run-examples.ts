import { emptyCounts, type RunCounts } from '../runs/run-schemas';
import { ids, pageLink, runLocation, tableToken } from './example-ids';

/**
 * Answer examples of the Newsletter export's runs and of a reported refresh (response-examples.ts
 * gathers them by operation). Counts add up as a run counts them: total = added + updated +
 * unchanged, and a mirrored list loses `removed` of the members it had; a run's counts are the
 * sum of its segments'.
 */

const segment = 'Newsletter subscribers';
const listId = 2841906;
/** Counts of a run: the changes named, none of the rest. */
function counted(changes: Partial<RunCounts>): RunCounts {
  return { ...emptyCounts(), ...changes };
}

/** A run of Newsletter and its one segment, counted alike. */
function newsletterRun(fields: { id: string; counts: RunCounts; snapshotEtag?: string }) {
  const { id, counts, snapshotEtag } = fields;
  return {
    id,
    exportId: ids.newsletter,
    counts,
    segments: [
      snapshotEtag ? { name: segment, listId, snapshotEtag, counts } : { name: segment, counts },
    ],
  };
}

const manualCreated = '2026-02-02T10:14:09.583Z';

/** Asked for by runs-create's body example: queued, nothing read yet. */
export const queuedRun = {
  ...newsletterRun({ id: ids.manualRun, counts: emptyCounts() }),
  trigger: 'manual',
  requestedBy: ids.contributor,
  mode: 'delta',
  dryRun: false,
  status: 'queued',
  percentComplete: 0,
  createdAt: manualCreated,
};

/** The same run half sent: planned, one of its two batches done. */
export const runningRun = {
  ...queuedRun,
  ...newsletterRun({
    id: ids.manualRun,
    snapshotEtag: '"0x8DE625B3A9C14F7"',
    counts: counted({
      total: 21540,
      added: 247,
      updated: 96,
      unchanged: 21197,
      removed: 12,
      rejected: 3,
      duplicates: 1,
    }),
  }),
  status: 'running',
  percentComplete: 55,
  startedAt: '2026-02-02T10:14:10.126Z',
  batchCount: 2,
  estimatedFinishAt: '2026-02-02T10:15:12.126Z',
};

/** A full run its requester cancelled while it was being planned. */
export const cancelledRun = {
  ...newsletterRun({ id: ids.cancelledRun, counts: emptyCounts() }),
  trigger: 'manual',
  requestedBy: ids.contributor,
  mode: 'full',
  dryRun: false,
  status: 'cancelled',
  percentComplete: 0,
  createdAt: '2026-02-02T14:30:55.120Z',
  startedAt: '2026-02-02T14:30:55.904Z',
  finishedAt: '2026-02-02T14:31:20.448Z',
};

/**
 * A refresh run the mass-removal guard held (the segment shrank to less than half the list),
 * once an Admin confirmed it: its batches are on their way.
 */
export const confirmedRun = {
  ...newsletterRun({
    id: ids.heldRun,
    snapshotEtag: '"0x8DE6115E2F7A9C3"',
    counts: counted({ total: 21305, added: 12, updated: 148, unchanged: 21145, removed: 26923 }),
  }),
  trigger: 'refresh',
  slot: '2026-02-01T05:00:00.000Z',
  mode: 'delta',
  dryRun: false,
  status: 'running',
  percentComplete: 0,
  createdAt: '2026-02-01T05:03:05.861Z',
  startedAt: '2026-02-01T05:03:06.342Z',
  batchCount: 28,
  confirmation: {
    message:
      'The run would remove more than 50% of a list: "Newsletter subscribers" 26923 of 48216 (55.8%). Nothing was sent; an Admin confirms (POST .../confirm) or cancels the run.',
    thresholdPercent: 50,
    segments: [{ name: segment, listSize: 48216, removing: 26923, percent: 55.8 }],
  },
};

const refreshRun = {
  ...newsletterRun({
    id: ids.refreshRun,
    snapshotEtag: '"0x8DE6090D4C1A7B2"',
    counts: counted({
      total: 48216,
      added: 311,
      updated: 655,
      unchanged: 47250,
      removed: 203,
      rejected: 14,
      duplicates: 6,
    }),
  }),
  trigger: 'refresh',
  slot: '2026-01-31T05:00:00.000Z',
  mode: 'delta',
  dryRun: false,
  status: 'partiallySucceeded',
  percentComplete: 100,
  createdAt: '2026-01-31T05:02:41.377Z',
  startedAt: '2026-01-31T05:02:42.015Z',
  finishedAt: '2026-01-31T05:04:18.730Z',
  batchCount: 2,
};

const scheduledRun = {
  ...newsletterRun({
    id: ids.scheduledRun,
    snapshotEtag: '"0x8DE5FFA1B3C5D70"',
    counts: counted({
      total: 48108,
      added: 967,
      updated: 512,
      unchanged: 46629,
      removed: 176,
      duplicates: 3,
    }),
  }),
  trigger: 'schedule',
  slot: '2026-01-30T05:00:00.000Z',
  mode: 'delta',
  dryRun: false,
  status: 'succeeded',
  percentComplete: 100,
  createdAt: '2026-01-30T05:01:14.208Z',
  startedAt: '2026-01-30T05:01:14.733Z',
  finishedAt: '2026-01-30T05:03:52.466Z',
  batchCount: 3,
};

/** Newest first; the next page starts at the run of 29 January (the runs table's next row). */
export const runsPage = {
  value: [refreshRun, scheduledRun],
  nextLink: pageLink(
    `exports/${ids.newsletter}/runs`,
    2,
    tableToken(ids.tenant, `${ids.newsletter}|8230337130225|${ids.olderRun}`),
  ),
};

/** The first of the refresh run's 14 rejected rows: those the snapshot's reading refused. */
export const rejectionsPage = {
  value: [
    { email: 'anna.jansen@@example.com', reason: 'invalidEmail', line: 1834, segment },
    { email: '', reason: 'missingEmail', line: 20417, segment },
    { email: 'p.bakker@example', reason: 'invalidEmail', line: 33051, segment },
  ],
  nextLink: pageLink(`exports/${ids.newsletter}/runs/${ids.refreshRun}/rejections`, 3, '3'),
};

/** What refreshes-report's body example starts: one run, one deferred, one skipped. */
export const refreshResult = {
  refreshedAt: '2026-01-31T05:00:00.000Z',
  value: [
    {
      exportId: ids.newsletter,
      displayName: 'Newsletter',
      outcome: 'started',
      repeated: false,
      runId: ids.refreshRun,
      location: runLocation(ids.newsletter, ids.refreshRun),
      status: 'queued',
    },
    {
      exportId: ids.newsletterUs,
      displayName: 'Newsletter (US)',
      outcome: 'deferred',
      repeated: false,
      error: {
        code: 'ConnectionActiveRunLimit',
        message:
          "The export's connection has 2 active runs, the most MAX_ACTIVE_RUNS_PER_CONNECTION allows; try again when one ends.",
        target: 'MAX_ACTIVE_RUNS_PER_CONNECTION',
      },
    },
    {
      exportId: ids.newsletterTest,
      displayName: 'Newsletter (test)',
      outcome: 'skipped',
      repeated: false,
      runId: ids.skippedRun,
      location: runLocation(ids.newsletterTest, ids.skippedRun),
      status: 'skipped',
      skipReason: { code: 'ExportDisabled', message: 'The export is disabled.' },
    },
  ],
};
