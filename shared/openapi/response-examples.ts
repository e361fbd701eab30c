import { ids, pageLink, tableToken } from './example-ids';
import {
  connectionsPage,
  exportsPage,
  failureHook,
  marketingEu,
  marketingEuUpdated,
  newsletter,
  newsletterRenamed,
  newsletterSegment,
  opsHook,
  segmentsPage,
  webhooksPage,
  winBack,
} from './resource-examples';
import {
  cancelledRun,
  confirmedRun,
  queuedRun,
  rejectionsPage,
  refreshResult,
  runningRun,
  runsPage,
} from './run-examples';

const healthy = { status: 'healthy' };
const keyVaultRefused = "Key Vault refused the app's identity (HTTP 403)";

const schedule = {
  cron: '0 6 * * *',
  timeZone: 'Europe/Amsterdam',
  updatedAt: '2026-01-15T08:30:00.512Z',
  updatedBy: ids.admin,
};

/** Newest first: an entry's id is its row key, the milliseconds left until 2286, and a uuid. */
const auditPage = {
  value: [
    {
      id: '8229890668187-4f2a6c8e-0b1d-4e3f-9a5c-7d9e1f3a5b7c',
      at: '2026-02-03T09:02:11.812Z',
      tenantId: ids.tenant,
      actor: ids.contributor,
      actorType: 'user',
      action: 'export.update',
      resourceType: 'export',
      resourceId: ids.newsletter,
      changes: { displayName: { from: 'Newsletter', to: 'Newsletter (weekly)' } },
    },
    {
      id: '8229893457869-7b9d1f3a-5c7e-4a9b-8d1f-2a4c6e8b0d2f',
      at: '2026-02-03T08:15:42.130Z',
      tenantId: ids.tenant,
      actor: ids.admin,
      actorType: 'user',
      action: 'connection.update',
      resourceType: 'connection',
      resourceId: ids.marketingEu,
      changes: {
        displayName: { from: 'Marketing (EU)', to: 'Marketing' },
        requestsPerSecond: { to: 50 },
      },
    },
    {
      id: '8230164237993-1c3e5a7b-9d2f-4b4c-a6e8-0f2b4d6a8c1e',
      at: '2026-01-31T05:02:42.006Z',
      tenantId: ids.tenant,
      actor: ids.platformApp,
      actorType: 'app',
      appTenantId: ids.platformTenant,
      action: 'refresh.report',
      resourceType: 'refresh',
      resourceId: '2026-01-31T05:00:00.000Z',
      changes: {
        segments: ['Newsletter subscribers'],
        exports: [
          { exportId: ids.newsletter, outcome: 'started', runId: ids.refreshRun },
          { exportId: ids.newsletterUs, outcome: 'deferred' },
          { exportId: ids.newsletterTest, outcome: 'skipped', runId: ids.skippedRun },
        ],
      },
    },
  ],
  nextLink: pageLink(
    'audit',
    3,
    tableToken(ids.tenant, '8230209966584-6e8a0c2e-4b6d-4f8a-9c0e-3b5d7f9a1c4e'),
  ),
};

/**
 * An example answer per operation that answers a body (its `response`), shown in the OpenAPI
 * document. The contract test parses each with the operation's own response schema, so an
 * example cannot go stale, and checks that none holds a key or a secret.
 */
export const responseExamples: Record<string, unknown> = {
  health: { status: 'healthy', version: '0.1.0', checks: { storage: healthy, keyVault: healthy } },
  'connections-create': marketingEu,
  'connections-list': connectionsPage,
  'connections-get': marketingEu,
  'connections-update': marketingEuUpdated,
  'audit-list': auditPage,
  'segments-list': segmentsPage,
  'segments-get': newsletterSegment,
  'exports-create': newsletter,
  'exports-list': exportsPage,
  'exports-get': winBack,
  'exports-update': newsletterRenamed,
  'runs-create': queuedRun,
  'runs-list': runsPage,
  'runs-get': runningRun,
  'runs-cancel': cancelledRun,
  'runs-confirm': confirmedRun,
  'runs-rejections': rejectionsPage,
  'schedule-get': {
    ...schedule,
    platformRefreshes: {
      lastRefreshedAt: '2026-02-03T05:00:00.000Z',
      lastReportedAt: '2026-02-03T05:02:37.418Z',
    },
  },
  'schedule-put': schedule,
  'webhooks-create': failureHook,
  'webhooks-list': webhooksPage,
  'webhooks-get': opsHook,
  'refreshes-report': refreshResult,
};

/** An example of each of an operation's other answers (`otherResponses`), by status. */
export const otherResponseExamples: Record<string, Record<string, unknown>> = {
  health: {
    '503': {
      status: 'unhealthy',
      version: '0.1.0',
      checks: { storage: healthy, keyVault: { status: 'unhealthy', reason: keyVaultRefused } },
      error: {
        code: 'DependencyUnavailable',
        message: keyVaultRefused,
        details: [{ code: 'DependencyUnavailable', message: keyVaultRefused, target: 'keyVault' }],
      },
    },
  },
};
