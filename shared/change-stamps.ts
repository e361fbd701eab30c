import { z } from 'zod';

/**
 * Who created a resource and who changed it last, and when: the same four fields on connections
 * and exports, in the API (ISO times) and in their table rows, written by one place.
 */

/** The stamps as the API shows them; fresh schemas each call, so no schema is shared by two. */
export function changeStampFields() {
  return {
    createdAt: z.iso.datetime(),
    createdBy: z.string(),
    updatedAt: z.iso.datetime(),
    updatedBy: z.string(),
  };
}

/** The stamps as a table row holds them, with the row's etag (for conditional replaces). */
export function storedChangeStampFields() {
  return {
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
    updatedBy: z.string(),
    etag: z.string(),
  };
}

/** The stamps of a resource created now by `user`: created and last changed alike. */
export function creationStamps(user: { userId: string }, at = new Date().toISOString()) {
  return { createdAt: at, createdBy: user.userId, updatedAt: at, updatedBy: user.userId };
}
