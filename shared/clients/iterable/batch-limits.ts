/** What one request to Iterable's list endpoints may carry. */
export const maxBatchMembers = 1000;
/** Iterable refuses bodies of 4 MB or more; stay well under with room for the envelope. */
export const maxBatchBytes = 3.5 * 1024 * 1024;

/** Room kept in a batch for its envelope (the brackets, and the request around it). */
export const envelopeBytes = 256;

/**
 * The largest member, in bytes of its JSON, that fits a batch of its own. A larger one can never
 * be sent (Iterable refuses the request whole, on every run): segment-members refuses it first.
 */
export const maxMemberBytes = maxBatchBytes - envelopeBytes - 1;
