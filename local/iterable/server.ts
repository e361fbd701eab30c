import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdminRequest } from './admin-routes';
import { handleApiRequest } from './api-router';
import { sendJson } from './http-exchange';
import { inspect } from './inspection';
import type { InspectedProject, InspectionOptions } from './inspection';
import { DEFAULT_KNOBS, KnobChangesSchema } from './knobs';
import type { KnobChanges, Knobs } from './knobs';
import { StandInState } from './state';
import type { StatsSnapshot } from './stats';

export type { KnobChanges, Knobs } from './knobs';

export interface IterableStandInOptions extends KnobChanges {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Each key is its own project, with its own lists and users. */
  apiKeys?: string[];
}

export interface IterableStandIn {
  /** Origin to use as the Iterable base URL, e.g. `http://127.0.0.1:4010`. */
  url: string;
  port: number;
  close(): Promise<void>;
  /** Same as `POST /_standin/config`. */
  configure(changes: KnobChanges): Knobs;
  /** Same as `POST /_standin/keys`. */
  addApiKey(apiKey: string): void;
  /** Same as `POST /_standin/reset`. */
  reset(): void;
  /** Same as `GET /_standin/stats`. */
  stats(): StatsSnapshot;
  /** Same as `GET /_standin/lists`. */
  inspect(options?: Partial<InspectionOptions>): InspectedProject[];
}

/** Starts an HTTP server that answers Iterable's list endpoints from memory. */
export async function startIterableStandIn(
  options: IterableStandInOptions = {},
): Promise<IterableStandIn> {
  const { host = '127.0.0.1', port = 0, apiKeys = [], ...knobChanges } = options;
  const knobs: Knobs = { ...DEFAULT_KNOBS, ...KnobChangesSchema.parse(knobChanges) };
  const state = new StandInState(knobs, apiKeys);

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const handled = url.pathname.startsWith('/_standin/')
      ? handleAdminRequest(state, request, response, url)
      : handleApiRequest(state, request, response, url);
    handled.catch((error: unknown) => {
      console.error('Iterable stand-in: unexpected error', error);
      sendJson(response, 500, { error: 'internal stand-in error' });
    });
  });
  // Clients keep connections open between batches; make idle ones outlive a client's pauses.
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    configure: (changes) => state.configure(changes),
    addApiKey: (apiKey) => void state.addApiKey(apiKey),
    reset: () => state.reset(),
    stats: () => state.stats.snapshot(),
    inspect: (inspection = {}) =>
      inspect(state.store, {
        members: inspection.members ?? true,
        users: inspection.users ?? true,
        listId: inspection.listId,
      }),
  };
}
