import { activeStatuses, type RunStatus } from '../../shared/runs/run-schemas';

/**
 * Whether a test waiting for a run can stop: the run has ended, or the mass-removal guard holds
 * it for a person, which as far as a test goes is an end.
 */
export function settled(status: string): boolean {
  return status === 'awaitingConfirmation' || !activeStatuses.has(status as RunStatus);
}
