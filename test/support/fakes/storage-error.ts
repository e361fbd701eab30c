import { RestError } from '@azure/storage-blob';

/** The error the Storage SDKs throw for an answered request, as the in-memory fakes answer it. */
export function storageError(statusCode: number, message: string): RestError {
  return new RestError(message, { statusCode });
}
