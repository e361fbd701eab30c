import { isRestError } from '@azure/storage-blob';

/**
 * The HTTP status an Azure SDK error carries (RestError.statusCode), or undefined for errors that
 * never got an answer. The one place the SDKs' error shape is read.
 */
export function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  const { statusCode } = error as { statusCode?: unknown };
  return typeof statusCode === 'number' ? statusCode : undefined;
}

/**
 * What `read` answers, or undefined when Azure answers 404: a missing row or blob is an answer,
 * not a failure. Every other error goes to the caller.
 */
export async function getOrUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (statusCodeOf(error) === 404) return undefined;
    throw error;
  }
}

/** Runs a delete or merge whose item may be gone already (404): then nothing is left to do. */
export async function unlessGone(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (statusCodeOf(error) !== 404) throw error;
  }
}

/**
 * Whether an Azure SDK call failed for a while rather than for good: no answer at all (storage or
 * Key Vault unreachable), a timeout, throttling or a server error. Such work is retried (the
 * queue delivers the message again), never counted failed.
 */
export function isPassingAzureFailure(error: unknown): boolean {
  if (!isRestError(error)) return false;
  const status = error.statusCode;
  return status === undefined || status === 408 || status === 429 || status >= 500;
}
