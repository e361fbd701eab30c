import { webhookEventTypes } from '../webhooks/webhook-event-types';
import { ids, pageLink } from './example-ids';

/**
 * Answer examples of connections, exports, segments and webhooks (response-examples.ts gathers
 * them by operation). Keys and secrets appear only as the hint the API shows of them.
 */

const marketingEuCreated = '2026-01-12T09:41:27.318Z';

/** The connection connections-create's body example makes. */
export const marketingEu = {
  id: ids.marketingEu,
  displayName: 'Marketing (EU)',
  region: 'eu',
  allowContributors: false,
  exportUsers: [ids.admin],
  consent: { accepted: true, acceptedBy: ids.admin, acceptedAt: marketingEuCreated },
  keyHint: '…7c2e',
  enabled: true,
  createdAt: marketingEuCreated,
  createdBy: ids.admin,
  updatedAt: marketingEuCreated,
  updatedBy: ids.admin,
};

/** Renamed and capped, as connections-update's body example asks. */
export const marketingEuUpdated = {
  ...marketingEu,
  displayName: 'Marketing',
  requestsPerSecond: 50,
  updatedAt: '2026-02-03T08:15:42.067Z',
};

const marketingUs = {
  id: ids.marketingUs,
  displayName: 'Marketing (US)',
  region: 'us',
  allowContributors: true,
  exportUsers: [ids.admin, ids.contributor],
  consent: { accepted: true, acceptedBy: ids.admin, acceptedAt: '2026-01-14T10:05:12.904Z' },
  keyHint: '…e91d',
  enabled: true,
  createdAt: '2026-01-14T10:05:12.904Z',
  createdBy: ids.admin,
  updatedAt: '2026-01-14T10:05:12.904Z',
  updatedBy: ids.admin,
};

export const connectionsPage = {
  value: [marketingEu, marketingUs],
  nextLink: pageLink('connections', 2, ids.marketingUs),
};

const newsletterCreated = '2026-01-20T13:22:48.150Z';

/**
 * The export exports-create's body example saves: it follows the tenant's refresh schedule
 * (06:00 Europe/Amsterdam), so it runs next the morning after.
 */
export const newsletter = {
  id: ids.newsletter,
  displayName: 'Newsletter',
  connectionId: ids.marketingEu,
  segments: ['Newsletter subscribers'],
  emailField: 'email',
  dataFields: { firstName: 'first_name' },
  syncMode: 'mirror',
  schedule: { mode: 'refresh' },
  enabled: true,
  createdAt: newsletterCreated,
  createdBy: ids.contributor,
  updatedAt: newsletterCreated,
  updatedBy: ids.contributor,
  nextRunAt: '2026-01-21T05:00:00.000Z',
};

/**
 * Renamed after the platform began reporting its refreshes: a refresh export then runs on each
 * report, and has no next time of its own.
 */
export const newsletterRenamed = {
  ...newsletter,
  displayName: 'Newsletter (weekly)',
  updatedAt: '2026-02-03T09:02:11.734Z',
  nextRunAt: null,
};

/** An export on its own schedule (Mondays at 07:00 in Amsterdam) and removal thresholds. */
export const winBack = {
  id: ids.winBack,
  displayName: 'Win-back',
  connectionId: ids.marketingUs,
  segments: ['Lapsed buyers'],
  emailField: 'email_address',
  dataFields: { firstName: 'first_name', lastOrderDate: 'last_order_date' },
  syncMode: 'mirror',
  schedule: { mode: 'custom', cron: '0 7 * * 1', timeZone: 'Europe/Amsterdam' },
  enabled: true,
  removalThresholds: { guardPercent: 20, guardMinCount: 500 },
  createdAt: '2026-01-21T16:47:05.622Z',
  createdBy: ids.contributor,
  updatedAt: '2026-01-22T08:03:51.090Z',
  updatedBy: ids.admin,
  nextRunAt: '2026-02-09T06:00:00.000Z',
};

export const exportsPage = {
  value: [{ ...newsletter, nextRunAt: null }, winBack],
  nextLink: pageLink('exports', 2, ids.winBack),
};

/** Newsletter subscribers as the platform's refresh of 31 January wrote it. */
export const newsletterSegment = {
  name: 'Newsletter subscribers',
  format: 'csv',
  compressed: true,
  columns: ['email', 'first_name', 'country', 'signup_date'],
  sizeBytes: 1843277,
  updatedAt: '2026-01-31T04:58:12.000Z',
};

export const segmentsPage = {
  value: [
    {
      name: 'Lapsed buyers',
      format: 'jsonl',
      compressed: false,
      columns: ['email_address', 'first_name', 'last_order_date', 'lifetime_value'],
      sizeBytes: 652904,
      updatedAt: '2026-01-31T04:57:40.000Z',
    },
    newsletterSegment,
    {
      name: 'VIP customers',
      format: 'csv',
      compressed: false,
      columns: [],
      sizeBytes: 88315,
      updatedAt: '2026-01-30T22:10:05.000Z',
      problem: {
        code: 'AmbiguousSnapshot',
        message:
          'Several snapshots hold this segment ("VIP customers.csv", "VIP customers.csv.gz"); the platform must keep one.',
      },
    },
  ],
  nextLink: pageLink('segments', 3, Buffer.from('VIP customers').toString('base64url')),
};

/** The webhook webhooks-create's body example registers: failed runs only. */
export const failureHook = {
  id: ids.failureHook,
  url: 'https://hooks.example.com/iterable-export',
  events: ['com.iterable-segment-export.run.failed'],
  secretHint: '…k3Tz',
  createdAt: '2026-01-16T11:07:38.264Z',
  createdBy: ids.admin,
  updatedAt: '2026-01-16T11:07:38.264Z',
};

/** A webhook of every event, its latest delivery taken by the receiver. */
export const opsHook = {
  id: ids.opsHook,
  url: 'https://ops.example.org/hooks/segment-export',
  events: [...webhookEventTypes],
  secretHint: '…W8pa',
  createdAt: '2026-01-16T11:12:04.519Z',
  createdBy: ids.admin,
  updatedAt: '2026-01-16T11:12:04.519Z',
  lastDelivery: {
    eventId: `${ids.refreshRun}:partiallySucceeded`,
    type: 'com.iterable-segment-export.run.partially-succeeded',
    at: '2026-01-31T05:04:19.212Z',
    attempt: 1,
    status: 'delivered',
    responseStatus: 204,
  },
};

export const webhooksPage = {
  value: [
    failureHook,
    {
      ...opsHook,
      lastDelivery: {
        eventId: `${ids.heldRun}:awaitingConfirmation`,
        type: 'com.iterable-segment-export.run.awaiting-confirmation',
        at: '2026-02-01T05:05:12.730Z',
        attempt: 2,
        status: 'retrying',
        responseStatus: 503,
        error: 'The receiver answered HTTP 503',
      },
    },
  ],
  nextLink: pageLink('webhooks', 2, ids.opsHook),
};
