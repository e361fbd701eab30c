/** The API's error body: `{ error: { code, message, target?, details? } }`. */
export interface ApiErrorDetail {
  code: string;
  message: string;
  target?: string;
}

/** An answer that was not a success, with what the API said of it. */
export class ExportApiError extends Error {
  constructor(
    readonly status: number,
    /** The API's error code (also in the x-ms-error-code header), e.g. `NotFound`. */
    readonly code: string,
    message: string,
    readonly target?: string,
    readonly details: ApiErrorDetail[] = [],
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'ExportApiError';
  }

  /** From an openapi-fetch result's `error` (the parsed body, if any) and its response. */
  static from(response: Response, body: unknown): ExportApiError {
    const error = (body as { error?: Partial<ApiErrorDetail> & { details?: ApiErrorDetail[] } })
      ?.error;
    return new ExportApiError(
      response.status,
      error?.code ?? response.headers.get('x-ms-error-code') ?? 'Error',
      error?.message ?? (response.statusText || 'The request failed.'),
      error?.target,
      error?.details ?? [],
    );
  }
}
