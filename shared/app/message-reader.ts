import { ZodError } from 'zod';
import { NewerSchemaVersionError, type VersionedFormat } from '../schema-version';

export interface MessageLog {
  warn(message: string, properties?: Record<string, unknown>): void;
  error(message: string, properties?: Record<string, unknown>): void;
}

/**
 * A queue trigger's message, upgraded to the current format. A message that does not parse can
 * never succeed: it is logged and completed (undefined) instead of being retried into the
 * poison queue. A message of a newer format is no such message, and is not completed: see below.
 */
export function readMessage<T>(
  format: VersionedFormat<T>,
  message: unknown,
  queue: string,
  log: MessageLog,
): T | undefined {
  try {
    return format.parse(message);
  } catch (error) {
    if (error instanceof NewerSchemaVersionError) {
      // A newer release wrote it: during a rolling or blue-green deploy both releases take
      // messages from the same queue. Failing the invocation is what puts the message back: the
      // host makes it visible again after its visibility timeout, for an instance of the newer
      // release to take. Completing it would strand its run; reading it as a version this release
      // knows could misread it.
      log.warn('Left a message of a newer release on the queue', {
        queue,
        schemaVersion: error.version,
        knownSchemaVersion: error.known,
      });
      throw error;
    }
    if (error instanceof ZodError) {
      log.error('Dropped a message that is not valid', { queue, issues: error.issues.length });
      return undefined;
    }
    throw error;
  }
}
