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
