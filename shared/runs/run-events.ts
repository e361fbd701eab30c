import type { Run } from './run-schemas';

/**
 * Told when a run ends or is held for confirmation, right after the run row says so. Whoever
 * listens (webhooks) must neither fail nor hold up the run: an implementation catches and logs.
 */
export interface RunEvents {
  runChanged(tenantId: string, run: Run): Promise<void>;
}
