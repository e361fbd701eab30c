import { nextLink } from '../http/collection';

/**
 * The ids the answer examples share, so the examples tell one story: a tenant with two Iterable
 * connections, a few exports and their runs. Runs have time-ordered ids (UUIDv7) of their
 * creation time, as the API makes them.
 */
export const ids = {
  tenant: 'c0a8f3d2-5e4b-4f1a-9c7d-2b6e8a1f4d3c',
  admin: 'e5d1c7a4-2f3b-4c8e-9a61-7b0d3e5f9c12',
  contributor: '9b7e4f21-6c3a-4d8b-a5e0-1f2c8d9a7b34',
  /** The platform's app (its client id), acting for the tenant with its own identity. */
  platformApp: '4d6f8a2c-1e3b-4a5c-8d7e-9f0a1b2c3d4e',
  platformTenant: 'f2e4c6a8-0b1d-4f3e-8a5c-7e9b1d3f5a60',
  marketingEu: '3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c',
  marketingUs: '5a7c9e1b-3d4f-4a6b-8c0d-2e4f6a8b0c1d',
  newsletter: '8e2b4d6f-0a1c-4e3b-9d5f-7a9c1e3b5d7f',
  winBack: 'b4d6f8a0-2c4e-4b6d-8f0a-1c3e5a7c9e0b',
  newsletterUs: 'd1f3a5c7-9e2b-4d4f-a6c8-0e2a4c6e8f1b',
  newsletterTest: 'e7a9c1e3-5b7d-4f9a-8c2e-6a8c0e2b4d7f',
  failureHook: '6c8e0a2b-4d6f-4b8c-a0e2-3f5b7d9f1a2c',
  opsHook: 'a3c5e7f9-1b2d-4e4f-9a6c-8e0b2d4f6a18',
  /** Newsletter's runs: scheduled (29, 30 Jan), on the platform's refreshes, by hand (2 Feb). */
  olderRun: '019c0820-710e-76a1-a0d9-5f3b7c2e9d46',
  scheduledRun: '019c0d46-de60-7a3c-8f21-4b6d9e0c2a17',
  refreshRun: '019c126e-8ee1-7c19-9b4e-e2d07f3a6c58',
  heldRun: '019c1795-4a85-7e65-8d13-9a2f4c6e0b81',
  manualRun: '019c1dd8-6faf-71b8-b5c7-6e9d2a4f8c03',
  cancelledRun: '019c1ec3-8190-7f04-9e62-c1a3b8d5e7f2',
  /** Newsletter (test)'s run of the 31 Jan refresh, recorded as skipped. */
  skippedRun: '019c126e-8efa-74d2-a6f0-3c8e1b5d7f94',
};

export const apiBase = 'https://segment-export.example.com/api';

/** The nextLink the API answers for a page of `path` read `top` at a time. */
export function pageLink(path: string, top: number, skipToken: string): string {
  return nextLink(`${apiBase}/${path}?top=${top}`, skipToken) ?? '';
}

/** A continuation token as the Tables SDK gives one out: base64 of the next row's keys. */
export function tableToken(nextPartitionKey: string, nextRowKey: string): string {
  return Buffer.from(JSON.stringify({ nextPartitionKey, nextRowKey })).toString('base64');
}

/** A run's URL, as Operation-Location and a refresh's `location` give it. */
export function runLocation(exportId: string, runId: string): string {
  return `${apiBase}/exports/${exportId}/runs/${runId}`;
}
