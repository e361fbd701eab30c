/**
 * An example request body per operation that takes one, shown in the OpenAPI document. The
 * contract test parses each with the operation's own body schema, so an example cannot go stale.
 */
export const bodyExamples: Record<string, unknown> = {
  'connections-create': {
    displayName: 'Marketing (EU)',
    apiKey: 'replace-with-the-iterable-api-key',
    region: 'eu',
    consent: { accepted: true },
  },
  'connections-update': { displayName: 'Marketing', requestsPerSecond: 50 },
  'exports-create': {
    displayName: 'Newsletter',
    connectionId: '3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c',
    segments: ['Newsletter subscribers'],
    emailField: 'email',
    dataFields: { firstName: 'first_name' },
  },
  'exports-update': { displayName: 'Newsletter (weekly)' },
  'runs-create': { mode: 'delta', dryRun: false },
  'schedule-put': { cron: '0 6 * * *', timeZone: 'Europe/Amsterdam' },
  'webhooks-create': {
    url: 'https://hooks.example.com/iterable-export',
    secret: 'replace-with-a-long-random-secret',
    events: ['com.iterable-segment-export.run.failed'],
  },
  'refreshes-report': {
    refreshedAt: '2026-01-31T05:00:00Z',
    segments: ['Newsletter subscribers'],
  },
};
