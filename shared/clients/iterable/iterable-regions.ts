/** Iterable's data centers: each serves a project's API from its own origin (iterableBaseUrl). */
export const iterableRegions = ['us', 'eu'] as const;
export type Region = (typeof iterableRegions)[number];
