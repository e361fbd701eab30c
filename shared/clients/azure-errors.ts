/**
 * The HTTP status an Azure SDK error carries (RestError.statusCode), or undefined for errors that
 * never got an answer. The one place the SDKs' error shape is read.
 */
export function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  const { statusCode } = error as { statusCode?: unknown };
  return typeof statusCode === 'number' ? statusCode : undefined;
}
