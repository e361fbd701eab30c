import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';

/** Azure REST API guidelines: a collection is `{value, nextLink?}`. */
export function collectionSchema<T extends z.ZodType>(item: T) {
  return z.object({ value: z.array(item), nextLink: z.url().optional() });
}

export const ErrorResponseSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      target: z.string().optional(),
      details: z
        .array(z.object({ code: z.string(), message: z.string(), target: z.string().optional() }))
        .optional(),
      innererror: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'ErrorResponse' });

/** Paging query: `top` items per page and the opaque `$skipToken` from a previous nextLink. */
export const PageQuerySchema = z.strictObject({
  top: z.coerce.number().int().min(1).max(100).default(50),
  $skipToken: z.string().max(2048).optional(),
});

export function nextLink(requestUrl: string, skipToken: string | undefined): string | undefined {
  if (!skipToken) return undefined;
  const url = new URL(requestUrl);
  url.searchParams.set('$skipToken', skipToken);
  return url.toString();
}

/** 201 with the created item, and its URL (the collection's URL and the item's id) as location. */
export function createdResponse(request: HttpRequest, item: { id: string }): HttpResponseInit {
  return {
    status: 201,
    headers: { location: `${request.url.replace(/\/$/, '')}/${item.id}` },
    jsonBody: item,
  };
}
